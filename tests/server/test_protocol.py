"""The W3C SPARQL 1.1 Protocol (query part) on /sparql, one test per rule, against the live server."""

from __future__ import annotations

import csv
import http.client
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from tests.server.live import Answer, fetch

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRANTS = "SELECT ?grant WHERE { ?grant a cscip:Grant ; cscip:round programme:cscip-round-1 } ORDER BY ?grant"
CONSTRUCT = "CONSTRUCT { ?m a cscip:PracticeModel ; rdfs:label ?l } WHERE { ?m a cscip:PracticeModel ; rdfs:label ?l }"
REES = "https://w3id.org/cscip-kg/id/source/rees-round1-grants"
REGISTRY = "https://w3id.org/cscip-kg/graph/registry"
SRJ = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"


def get(endpoint: str, accept: str | None = None, **params: str | list[str]) -> Answer:
    query = urllib.parse.urlencode(params, doseq=True)
    return fetch(f"{endpoint}?{query}" if query else endpoint, headers={"Accept": accept} if accept else {})


def post_form(endpoint: str, accept: str | None = None, **fields: str | list[str]) -> Answer:
    headers = {"Content-Type": FORM, **({"Accept": accept} if accept else {})}
    return fetch(endpoint, "POST", headers, urllib.parse.urlencode(fields, doseq=True).encode())


def bindings(answer: Answer) -> list[dict[str, str]]:
    assert answer.status == 200, answer.text
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(answer.body)["results"]["bindings"]]


def count(answer: Answer) -> int:
    return int(bindings(answer)[0]["n"])


# --- the three ways to send a query -------------------------------------------------------------

def test_get_with_query(endpoint):
    rows = bindings(get(endpoint, query=GRANTS))
    assert len(rows) == 53 and all(r["grant"].startswith("https://w3id.org/cscip-kg/id/grant/") for r in rows)


def test_post_urlencoded(endpoint):
    assert bindings(post_form(endpoint, query=GRANTS)) == bindings(get(endpoint, query=GRANTS))


def test_post_sparql_query_body(endpoint):
    answer = fetch(endpoint, "POST", {"Content-Type": "application/sparql-query; charset=utf-8"}, GRANTS.encode())
    assert bindings(answer) == bindings(get(endpoint, query=GRANTS))


@pytest.mark.parametrize("content_type", ["text/plain", "application/json"])
def test_post_with_another_body_type_is_415(endpoint, content_type):
    answer = fetch(endpoint, "POST", {"Content-Type": content_type}, GRANTS.encode())
    assert answer.status == 415
    assert "application/sparql-query" in answer.text


def test_post_without_a_body_type_is_415(endpoint):
    # urllib always adds a form Content-Type to a body, so speak HTTP directly.
    url = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.putrequest("POST", url.path)
        connection.putheader("Content-Length", str(len(GRANTS)))
        connection.endheaders(GRANTS.encode())
        response = connection.getresponse()
        assert response.status == 415
        assert b"untyped body" in response.read()
    finally:
        connection.close()


# --- the dataset: default-graph-uri and named-graph-uri ----------------------------------------

def test_default_graph_uri_restricts_the_default_graph(endpoint):
    whole = count(get(endpoint, query=COUNT))
    rees = count(get(endpoint, query=COUNT, **{"default-graph-uri": REES}))
    both = count(get(endpoint, query=COUNT, **{"default-graph-uri": [REES, REGISTRY]}))
    assert 0 < rees < both < whole


def test_named_graph_uri_restricts_graph_patterns(endpoint):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert len(bindings(get(endpoint, query=query))) > 2
    assert bindings(get(endpoint, query=query, **{"named-graph-uri": REES})) == [{"g": REES}]


def test_dataset_parameters_in_a_form_body(endpoint):
    assert count(post_form(endpoint, query=COUNT, **{"default-graph-uri": REES})) == count(
        get(endpoint, query=COUNT, **{"default-graph-uri": REES}))


def test_dataset_parameters_with_a_direct_post_go_in_the_url(endpoint):
    url = f"{endpoint}?{urllib.parse.urlencode({'default-graph-uri': REES})}"
    answer = fetch(url, "POST", {"Content-Type": "application/sparql-query"}, COUNT.encode())
    assert count(answer) == count(get(endpoint, query=COUNT, **{"default-graph-uri": REES}))


def test_dataset_parameters_override_from_naming_an_unknown_graph(endpoint):
    # The protocol's dataset replaces the query's: FROM is not read, so it cannot refuse (or fetch) anything.
    unknown = "FROM <http://example.org/no-such-graph> "
    query = COUNT.replace("WHERE", f"{unknown}WHERE")
    rees = count(get(endpoint, query=COUNT, **{"default-graph-uri": REES}))
    assert count(get(endpoint, query=query, **{"default-graph-uri": REES})) == rees
    assert count(post_form(endpoint, query=query, **{"default-graph-uri": REES})) == rees
    named = "SELECT DISTINCT ?g FROM NAMED <http://example.org/no-such-graph> WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert bindings(get(endpoint, query=named, **{"named-graph-uri": REES})) == [{"g": REES}]
    assert get(endpoint, query=query).status == 403  # without the parameters the query's FROM counts


