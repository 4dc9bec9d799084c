"""The lineage graph derived at build time, and the lineage query over it (issue 15)."""

from __future__ import annotations

from collections import deque

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cscip_kg.build import dataset_engine
from cscip_kg.engine import Prepared
from cscip_kg.lineage import LINEAGE_GRAPH, add_lineage, lineage_properties
from cscip_kg.namespaces import ID_BASE
from cscip_kg.queries import load_catalogue
from cscip_kg.rdf_namespaces import CSCIP, PROV

FS_SFPC = {"cambridgeshire", "walsall", "lancashire", "telford-and-wrekin", "wandsworth", "swindon"}
FS_ROUND_2 = {"luton", "peterborough", "bracknell-forest", "west-berkshire"}
NWD_SFPC = {"middlesbrough", "rochdale", "redcar-and-cleveland", "warrington", "norfolk", "leicester"}


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def _lineage(project, engine, entity: str) -> list[dict[str, str]]:
    named = load_catalogue(project.queries_dir)["lineage"]
    result = engine.query(Prepared(named.bind({"entity": entity})))
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def test_the_lineage_properties_come_from_the_ontology(compiled):
    found = {_slug(str(p)).rsplit("#", 1)[-1] for p in lineage_properties(compiled.loaded.ontology)}
    assert {"adoptsModel", "developedBy", "spreadsModel", "spreadsProject", "implementsModel", "continues",
            "scalesUp", "round", "wasInfluencedBy"} <= found
    assert not found & {"evaluator", "leadOrganisation", "participatedIn"}  # PROV's, not lineage


def test_a_new_lineage_property_is_one_line_in_the_ontology(compiled):
    ontology = Graph()
    for triple in compiled.loaded.ontology:
        ontology.add(triple)
    ontology.add((CSCIP.inspiredBy, RDFS.subPropertyOf, PROV.wasInfluencedBy))
    assert CSCIP.inspiredBy in lineage_properties(ontology)


def test_walsall_adopted_two_models_each_through_its_programme(project, compiled):
    rows = _lineage(project, compiled.engine, "organisation:walsall")
    own = {(_slug(r["node"]), _slug(r["programme"]), r["role"]) for r in rows if r["via"].endswith("/walsall")}
    assert own == {("family-safeguarding", "sfpc", "trial cohort"),
                   ("family-drug-and-alcohol-court", "sfip-fdac", "SFIP FDAC site")}
    assert all(r["sources"].startswith("http") for r in rows if r["via"].endswith("/walsall"))
    models = {_slug(r["node"]) for r in rows if "/model/" in r["node"]}
    assert models == {"family-safeguarding", "family-drug-and-alcohol-court"}  # no model it did not adopt
    assert {r["direction"] for r in rows} == {"ancestor"}


def test_family_safeguarding_came_from_hertfordshire_and_spread_to_round_2_and_sfpc(project, compiled):
    rows = _lineage(project, compiled.engine, "model:family-safeguarding")
    developer = [r for r in rows if r["kind"].endswith("/developedBy") and r["direction"] == "ancestor"]
    assert [(_slug(r["node"]), r["role"], r["sources"]) for r in developer] == [
        ("hertfordshire", "innovator", "https://www.scie.org.uk/strengthening-families/about")]
    adopters: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        if row["direction"] == "descendant" and row["kind"].endswith("/adoptsModel"):
            assert row["sources"].startswith("http"), row
            adopters.setdefault(_slug(row["node"]), set()).add((_slug(row["programme"]), row["role"]))
    for la in FS_ROUND_2:
        assert ("cscip-round-2", "round 2 scale-up authority") in adopters[la], la
    assert {la for la, found in adopters.items() if any(p == "sfpc" for p, _ in found)} == FS_SFPC | {"hertfordshire"}
    assert ("sfpc", "trailblazer (pilot LA)") in adopters["cambridgeshire"]
    assert not set(adopters) & NWD_SFPC


def test_round_1_reaches_the_sfpc_and_sfip_adopters_of_its_models(project, compiled):
    rows = _lineage(project, compiled.engine, "programme:cscip-round-1")
    reached = {_slug(r["node"]) for r in rows if r["direction"] == "descendant"}
    assert reached >= FS_SFPC | NWD_SFPC | FS_ROUND_2
    assert {"bath-and-north-east-somerset", "essex", "sfpc", "sfip"} <= reached  # SFIP FGC and FDAC authorities


