"""Random bytes, random and mutated SPARQL, random Accept headers and parameters at every route: never a 500, never a hang."""

from __future__ import annotations

import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cscip_kg.queries import load_catalogue
from tests.server.live import fetch, open_app

ROUTES = ["/", "/sparql", "/id/model/no-wrong-door", "/id/project/family-safeguarding", "/id/grant/round-1-leeds",
          "/def/", "/def/Project", "/graph/registry", "/download/", "/download/cscip-kg.ttl", "/.well-known/void",
          "/dataset", "/id/", "/static/site.css"]
MEDIA = ["text/html", "text/turtle", "application/sparql-results+json", "text/csv", "application/ld+json", "*/*",
         "application/rdf+xml", "text/*", "image/png", "application/n-triples", "text/tab-separated-values"]
PARAMS = ["query", "format", "default-graph-uri", "named-graph-uri", "update", "x", "output"]
# A hang guard, not a speed target (speed lives in bench/): the bound under test is query_timeout (1 s);
# on a shared 2-core machine under load a bounded request still took over 3 s, which made this flaky.
BUDGET = 30.0
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def app(build_dir: Path) -> Iterator[Flask]:
    with open_app({"build": str(build_dir), "workers": 2, "query_timeout": 1.0, "max_rows": 100}) as application:
        yield application


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def queries(project) -> list[str]:
    return [query.bind({}) for query in load_catalogue(project.queries_dir).values()]


def accept_headers() -> st.SearchStrategy[str]:
    ranges = st.tuples(st.sampled_from(MEDIA), st.one_of(st.none(), st.floats(0, 1).map(lambda q: f"{q:.3f}"), HEADER_TEXT))
    built = st.lists(ranges, max_size=4).map(lambda items: ", ".join(m if q is None else f"{m};q={q}" for m, q in items))
    return st.one_of(built, HEADER_TEXT)


def mutated(text: str, data: st.DataObject) -> str:
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "swap"]))
        piece = data.draw(st.sampled_from(["{", "}", "?", "<", ">", '"', "SERVICE", "FROM <http://x/>", "\\", "#", "\x00", "é", " ."]))
        if action == "insert":
            text = text[:position] + piece + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + data.draw(st.integers(1, 20)):]
        else:
            text = text[:position] + piece + text[position + len(piece):]
    return text


def timed(call):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    with call() as response:  # closing it releases a downloaded file
        body = response.get_data()
        elapsed = time.monotonic() - started
        # A mutated query may turn expensive: stopping it at the budget is the 503 the bounds promise.
        stopped = response.status_code == 503 and b"time budget" in body
        assert response.status_code < 500 or stopped, (response.status_code, body[:300])
    assert elapsed < BUDGET, elapsed


@FUZZ
@given(route=st.sampled_from(ROUTES), suffix=st.text(max_size=20), accept=accept_headers(),
       params=st.dictionaries(st.sampled_from(PARAMS), st.text(max_size=60), max_size=3))
def test_get_anything(client, route, suffix, accept, params):
    path = route + urllib.parse.quote(suffix)
    timed(lambda: client.get(path, query_string=params, headers={"Accept": accept}))


@FUZZ
@given(route=st.sampled_from(ROUTES), raw=st.binary(max_size=200))
def test_raw_query_strings(client, route, raw):
    # WSGI carries the query string as latin-1 text: every byte value reaches the app as it came.
    timed(lambda: client.get(route, environ_overrides={"QUERY_STRING": raw.decode("latin-1")}))


@FUZZ
@given(body=st.binary(max_size=2000), content_type=st.one_of(st.sampled_from(
    ["application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update", "text/plain",
     "multipart/form-data; boundary=x", "application/sparql-query; charset=latin-1"]), HEADER_TEXT), accept=accept_headers())
def test_post_random_bytes(client, body, content_type, accept):
    timed(lambda: client.post("/sparql", data=body, headers={"Content-Type": content_type, "Accept": accept}))


@FUZZ
@given(data=st.data(), accept=accept_headers(), how=st.sampled_from(["get", "form", "direct"]))
def test_mutated_named_queries(client, queries, data, accept, how):
    query = mutated(data.draw(st.sampled_from(queries)), data)
    headers = {"Accept": accept}
    if how == "get":
        timed(lambda: client.get("/sparql", query_string={"query": query}, headers=headers))
    elif how == "form":
        timed(lambda: client.post("/sparql", data={"query": query}, headers=headers))
    else:
        body = query.encode("utf-8", "surrogatepass")
        timed(lambda: client.post("/sparql", data=body, headers={**headers, "Content-Type": "application/sparql-query"}))


@FUZZ
@given(query=st.text(max_size=300))
def test_random_text_as_a_query(client, query):
    timed(lambda: client.get("/sparql", query_string={"query": query}))


@settings(max_examples=25, deadline=None)
@given(garbage=st.binary(min_size=1, max_size=3000))
def test_the_live_server_survives_random_bytes_on_the_wire(server, garbage):
    url = urllib.parse.urlsplit(server)
    with socket.create_connection((url.hostname, url.port), timeout=5) as connection:
        connection.sendall(garbage)
        connection.shutdown(socket.SHUT_WR)
        try:
            reply = connection.recv(200)
        except TimeoutError:
            pytest.fail("the server neither answered nor closed the connection")
    assert not reply.startswith(b"HTTP/1.1 5") and not reply.startswith(b"HTTP/1.0 5")
    assert fetch(f"{server}sparql?query=ASK%7B%7D").status == 200