def test_from_a_graph_of_this_store_is_the_query_dataset(endpoint):
    own = count(get(endpoint, query=COUNT.replace("WHERE", f"FROM <{REES}> WHERE")))
    assert own == count(get(endpoint, query=COUNT, **{"default-graph-uri": REES}))
    assert own < count(get(endpoint, query=COUNT))


INVALID_UTF8_QUERY = "query=ASK%20%7B%20FILTER(%22%FF%FE%22%20!%3D%20%22%22)%20%7D"


def test_invalid_utf8_percent_encoded_in_the_query_string_is_400(endpoint):
    answer = fetch(f"{endpoint}?{INVALID_UTF8_QUERY}", headers={"Accept": SRJ})
    assert answer.status == 400, answer.text
    assert "not UTF-8" in answer.text and "'query'" in answer.text and "byte 14" in answer.text


def test_invalid_utf8_percent_encoded_in_a_form_body_is_400(endpoint):
    answer = fetch(endpoint, "POST", {"Content-Type": FORM, "Accept": SRJ}, INVALID_UTF8_QUERY.encode())
    assert answer.status == 400, answer.text
    assert "form body" in answer.text and "not UTF-8" in answer.text and "byte 14" in answer.text


def test_a_graph_uri_that_is_not_an_iri_is_400(endpoint):
    answer = get(endpoint, query=COUNT, **{"default-graph-uri": "not an iri"})
    assert answer.status == 400 and "default-graph-uri" in answer.text


# --- content negotiation -----------------------------------------------------------------------

def _parse_results(answer: Answer) -> int:
    """How many result rows a SELECT answer carries, read in its own format."""
    kind = answer.media_type
    if kind == SRJ:
        return len(json.loads(answer.body)["results"]["bindings"])
    if kind == "application/sparql-results+xml":
        return len(ET.fromstring(answer.body).findall(".//{http://www.w3.org/2005/sparql-results#}result"))
    delimiter = "," if kind == "text/csv" else "\t"
    return len(list(csv.reader(io.StringIO(answer.text), delimiter=delimiter))) - 1