def test_every_link_has_a_kind_basis_and_source(compiled):
    lineage = compiled.dataset.graph(LINEAGE_GRAPH)
    links = set(lineage.subjects(RDF.type, CSCIP.LineageLink))
    assert len(links) > 300
    for link in links:
        assert lineage.value(link, CSCIP.linkKind) is not None, link
        assert lineage.value(link, CSCIP.basis) in (CSCIP.stated, CSCIP.inferred, CSCIP.claimed), link
        assert lineage.value(link, URIRef("http://purl.org/dc/terms/source")) is not None, link
        assert len(set(lineage.subjects(PROV.qualifiedInfluence, link))) == 1, link


# What lineage.rq once joined across the graph for each row, and what the build now writes on each link.
_SAID = {
    "basis": "?link cscip:basis ?term . ?term skos:prefLabel|rdfs:label ?label BIND(STR(?label) AS ?value)",
    "sources": "?link dcterms:source ?source OPTIONAL { ?source cscip:originalURL|cscip:localFile ?page } "
               "BIND(STR(COALESCE(?page, ?source)) AS ?value)",
    "dates": "?link cscip:datesStatedAs|schema:startDate ?date BIND(STR(?date) AS ?value)",
}
_SHOWN = {"basis": "?link cscip:basisLabel ?value", "sources": "?link cscip:sourceURLs ?value",
          "dates": "?link cscip:dateText ?value"}


def _per_link(engine, pattern: str) -> dict[str, set[str]]:
    query = ("PREFIX cscip: <https://w3id.org/cscip-kg/def/> PREFIX dcterms: <http://purl.org/dc/terms/> "
             "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
             "PREFIX schema: <https://schema.org/> "
             f"SELECT ?link ?value WHERE {{ ?link a cscip:LineageLink . {pattern} }}")
    found: dict[str, set[str]] = {}
    for row in engine.query(Prepared(query)):
        value = row["value"].value if row["value"] is not None else ""
        found.setdefault(row["link"].value, set()).update(value.split(" ") if value else ())
    return found


def test_each_link_shows_what_the_graph_says_of_it(compiled):
    for column, pattern in _SAID.items():
        said, shown = _per_link(compiled.engine, pattern), _per_link(compiled.engine, _SHOWN[column])
        assert said == {link: values for link, values in shown.items() if values}, column
    every = _per_link(compiled.engine, "OPTIONAL { ?link cscip:linkKind ?value }")
    assert set(_per_link(compiled.engine, _SHOWN["sources"])) == set(every)  # a link with no source shows ""
    assert set(_per_link(compiled.engine, _SHOWN["basis"])) == set(every)  # lineage.rq groups its lookups under it


def test_an_adoption_through_a_programme_never_links_to_the_programme(compiled):
    lineage = compiled.dataset.graph(LINEAGE_GRAPH)
    for link in lineage.subjects(CSCIP.linkKind, CSCIP.adoptsModel):
        assert (lineage.value(link, PROV.influencer), RDF.type, CSCIP.PracticeModel) in compiled.dataset.graph(
            URIRef("https://w3id.org/cscip-kg/graph/registry")), link


def _chain_dataset(compiled, length: int) -> Dataset:
    """A chain of ``length`` continuations, project 0 ← 1 ← … ← length, closed into a cycle."""
    dataset = Dataset()
    ontology = compiled.loaded.ontology
    for triple in ontology:
        dataset.graph(URIRef("https://w3id.org/cscip-kg/graph/ontology")).add(triple)
    data = dataset.graph(URIRef(f"{ID_BASE}source/chain"))
    nodes = [URIRef(f"{ID_BASE}project/chain-{i}") for i in range(length + 1)]
    for i, node in enumerate(nodes):
        data.add((node, RDF.type, CSCIP.Project))
        data.add((node, RDFS.label, Literal(f"Chain {i}", lang="en")))
        if i:
            data.add((node, CSCIP.continues, nodes[i - 1]))
    data.add((nodes[0], CSCIP.continues, nodes[-1]))  # the cycle
    add_lineage(dataset, ontology)
    return dataset


