"""Hardening of /sparql: time budget, caps, no outbound requests (each test fails without its protection)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from cscip_kg.bounded import Job, QueryPool, Unavailable
from cscip_kg.engine import Prepared
from cscip_kg.layout import STORE_FOLDER
from cscip_kg.opened import open_build
from tests.server.live import fetch, running_server, stop_process, wait_for_address

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { model:no-wrong-door a cscip:PracticeModel }"
GRANTS = "SELECT ?grant WHERE { ?grant a cscip:Grant } ORDER BY ?grant"


def ask(url: str, query: str, accept: str = "application/sparql-results+json", **params: str):
    return fetch(f"{url}sparql?{urllib.parse.urlencode({'query': query, **params})}", headers={"Accept": accept})


@pytest.fixture(scope="module")
def bounded(build_dir: Path) -> Iterator[str]:
    env = {"CSCIP_KG_QUERY_TIMEOUT": "1.5", "CSCIP_KG_MAX_ROWS": "5", "CSCIP_KG_WORKERS": "2",
           "CSCIP_KG_MAX_QUERY_LENGTH": "2000", "CSCIP_KG_MAX_BODY": "4000"}
    with running_server(build_dir, env=env) as url:
        yield url


def test_a_runaway_query_is_stopped_at_the_budget_while_others_are_answered(bounded):
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["answer"] = ask(bounded, RUNAWAY)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    cheap_started = time.monotonic()
    assert b"true" in ask(bounded, CHEAP).body  # answered by the other worker meanwhile
    assert time.monotonic() - cheap_started < 1.0
    thread.join(30)
    answer = outcome["answer"]
    assert answer.status == 503  # type: ignore[attr-defined]
    assert "time budget of 1.5 s" in answer.text  # type: ignore[attr-defined]
    assert outcome["seconds"] < 5  # type: ignore[operator]
    # The stopped worker is replaced: both workers answer again.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        answers = [ask(bounded, CHEAP) for _ in range(4)]
        if all(a.status == 200 for a in answers):
            break
        time.sleep(0.2)
    assert all(a.status == 200 for a in answers)


def _runaway(pool: QueryPool) -> tuple[threading.Thread, list[Exception]]:
    """A runaway query started on ``pool`` in a thread, and the list its refusal will be put in."""
    stopped: list[Exception] = []

    def runaway() -> None:
        try:
            pool.run(Job(Prepared(RUNAWAY), "json", None, 5))
        except Unavailable as error:
            stopped.append(error)

    thread = threading.Thread(target=runaway)
    thread.start()
    return thread, stopped


def test_a_second_worker_starts_only_when_a_query_finds_the_first_busy(build_dir: Path):
    build = open_build(build_dir)
    pool = QueryPool(build_dir / STORE_FOLDER, build.prefixes, frozenset(build.graph_sizes), 2, 1.5)
    cheap = Job(Prepared(f"PREFIX model: <{build.base}id/model/> PREFIX cscip: <{build.base}def/> {CHEAP}"), "json", None, 5)
    try:
        for _ in range(3):  # one at a time: the one worker answers each
            assert b"true" in pool.run(cheap).body
        assert pool.running == 1
        thread, stopped = _runaway(pool)
        time.sleep(0.3)
        assert b"true" in pool.run(cheap).body  # the first is busy: a second starts and answers
        assert pool.running == 2
        thread.join(30)
        assert stopped, "the runaway query is stopped at the budget"
    finally:
        pool.close()
    assert pool.running == 0


def test_a_worker_stopped_at_its_budget_is_replaced_on_demand_and_the_pool_never_outgrows_its_size(build_dir: Path):
    """No replacement is started in the background (it raced a query's own growth past ``size``): the next query forks one."""
    build = open_build(build_dir)
    pool = QueryPool(build_dir / STORE_FOLDER, build.prefixes, frozenset(build.graph_sizes), 1, 1.0)
    cheap = Job(Prepared(f"PREFIX model: <{build.base}id/model/> PREFIX cscip: <{build.base}def/> {CHEAP}"), "json", None, 5)
    try:
        with pytest.raises(Unavailable, match="time budget"):
            pool.run(Job(Prepared(RUNAWAY), "json", None, 5))
        assert pool.running == 0
        assert b"true" in pool.run(cheap).body
        assert b"true" in pool.run(cheap).body
        assert pool.running == 1
    finally:
        pool.close()


def test_a_request_waiting_for_a_busy_worker_gets_the_place_of_one_stopped_at_its_budget(build_dir: Path):
    """The budget counts from the request: a query queued behind a runaway is answered by a worker forked as soon as
    the runaway is stopped (it once waited for a worker to be put back, which never came, and failed "busy")."""
    build = open_build(build_dir)
    pool = QueryPool(build_dir / STORE_FOLDER, build.prefixes, frozenset(build.graph_sizes), 1, 4.0)
    cheap = Job(Prepared(f"PREFIX model: <{build.base}id/model/> PREFIX cscip: <{build.base}def/> {CHEAP}"), "json", None, 5)
    try:
        thread, stopped = _runaway(pool)
        time.sleep(2.0)  # the runaway holds the one worker for 2 s more; this request's budget runs 2 s past that
        assert b"true" in pool.run(cheap).body  # before the fix: Unavailable, "every query worker stayed busy"
        thread.join(30)
        assert stopped and pool.running == 1
    finally:
        pool.close()


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"])
def test_results_cut_at_the_row_cap_say_so(bounded, accept):
    answer = ask(bounded, GRANTS, accept)
    assert answer.status == 200
    assert answer.headers.get("X-Result-Truncated") == "true; limit=5"
    if accept.endswith("json"):
        document = json.loads(answer.body)
        assert len(document["results"]["bindings"]) == 5
        assert document["truncated"] is True and document["rowLimit"] == 5


def test_graph_answers_are_capped_too(bounded):
    answer = ask(bounded, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples")
    assert answer.status == 200
    assert len(answer.text.strip().splitlines()) == 5
    assert answer.headers.get("X-Result-Truncated") == "true; limit=5"


def test_answers_within_the_cap_are_whole_and_unmarked(bounded):
    answer = ask(bounded, "SELECT ?m WHERE { ?m a cscip:PracticeModel } LIMIT 3")
    assert "X-Result-Truncated" not in answer.headers
    document = json.loads(answer.body)
    assert len(document["results"]["bindings"]) == 3 and "truncated" not in document


def test_too_long_a_query_is_413(bounded):
    answer = ask(bounded, CHEAP + " #" + "x" * 2500)
    assert answer.status == 413 and "limit is 2000" in answer.text


def test_too_large_a_body_is_413(bounded):
    body = urllib.parse.urlencode({"query": CHEAP, "pad": "x" * 5000}).encode()
    answer = fetch(f"{bounded}sparql", "POST", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert answer.status == 413


class Canary:
    """A loopback listener that records every connection: it must never hear from the server."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/"
        self.contacts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.contacts += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.socket.close()


@pytest.fixture()
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.close()


def test_no_query_makes_the_server_contact_a_url(bounded, canary):
    url = canary.url
    refused = [
        f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"PREFIX c: <{url}> SELECT * FROM c:data.ttl WHERE {{ ?s ?p ?o }}",
        f"LOAD <{url}data.ttl>",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ]
    for query in refused:
        answer = ask(bounded, query)
        assert answer.status == 403, (query, answer.text)
    harmless = [f"DESCRIBE <{url}thing>", f"ASK {{ <{url}thing> ?p ?o }}"]
    for query in harmless:
        assert ask(bounded, query, "*/*").status == 200
    for params in ({"default-graph-uri": f"{url}g"}, {"named-graph-uri": f"{url}g"}):
        assert ask(bounded, "ASK { ?s ?p ?o }", **params).status == 200
        # The parameters replace the query's dataset: its FROM is answered without being fetched.
        assert ask(bounded, f"ASK FROM <{url}data.ttl> FROM NAMED <{url}n.ttl> {{ ?s ?p ?o }}", **params).status == 200
    time.sleep(0.5)
    assert canary.contacts == 0


def test_the_canary_does_hear_a_contact(canary):
    with socket.create_connection(("127.0.0.1", int(canary.url.rsplit(":", 1)[1].strip("/"))), timeout=2):
        pass
    time.sleep(0.5)
    assert canary.contacts == 1


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found |= {int(child)} | _descendants(int(child))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] not in "ZX"
    except OSError:
        return False


def _ask_until_the_server_goes(url: str) -> None:
    with contextlib.suppress(OSError):  # the server may shut down under the request: expected here
        ask(url, RUNAWAY)


def test_stopping_the_server_stops_a_worker_busy_with_a_query(build_dir: Path):
    # A long budget, so that only the server's own shutdown can stop the runaway query.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CSCIP_KG_QUERY_TIMEOUT": "120", "CSCIP_KG_WORKERS": "1"}
    process = subprocess.Popen([sys.executable, "-m", "cscip_kg", "serve", "--build", str(build_dir), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = wait_for_address(process)
        workers = _descendants(process.pid)  # the fork server and the worker it forked
        assert len(workers) == 2, "the server runs its query worker in a process of its own"
        threading.Thread(target=_ask_until_the_server_goes, args=(url,), daemon=True).start()
        time.sleep(1.0)  # the worker is now deep in the query
        assert all(_alive(pid) for pid in workers)
    finally:
        stop_process(process)  # SIGTERM
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "a query worker outlived the server"


def test_closing_the_pool_tells_a_waiting_request_at_once(build_dir: Path):
    """A request waiting for the one busy worker hears "closed" when the server stops, not "busy" at its budget's end."""
    build = open_build(build_dir)
    pool = QueryPool(build_dir / STORE_FOLDER, build.prefixes, frozenset(build.graph_sizes), 1, 20.0)
    cheap = Job(Prepared(f"PREFIX model: <{build.base}id/model/> PREFIX cscip: <{build.base}def/> {CHEAP}"), "json", None, 5)
    thread, _stopped = _runaway(pool)
    time.sleep(0.5)
    heard: list[str] = []

    def waiting() -> None:
        try:
            pool.run(cheap)
        except Unavailable as error:
            heard.append(str(error))

    waiter = threading.Thread(target=waiting)
    waiter.start()
    time.sleep(0.5)
    pool.close()
    waiter.join(10)  # well before the 20 s budget
    thread.join(10)
    assert not waiter.is_alive() and heard and "closed" in heard[0], heard