@pytest.mark.parametrize("media_type", [SRJ, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_select_in_each_results_format(endpoint, media_type):
    answer = get(endpoint, media_type, query=GRANTS)
    assert answer.status == 200 and answer.media_type == media_type
    assert _parse_results(answer) == 53


@pytest.mark.parametrize("media_type", [SRJ, "application/sparql-results+xml"])
def test_ask_in_json_and_xml(endpoint, media_type):
    answer = get(endpoint, media_type, query="ASK { model:family-safeguarding a cscip:PracticeModel }")
    assert answer.status == 200 and answer.media_type == media_type
    assert b"true" in answer.body


RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
@pytest.mark.parametrize("query", [CONSTRUCT, "DESCRIBE model:no-wrong-door"])
def test_construct_and_describe_in_each_rdf_format(endpoint, media_type, query):
    answer = get(endpoint, media_type, query=query)
    assert answer.status == 200 and answer.media_type == media_type
    triples = list(ox.parse(answer.body, format=RDF_TYPES[media_type]))
    assert triples
    assert any(t.object == ox.Literal("No Wrong Door", language="en") for t in triples)


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/*;q=0.9, application/sparql-results+json;q=0.1", "text/csv"),
    ("text/tab-separated-values;q=1.0, text/csv;q=0.2", "text/tab-separated-values"),
    ("*/*", SRJ),
    ("*/*;q=0.1, text/csv;q=0, text/tab-separated-values;q=0.5", "text/tab-separated-values"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ("application/json", SRJ),
])
def test_accept_headers_with_q_values_and_wildcards(endpoint, accept, expected):
    answer = get(endpoint, accept, query=GRANTS)
    assert answer.status == 200 and answer.media_type == expected


def test_no_accept_header_gives_json_results_and_turtle_graphs(endpoint):
    assert get(endpoint, query=GRANTS).media_type == SRJ
    assert get(endpoint, query=CONSTRUCT).media_type == "text/turtle"


def test_format_parameter_overrides_accept(endpoint):
    assert get(endpoint, SRJ, query=GRANTS, format="csv").media_type == "text/csv"
    assert get(endpoint, "text/turtle", query=CONSTRUCT, format="jsonld").media_type == "application/ld+json"
    assert post_form(endpoint, SRJ, query=GRANTS, format="tsv").media_type == "text/tab-separated-values"


@pytest.mark.parametrize(("query", "accept"), [(GRANTS, "text/turtle"), (CONSTRUCT, SRJ), (GRANTS, "image/png, text/html")])
def test_406_when_nothing_acceptable_can_express_the_answer(endpoint, query, accept):
    answer = get(endpoint, accept, query=query)
    assert answer.status == 406
    assert "can be given as" in answer.text


def test_406_for_a_format_that_does_not_fit_the_query_form(endpoint):
    assert get(endpoint, query=CONSTRUCT, format="csv").status == 406


def test_unknown_format_is_400(endpoint):
    answer = get(endpoint, query=GRANTS, format="docx")
    assert answer.status == 400 and "docx" in answer.text


def test_query_answers_vary_on_accept(endpoint):
    assert "Accept" in get(endpoint, query=GRANTS).headers.get("Vary", "")


# --- no query: service description or query page ---------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", None])
def test_get_without_query_gives_the_service_description(endpoint, accept):
    answer = get(endpoint, accept)
    assert answer.status == 200
    triples = list(ox.parse(answer.body, format=RDF_TYPES[answer.media_type]))
    graph = {(t.predicate.value, t.object) for t in triples}
    assert ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(SD + "Service")) in graph
    assert (SD + "endpoint", ox.NamedNode(endpoint)) in graph
    assert (SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query")) in graph
    assert (SD + "name", ox.NamedNode(REES)) in graph


def test_get_without_query_gives_browsers_the_query_page(endpoint):
    answer = get(endpoint, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert answer.status == 200 and answer.media_type == "text/html"
    assert '<form method="get"' in answer.text and 'name="query"' in answer.text


# --- errors ----------------------------------------------------------------------------------

def test_malformed_query_is_400_with_the_parsers_message_and_position(endpoint):
    answer = get(endpoint, query="SELECT ?x WHERE { ?x ?y }")
    assert answer.status == 400
    assert answer.media_type == "text/plain"
    assert "1:" in answer.text and "malformed query" in answer.text


@pytest.mark.parametrize("send", [
    lambda e: post_form(e, update="INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"),
    lambda e: fetch(e, "POST", {"Content-Type": "application/sparql-update"}, b"INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"),
    lambda e: get(e, update="INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"),
    lambda e: get(e, query="INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"),
    lambda e: post_form(e, query="DELETE WHERE { ?s ?p ?o }"),
    lambda e: get(e, query="DROP ALL"),
], ids=["form-update", "update-body", "get-update", "insert-as-query", "delete-as-query", "drop-as-query"])
def test_updates_are_refused_and_change_nothing(endpoint, send):
    before = count(get(endpoint, query=COUNT))
    answer = send(endpoint)
    assert answer.status == 403
    assert "read-only" in answer.text
    assert count(get(endpoint, query=COUNT)) == before
    assert get(endpoint, query="ASK { <urn:x:a> ?p ?o }").body.count(b"false") == 1


def test_service_is_refused(endpoint):
    answer = get(endpoint, query="SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert answer.status == 403 and "SERVICE" in answer.text


@pytest.mark.parametrize("send", [
    lambda e: get(e, format="json"),
    lambda e: post_form(e, format="json"),
    lambda e: fetch(e, "POST", {"Content-Type": "application/sparql-query"}, b"  "),
    lambda e: get(e, query=[GRANTS, COUNT]),
], ids=["get-no-query", "form-no-query", "empty-body", "two-queries"])
def test_missing_or_repeated_query_is_400(endpoint, send):
    answer = send(endpoint)
    assert answer.status == 400
    assert "query" in answer.text


def test_other_methods_are_405(endpoint):
    answer = fetch(endpoint, "PUT", {"Content-Type": "text/turtle"}, b"<urn:x:a> <urn:x:b> <urn:x:c> .")
    assert answer.status == 405
    assert "POST" in answer.headers.get("Allow", "")


# --- CORS and HEAD ---------------------------------------------------------------------------

@pytest.mark.parametrize("send", [lambda e: get(e, query=GRANTS), lambda e: get(e, query="SELECT {"), lambda e: get(e)],
                         ids=["answer", "error", "service-description"])
def test_cors_header_on_every_response(endpoint, send):
    assert send(endpoint).headers.get("Access-Control-Allow-Origin") == "*"


def test_options_preflight(endpoint):
    answer = fetch(endpoint, "OPTIONS", {"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": "Content-Type"})
    assert answer.status == 200
    assert answer.headers.get("Access-Control-Allow-Origin") == "*"
    assert "POST" in answer.headers.get("Access-Control-Allow-Methods", "")
    assert "Content-Type" in answer.headers.get("Access-Control-Allow-Headers", "")


def test_head_gives_the_headers_of_get_without_a_body(endpoint):
    url = f"{endpoint}?{urllib.parse.urlencode({'query': GRANTS})}"
    head, full = fetch(url, "HEAD", {"Accept": "text/csv"}), fetch(url, headers={"Accept": "text/csv"})
    assert head.status == 200 and head.body == b""
    assert head.media_type == full.media_type == "text/csv"
    assert head.headers.get("Content-Length") == str(len(full.body))
