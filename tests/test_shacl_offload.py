"""Constraints answered on pyoxigraph (shacl_core, shacl_sparql) report exactly what pyshacl reports.

`validate` sends the constraints it can answer once per graph to pyoxigraph and the rest to pyshacl;
``offload=False`` sends everything to pyshacl, the reference. Both must give the same problems on
every shape fixture and on the real data with breakages injected for each offloaded kind of check.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from cscip_kg import shacl_core, shacl_sparql
from cscip_kg.loader import LoadedGraph, Project, load, parse_turtle
from cscip_kg.rdf_namespaces import CSCIP, SCHEMA
from cscip_kg.validate import shacl_problems

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "shapes"
ADMS = Namespace("http://www.w3.org/ns/adms#")


@pytest.fixture(scope="module")
def loaded() -> LoadedGraph:
    return load(Project(ROOT))


def _both(data: Graph, shapes: Graph) -> tuple[list[str], list[str]]:
    copy = Graph()
    for prefix, namespace in data.namespaces():  # pyshacl's generic messages name nodes as the data graph binds them
        copy.bind(prefix, namespace, override=True, replace=True)
    for triple in data:
        copy.add(triple)
    return [str(p) for p in shacl_problems(data, shapes)], [str(p) for p in shacl_problems(copy, shapes, offload=False)]


def test_most_constraints_are_offloaded(loaded: LoadedGraph):
    """Else the comparisons below would prove little (and validation would be slow again)."""
    rest, checks = shacl_core.split(loaded.shapes)
    _rest, constraints = shacl_sparql.split(rest)
    assert len(checks) >= 200 and len(constraints) >= 7, (len(checks), len(constraints))


@pytest.mark.slow  # pyshacl, the reference, over the whole graph
def test_fixtures_report_the_same(loaded: LoadedGraph):
    """Every shape fixture at once: the comparison holds on any graph, and one pyshacl run is quicker."""
    data = Graph()
    fixtures = sorted(FIXTURES.glob("*/*.ttl"))
    for path in [*sorted((ROOT / "ontology").glob("*.ttl")), FIXTURES / "base.ttl", *fixtures]:
        parse_turtle(path, data)
    offloaded, reference = _both(data, loaded.shapes)
    assert offloaded == reference
    assert len(reference) >= sum(1 for p in fixtures if p.name.startswith("invalid-")), reference


def _first(data: Graph, kind: URIRef) -> Node:
    return sorted(data.subjects(RDF.type, kind), key=str)[0]


def _break(data: Graph) -> int:
    """Inject one breakage per offloaded check kind into ``data``; the number of triples changed."""
    project, grant, theme = _first(data, CSCIP.Project), _first(data, CSCIP.Grant), _first(data, CSCIP.Theme)
    statements = sorted(data.subjects(RDF.type, RDF.Statement), key=str)[:6]
    label = data.value(project, RDFS.label)
    changes: list[tuple[str, tuple[object, object, object]]] = [
        ("remove", (project, RDFS.label, label)),  # minCount
        ("add", (grant, RDFS.label, Literal("second", lang="en"))),  # maxCount
        ("add", (grant, SKOS.altLabel, Literal("plain"))),  # datatype rdf:langString
        ("add", (theme, RDFS.label, Literal("", lang="en"))),  # minLength and maxCount
        ("add", (project, DCTERMS.source, grant)),  # sh:class
        ("add", (project, DCTERMS.source, Literal("a literal"))),  # sh:class on a literal
        ("add", (statements[0], RDF.subject, Literal("not an IRI"))),  # nodeKind and maxCount
        ("set", (statements[1], CSCIP.basis, CSCIP.claimed)),  # sh:in
        ("set", (statements[2], DCTERMS.source, None)),  # node-level sh:or (stated, no source)
        ("set", (statements[3], CSCIP.inferenceNote, Literal("plain note"))),  # datatype on InferenceShape
        ("set", (statements[4], RDF.object, Literal("nothing says this"))),  # SPARQL: triple not asserted
        ("set", (statements[5], CSCIP.basis, CSCIP.inferred)),  # inferred without note (node-level sh:or)
    ]
    for action, (s, p, o) in changes:
        if action == "set":
            data.remove((s, p, None))  # type: ignore[arg-type]
        if action == "remove":
            data.remove((s, p, o))  # type: ignore[arg-type]
        elif o is not None:
            data.add((s, p, o))  # type: ignore[arg-type]
    programme, report = _first(data, CSCIP.Programme), _first(data, CSCIP.EvaluationReport)
    source, award_date = _first(data, CSCIP.SourceDocument), _first(data, CSCIP.AwardDate)
    schema = Namespace("https://schema.org/")
    data.add((programme, schema.startDate, Literal("2014")))  # sh:or of datatypes
    data.add((programme, CSCIP.numberOfProjects, Literal("0", datatype=XSD.integer)))  # sh:minInclusive
    data.add((programme, CSCIP.numberOfLocalAuthorities, Literal("x", datatype=XSD.integer)))  # ill-typed
    data.add((report, schema.contentSize, Literal("1.5 GB")))  # sh:pattern
    data.add((report, schema.numberOfPages, Literal("3", datatype=XSD.nonNegativeInteger)))  # datatype
    data.add((source, CSCIP.originalURL, Literal("ftp://x", datatype=XSD.anyURI)))  # pattern and maxCount
    data.add((project, CSCIP.awardDate, award_date))  # inverse path: maxCount and sh:class
    data.remove((statements[5], CSCIP.inferenceNote, None))
    data.add((BNode(), RDF.type, CSCIP.AwardDate))  # an award date with nothing: many minCounts
    data.add((grant, CSCIP.funding, Literal("10", datatype=XSD.integer)))
    return len(changes)


def _break_logic(data: Graph) -> None:
    """One breakage per constraint moved off pyshacl in the second round: logical, shape-based, qualified, sh:in of literals."""
    report, grant, theme = _first(data, CSCIP.EvaluationReport), _first(data, CSCIP.Grant), _first(data, CSCIP.Theme)
    finding, coverage = _first(data, CSCIP.Finding), _first(data, CSCIP.FindingsCoverage)
    identifier = _first(data, ADMS.Identifier)
    amount = next(o for o in data.objects(None, CSCIP.funding) if isinstance(o, BNode))
    example = Namespace("https://example.org/")
    data.add((report, CSCIP.evaluates, grant))  # sh:or of classes on a property
    data.add((report, DCTERMS["format"], Literal("text/html")))  # sh:in of literals, and maxCount
    data.set((amount, SCHEMA.currency, Literal("EUR")))  # sh:in of literals on a blank node (reported at the grant)
    data.add((example.org, RDF.type, ORG.Organization))  # no kind: qualifiedMinCount
    data.add((example.org, RDFS.label, Literal("Org", lang="en")))
    data.set((finding, CSCIP.measure, theme))  # sh:node with sh:hasValue: the nested result too
    data.add((example.src, RDF.type, CSCIP.SourceDocument))
    data.set((finding, DCTERMS.source, example.src))  # sh:node with sh:minCount: the nested result too
    data.add((finding, CSCIP.sizeStatedAs, Literal("some", lang="en")))  # sh:xone
    data.set((coverage, CSCIP.coverageStatus, CSCIP.SourceStatesNoResult))
    data.remove((coverage, DCTERMS.source, None))  # node-level sh:or with sh:hasValue
    data.set((identifier, ADMS.schemeAgency, Literal("Office for National Statistics")))
    data.set((identifier, SKOS.notation, Literal("X123")))  # sh:or of sh:not sh:hasValue and sh:pattern


@pytest.mark.slow  # pyshacl, the reference, over the whole graph
def test_real_data_with_breakages_reports_the_same(loaded: LoadedGraph):
    data = loaded.union()
    _break(data)
    _break_logic(data)
    offloaded, reference = _both(data, loaded.shapes)
    assert offloaded == reference
    assert len(reference) >= 35, reference
