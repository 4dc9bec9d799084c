"""Every IRI the graph mints dereferences on the server: HTML for people, RDF by Accept or suffix."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from cscip_kg.build import CompiledGraph
from cscip_kg.namespaces import ENTITY_KINDS, ID_BASE
from cscip_kg.server.context import current_build
from cscip_kg.server.routes.spread_pages import slices
from tests.helpers import select
from tests.server.live import fetch, open_app, page

BASE = "https://w3id.org/cscip-kg/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF = {
    "text/turtle": ("ttl", ox.RdfFormat.TURTLE),
    "application/ld+json": ("jsonld", ox.RdfFormat.JSON_LD),
    "application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES),
    "application/rdf+xml": ("rdf", ox.RdfFormat.RDF_XML),
}


def local(server: str, iri: str) -> str:
    assert iri.startswith(BASE)
    return server + iri[len(BASE):]


def triples(body: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(body, format=fmt)}


def one_of_each_kind(compiled: CompiledGraph) -> list[str]:
    iris = []
    for kind in ENTITY_KINDS:
        rows = select(compiled, f'SELECT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID_BASE}{kind}/")) }} ORDER BY ?s LIMIT 1')
        assert rows, f"no {kind} in the graph"
        iris.append(rows[0]["s"])
    return iris


@pytest.fixture(scope="module")
def entities(compiled: CompiledGraph) -> list[str]:
    return one_of_each_kind(compiled)


@pytest.mark.parametrize("media_type", list(RDF))
def test_every_kind_of_entity_in_every_rdf_format_by_accept(server, entities, media_type):
    for iri in entities:
        answer = fetch(local(server, iri), headers={"Accept": media_type})
        assert answer.status == 200, (iri, answer.text)
        assert answer.media_type == media_type
        described = triples(answer.body, RDF[media_type][1])
        assert any(t.subject == ox.NamedNode(iri) and t.predicate == RDF_TYPE for t in described), iri


@pytest.mark.parametrize("media_type", list(RDF))
def test_suffix_names_the_format_whatever_the_accept_header(server, media_type):
    suffix, fmt = RDF[media_type]
    answer = fetch(local(server, f"{BASE}id/model/family-safeguarding") + f".{suffix}", headers={"Accept": "text/html"})
    assert answer.status == 200 and answer.media_type == media_type
    assert ox.NamedNode(f"{BASE}id/model/family-safeguarding") in {t.subject for t in triples(answer.body, fmt)}


def test_suffix_and_accept_give_the_same_graph(server):
    url = local(server, f"{BASE}id/project/family-safeguarding")
    by_accept = fetch(url, headers={"Accept": "application/n-triples"}).body
    by_suffix = fetch(url + ".nt").body
    assert triples(by_accept, ox.RdfFormat.N_TRIPLES) == triples(by_suffix, ox.RdfFormat.N_TRIPLES)


def test_description_includes_amounts_and_incoming_links(server):
    grant = f"{BASE}id/grant/round-1-hertfordshire"
    described = triples(fetch(local(server, grant) + ".nt").body, ox.RdfFormat.N_TRIPLES)
    values = {t.object for t in described if t.predicate.value == "https://schema.org/value"}
    assert ox.Literal("4800000", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")) in values
    project = f"{BASE}id/project/family-safeguarding"
    incoming = triples(fetch(local(server, project) + ".nt").body, ox.RdfFormat.N_TRIPLES)
    assert ox.Triple(ox.NamedNode(grant), ox.NamedNode("https://schema.org/fundedItem"), ox.NamedNode(project)) in incoming


def test_link_headers_list_every_alternate_and_vary_on_accept(server):
    answer = fetch(local(server, f"{BASE}id/model/no-wrong-door"), headers={"Accept": "text/turtle"})
    link = answer.headers.get("Link", "")
    for media_type, (suffix, _fmt) in RDF.items():
        assert f'</id/model/no-wrong-door.{suffix}>; rel="alternate"; type="{media_type}"' in link
    assert 'type="text/html"' in link
    assert "Accept" in answer.headers.get("Vary", "")


def test_browsers_get_a_page_with_labels_links_and_sources(server):
    parsed = page(server, "id/project/family-safeguarding")
    assert parsed.text["h1"] == "Family Safeguarding"
    assert "/id/model/family-safeguarding" in parsed.links  # outgoing link, answered here
    assert "/id/grant/round-1-hertfordshire" in parsed.links  # incoming link
    assert "/id/source/rees-round1-grants" in parsed.links  # who says it
    assert {media for media, _href in parsed.alternates} == set(RDF)


def test_curl_default_accept_gets_the_page(server):
    assert page(server, "id/model/mockingbird", accept="*/*").text["h1"] == "Mockingbird Family Model"


def test_ontology_terms_dereference(server):
    answer = fetch(f"{server}def/PracticeModel", headers={"Accept": "text/turtle"})
    described = triples(answer.body, ox.RdfFormat.TURTLE)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert any(t.subject == ox.NamedNode(f"{BASE}def/PracticeModel") and t.predicate == label for t in described)
    prop = triples(fetch(f"{server}def/scalesUp.ttl").body, ox.RdfFormat.TURTLE)
    assert ox.NamedNode(f"{BASE}def/scalesUp") in {t.subject for t in prop}
    ontology = triples(fetch(f"{server}def/.ttl").body, ox.RdfFormat.TURTLE)
    assert ox.Triple(ox.NamedNode(f"{BASE}def/"), RDF_TYPE, ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")) in ontology


def test_named_graph_iris_answer_with_the_graph(server):
    answer = fetch(f"{server}graph/registry", headers={"Accept": "application/n-triples"})
    assert answer.status == 200
    registry = triples(answer.body, ox.RdfFormat.N_TRIPLES)
    assert ox.Triple(ox.NamedNode(f"{BASE}id/model/no-wrong-door"), RDF_TYPE, ox.NamedNode(f"{BASE}def/PracticeModel")) in registry
    assert page(server, "graph/registry").text["h1"] == "Named graph"


@pytest.mark.parametrize("path", ["id/project/no-such-project", "id/project/no-such-project.ttl", "def/NoSuchTerm", "id/x%3Ey"])
def test_unknown_iris_are_404(server, path):
    answer = fetch(server + path, headers={"Accept": "text/turtle"})
    assert answer.status == 404
    assert answer.media_type == "text/plain"


def test_unacceptable_entity_format_is_406(server):
    assert fetch(f"{server}id/model/mockingbird", headers={"Accept": "image/png"}).status == 406


def test_a_page_is_built_from_a_few_queries_each_anchored_on_the_entity(build_dir, compiled):
    """RDF answers take at most two queries; a designed page a few more, each starting from the entity
    (its IRI in the text) or from IRIs an anchored query found (a VALUES list) — never a class scan."""
    with open_app({"build": str(build_dir), "cache_mb": 0, "workers": 1}) as app:
        with app.test_request_context():
            engine = current_build().engine
            slices()  # the maps read who took part in what from the build, not per page
        calls: list[str] = []
        original = engine.query

        def counting(prepared):  # type: ignore[no-untyped-def]
            calls.append(prepared.text)
            return original(prepared)

        engine.query = counting  # type: ignore[method-assign]
        client = app.test_client()
        iris = [*one_of_each_kind(compiled), f"{BASE}def/Project", f"{BASE}def/"]
        for iri in iris:  # per-build look-ups (the source catalogue, ontology labels) happen once, here
            client.get("/" + iri[len(BASE):], headers={"Accept": "text/html"})
        for iri in iris:
            for accept, most in (("text/html", 9), ("text/turtle", 2)):
                calls.clear()
                response = client.get("/" + iri[len(BASE):], headers={"Accept": accept})
                assert response.status_code == 200, iri
                assert 1 <= len(calls) <= most, (iri, accept, len(calls))
                for text in calls:
                    assert f"<{iri}>" in text or re.search(r"VALUES \?\w+ \{ <", text), (iri, text)
