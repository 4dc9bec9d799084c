"""One lineage behind every answer: the lineage query, the diagram's JSON and page, and the named queries agree.

Checked for every model, project, programme and organisation in the graph (issue 15, items 3 and 6).
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import quote

import pytest

from cscip_kg.engine import Prepared
from cscip_kg.queries import load_catalogue
from tests.server.live import fetch


@pytest.fixture(scope="module")
def server(local: str) -> str:
    """These checks need no wire: the session app answers them in-process (tests/conftest.py)."""
    return local


ID = "https://w3id.org/cscip-kg/id/"
KINDS = ("model", "project", "programme", "organisation")


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _solutions(compiled, text: str) -> list[dict[str, str]]:
    result = compiled.engine.query(Prepared(text))
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


@pytest.fixture(scope="module")
def entities(compiled) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for row in _solutions(compiled, "SELECT DISTINCT ?s WHERE { ?s a ?t ; rdfs:label ?l }"):
        kind = row["s"][len(ID):].split("/", 1)[0] if row["s"].startswith(ID) else ""
        if kind in found:
            found[kind].append(row["s"])
    return {kind: sorted(iris) for kind, iris in found.items()}


@pytest.fixture(scope="module")
def lineage_rows(project, compiled, entities):
    named = load_catalogue(project.queries_dir)["lineage"]
    return {iri: _solutions(compiled, named.bind({"entity": iri})) for iris in entities.values() for iri in iris}


def _edges(rows: list[dict[str, str]]) -> set[tuple[str, str, str]]:
    """The links the rows walk, each from the influenced to what influenced it."""
    edges = set()
    for row in rows:
        via, node, kind = row["via"], row["node"], _local(row["kind"])
        edges.add((node, kind, via) if row["direction"] == "descendant" else (via, kind, node))
    return edges


def _api(server: str, name: str, **params: str) -> list[dict[str, str]]:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    answer = fetch(f"{server}api/queries/{name}.json?{query}")
    assert answer.status == 200, answer.text
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(answer.body)["results"]["bindings"]]


def test_the_diagram_json_and_page_hold_exactly_the_query_links(server, entities, lineage_rows):
    for kind, iris in entities.items():
        for number, iri in enumerate(iris):
            path = f"{server}lineage/{kind}/{iri.rsplit('/', 1)[1]}"
            answer = fetch(f"{path}.json")
            assert answer.status == 200, (iri, answer.status)
            drawn = {(e["source"], e["relation"], e["target"]) for e in json.loads(answer.body)["edges"]}
            assert drawn == _edges(lineage_rows[iri]), iri
            if number % 4 == 0:  # the page is drawn from the same Lineage; a quarter of them keeps the suite quick
                page = fetch(path, headers={"Accept": "text/html"}).text
                listed = page[page.find('class="lineage-links"'):].count("<li>")
                assert listed == len(drawn), iri


def test_an_organisation_page_lists_the_adoptions_its_lineage_has(server, entities, lineage_rows):
    for iri in entities["organisation"]:
        adopted = {(r["node"], r.get("programme", "")) for r in lineage_rows[iri]
                   if r["via"] == iri and r["kind"].endswith("/adoptsModel")}
        profile = {(r["thing"], r.get("programme", "")) for r in _api(server, "organisation-profile", organisation=iri)
                   if r["role"] == "adopts model"}
        assert profile == adopted, iri
        roles = {r["role"] for r in _api(server, "authority-profile", organisation=iri)}
        labels = {r["nodeLabel"] for r in lineage_rows[iri] if r["via"] == iri and r["kind"].endswith("/adoptsModel")}
        assert {f"adopted {label}" for label in labels} <= roles, iri
        if adopted:
            page = unescape(fetch(f"{server}id/organisation/{iri.rsplit('/', 1)[1]}", headers={"Accept": "text/html"}).text)
            for label in labels:
                assert label in page, (iri, label)


def test_a_model_adopters_are_its_lineage_adopters(server, entities, lineage_rows):
    for iri in entities["model"]:
        lineage = {(r["node"], r.get("programme", "")) for r in lineage_rows[iri]
                   if r["direction"] == "descendant" and r["via"] == iri and r["kind"].endswith("/adoptsModel")}
        adopters = {(r["organisation"], r.get("programme", "")) for r in _api(server, "adopters-of-model", model=iri)}
        assert adopters == lineage, iri


def test_no_organisation_page_is_empty_where_the_graph_holds_facts_about_it(server, compiled, entities):
    facts = _solutions(compiled, """
        SELECT DISTINCT ?o WHERE {
          ?o a ?type . ?type rdfs:subClassOf* org:Organization .
          { ?s ?p ?o . FILTER(?p NOT IN (cscip:lineageLink, prov:influencer, rdf:subject, rdf:object)) }
          UNION { ?o cscip:qualifiedParticipation|org:hasMember ?x }
        }""")
    with_facts = {r["o"] for r in facts}
    assert len(with_facts) >= 150  # of 178 organisations
    empty = []
    for iri in sorted(with_facts):
        page = fetch(f"{server}id/organisation/{iri.rsplit('/', 1)[1]}", headers={"Accept": "text/html"}).text
        if re.search(r"\(0 rows\)", page):
            empty.append(iri)
    assert empty == []


def test_the_lineage_json_of_an_unknown_entity_is_404(server):
    assert fetch(f"{server}lineage/model/{quote('no-such-model')}.json").status == 404


def test_an_ontology_label_names_each_kind_of_link(server):
    edges = json.loads(fetch(f"{server}lineage/model/family-safeguarding.json").body)["edges"]
    labels = {e["relation"]: e["label"] for e in edges}
    assert labels["developedBy"] == "developed by" and labels["adoptsModel"] == "adopts model"
    assert {e["basis"] for e in edges} <= {"stated", "inferred", "claimed"}
