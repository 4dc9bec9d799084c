"""Practice models keep their sources' definitions whole; the practice-area scheme answers topical questions."""

from __future__ import annotations

import re

from cscip_kg.build import CompiledGraph
from cscip_kg.engine import Prepared
from cscip_kg.queries import load_catalogue
from tests.helpers import select

PREFIXES = """
PREFIX cscip: <https://w3id.org/cscip-kg/def/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ID = "https://w3id.org/cscip-kg/id/"


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_model_definitions_are_the_sources_words_in_the_sources_graphs(compiled: CompiledGraph):
    rows = select(compiled, PREFIXES + """
        SELECT ?model ?graph ?definition WHERE {
          ?model a cscip:PracticeModel . GRAPH ?graph { ?model skos:definition ?definition }
        }""")
    graphs = {_local(r["graph"]) for r in rows}
    assert graphs == {"rees-round1-grants", "dfe-insights-2021"}  # never the registry: a source states each
    defined = {_local(r["model"]) for r in rows}
    assert len(defined) >= 25
    by_model = {(_local(r["model"]), _local(r["graph"])): r["definition"] for r in rows}
    # Whole, as the source words it: the grant's paragraph, amount and all; the project's full summary.
    assert by_model[("no-wrong-door", "rees-round1-grants")] == (
        "North Yorkshire (£2.1m) to implement ‘no wrong door’. This will see specialist foster carers working "
        "alongside 2 children’s homes to provide better support.")
    assert by_model[("mockingbird", "dfe-insights-2021")] == (
        "An extended family hub model of foster care in 10 local authorities providing short breaks, peer support, "
        "joint planning and training, and social activities.")
    assert not any(d.endswith("Evaluation Summary") for d in by_model.values())


def test_every_model_but_pace_is_in_a_practice_area(compiled: CompiledGraph):
    rows = select(compiled, PREFIXES + """
        SELECT ?model (COUNT(?area) AS ?areas) WHERE {
          ?model a cscip:PracticeModel .
          OPTIONAL { ?model dcterms:subject ?area . ?area a cscip:PracticeArea }
        } GROUP BY ?model""")
    unplaced = {_local(r["model"]) for r in rows if r["areas"] == "0"}
    assert unplaced == {"pace"}  # the sources only name PACE


def test_every_placement_is_inferred_with_the_words_that_place_it(compiled: CompiledGraph):
    rows = select(compiled, PREFIXES + """
        SELECT ?model ?area ?basis ?note (GROUP_CONCAT(?definition; separator=" | ") AS ?definitions) ?label WHERE {
          ?model dcterms:subject ?area ; rdfs:label ?label . ?area a cscip:PracticeArea .
          OPTIONAL { ?record a rdf:Statement ; rdf:subject ?model ; rdf:predicate dcterms:subject ; rdf:object ?area ;
                             cscip:basis ?basis ; cscip:inferenceNote ?note }
          OPTIONAL { ?model skos:definition ?definition }
        } GROUP BY ?model ?area ?basis ?note ?label""")
    assert len(rows) >= 40
    for row in rows:
        assert row.get("basis", "").endswith("/def/inferred"), row
        quoted = re.search(r"“(.+?)”", row["note"]).group(1)
        # The quoted words are in the model's stored definition, or name the model in a page that only names it.
        assert quoted in row["definitions"] or row["label"].lower() in quoted.lower(), row


def test_the_practice_area_query_answers_a_topical_question(project, compiled: CompiledGraph):
    named = load_catalogue(project.queries_dir)["practice-area"]
    assert "PREFIX cscip: <https://w3id.org/cscip-kg/def/>" in named.path.read_text(encoding="utf-8")

    def run(area: str) -> list[dict[str, str]]:
        result = compiled.engine.query(Prepared(named.bind({"area": f"practice-area:{area}"})))
        return [{v.value: (s[v].value if s[v] is not None else "") for v in result.variables} for s in result]

    foster = run("foster-care")
    assert {_local(r["model"]) for r in foster} >= {"mockingbird", "keep", "multidimensional-treatment-foster-care"}
    assert f"{ID}project/mockingbird-family-model" in {r["project"] for r in foster}
    leaving = {_local(r["model"]) for r in run("leaving-care")}
    assert leaving == {"staying-close", "house-project", "shared-lives"}
    assert all(r["areaLabel"] == "Leaving care" for r in run("leaving-care"))