def _paths(rows: list[dict[str, str]], entity: str, direction: str) -> dict[str, list[str]]:
    """Shortest path of hops from the entity to each node, rebuilt from the rows' ?via."""
    steps: dict[str, set[str]] = {}
    for row in rows:
        if row["direction"] == direction:
            steps.setdefault(row["via"], set()).add(row["node"])
    paths = {entity: [entity]}
    queue = deque([entity])
    while queue:
        here = queue.popleft()
        for there in sorted(steps.get(here, ())):
            if there not in paths:
                paths[there] = [*paths[here], there]
                queue.append(there)
    return paths


def test_ten_hops_and_a_cycle_come_back_whole_with_their_paths(project, compiled):
    engine = dataset_engine(_chain_dataset(compiled, 10))
    start = f"{ID_BASE}project/chain-10"
    rows = _lineage(project, engine, start)
    ancestors = _paths(rows, start, "ancestor")
    for i in range(10):
        assert ancestors[f"{ID_BASE}project/chain-{i}"] == [f"{ID_BASE}project/chain-{j}" for j in range(10, i - 1, -1)]
    descendants = _paths(rows, start, "descendant")  # through the cycle: 0 continues 10, 1 continues 0, …
    assert descendants[f"{ID_BASE}project/chain-9"] == [start] + [f"{ID_BASE}project/chain-{j}" for j in range(10)]
    assert len(rows) == 2 * 11  # each of the eleven links once per direction


def test_the_links_the_build_infers_say_why(compiled):
    lineage = compiled.dataset.graph(LINEAGE_GRAPH)
    inferred = set(lineage.subjects(CSCIP.linkKind, CSCIP.grewOutOf))
    assert len(inferred) == 6  # the six models SFPC and SFIP spread, each with the round 1 project it spreads
    for link in inferred:
        assert lineage.value(link, CSCIP.basis) == CSCIP.inferred, link
        assert lineage.value(link, CSCIP.inferenceNote) is not None, link


def test_a_link_whose_every_record_says_inferred_is_never_shown_as_stated(compiled):
    """The derived graph keeps the data's word on a plain triple: inferred (with the note why) where every source
    folder stating it keeps an inferred record about it, stated where any states it outright (SFPC "spreads" the
    three round 1 projects was once shown as SCIE's fact: SCIE names the innovators, the graph deduced the rest)."""
    found = compiled.engine.query(Prepared("""PREFIX cscip: <https://w3id.org/cscip-kg/def/>
      PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?s ?p ?o ?basis (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(DISTINCT ?inferredIn) AS ?inferredGraphs) WHERE {
        GRAPH <https://w3id.org/cscip-kg/graph/lineage> {
          ?link a cscip:LineageLink ; cscip:linkKind ?p ; cscip:basis ?basis ; prov:influencer ?o .
          ?s prov:qualifiedInfluence ?link . FILTER NOT EXISTS { ?link prov:wasDerivedFrom ?record } }
        GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/cscip-kg/graph/lineage>)
        OPTIONAL { GRAPH ?inferredIn { ?rec rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; cscip:basis cscip:inferred }
                   FILTER(?inferredIn = ?g) }
      } GROUP BY ?s ?p ?o ?basis"""))
    rows = [(r["s"].value, r["p"].value, r["o"].value, r["basis"].value, int(r["graphs"].value), int(r["inferredGraphs"].value))
            for r in found]
    assert rows
    wrong = [row for row in rows if (row[3].endswith("/inferred")) != (row[4] == row[5])]
    assert not wrong, wrong[:5]
    sfpc = {row[2].rsplit("/", 1)[1]: row[3] for row in rows if row[0].endswith("/programme/sfpc") and row[1].endswith("spreadsProject")}
    assert sfpc == dict.fromkeys(("family-safeguarding", "family-valued", "no-wrong-door"), str(CSCIP.inferred))


def test_the_build_writes_the_lineage_graph_into_the_dump(build_dir):
    text = (build_dir / "cscip-kg.trig").read_text(encoding="utf-8")
    assert "graph/lineage>" in text and "lineageLink" in text
