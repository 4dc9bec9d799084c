"""Validate the project: SHACL shapes, undefined terms, dangling entity IRIs and registry facts without a basis.

The project is parsed by pyoxigraph (parsed.py) and every check but what pyshacl still does runs
there as SPARQL: rdflib, which cost about 100 µs a triple to parse and hold, gets only the triples
the remaining shapes read. Every problem is a :class:`Problem` naming file and line (problems.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from cscip_kg import basis, shacl_run
from cscip_kg.loader import Project
from cscip_kg.namespaces import ID_BASE, compact
from cscip_kg.parsed import ParsedProject, parse_project, parse_shapes, query_union, rdflib_term
from cscip_kg.problems import Problem, SourceLocator
from cscip_kg.rdf_namespaces import ONTOLOGY_GRAPH
from cscip_kg.shacl_run import shacl_problems

__all__ = ["Problem", "SourceLocator", "shacl_problems", "validate", "validate_parsed"]

DEFINING_TYPES = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)

# Properties and classes used in a source's graph that the ontology does not define (per source graph,
# not the union: the ontology graph itself may use terms it does not define, e.g. owl:Ontology).
_UNDEFINED = f"""
SELECT DISTINCT ?term ?role WHERE {{
  GRAPH ?g {{ {{ ?s ?term ?o BIND ("property" AS ?role) }}
             UNION {{ ?s <{RDF.type}> ?term FILTER isIRI(?term) BIND ("class" AS ?role) }} }}
  FILTER (?g != <{ONTOLOGY_GRAPH}>)
  FILTER NOT EXISTS {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?term <{RDF.type}> ?kind }}
                       FILTER (?kind IN ({", ".join(f"<{t}>" for t in DEFINING_TYPES)})) }}
}}"""

# Entity IRIs used as an object in the union but never typed there.
_DANGLING = f"""
SELECT ?o ?s ?p WHERE {{
  ?s ?p ?o
  FILTER (isIRI(?o) && STRSTARTS(STR(?o), "{ID_BASE}"))
  FILTER NOT EXISTS {{ ?o <{RDF.type}> ?kind }}
}}"""


def _rows(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    yield from query_union(store, query)


def _undefined_terms(store: ox.Store, locator: SourceLocator) -> list[Problem]:
    roles: dict[URIRef, str] = {}
    for row in _rows(store, _UNDEFINED):
        term, role = URIRef(row["term"].value), str(row["role"].value)
        if roles.get(term) != "property":  # a term used both ways is reported as the property it is used as
            roles[term] = role
    return _located(locator, "undefined-term", {
        term: f"{role} {compact(term)} is not defined in ontology/ "
              "(a typo? standard terms must be declared in ontology/external-terms.ttl)"
        for term, role in roles.items()})


def _dangling_iris(store: ox.Store, locator: SourceLocator) -> list[Problem]:
    first: dict[URIRef, tuple[Node, Node]] = {}
    for row in _rows(store, _DANGLING):
        target, by = URIRef(row["o"].value), (rdflib_term(row["s"]), rdflib_term(row["p"]))
        if target not in first or str(by) < str(first[target]):  # the same user whatever order the store answers in
            first[target] = by
    return _located(locator, "dangling-iri", {
        target: f"{compact(target)} is used (by {compact(subject)} {compact(predicate)}) but never described: "
                "a typo, or a missing entry in data/"
        for target, (subject, predicate) in first.items()})


def _located(locator: SourceLocator, kind: str, messages: dict[URIRef, str]) -> list[Problem]:
    """One problem per IRI, at the first file and line that uses it (as an object), in file order."""
    problems = []
    for iri, message in messages.items():
        file, line = locator.locate(iri, as_subject=False)
        problems.append(Problem(kind, message, file=file, line=line))
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


def _without_basis(store: ox.Store, locator: SourceLocator) -> list[Problem]:
    problems = []
    for s, p, o in basis.unsupported_in(store):
        file, line = locator.locate_statement(s, o)
        problems.append(Problem(
            "no-basis",
            f"{compact(p)} {compact(o) if isinstance(o, URIRef) else repr(str(o))} is in the registry, which is no "
            "source: add a statement record (data/registry/bases.ttl) that is cscip:stated with the dcterms:source "
            "whose text says it, or cscip:inferred with a cscip:inferenceNote saying why",
            compact(s), file=file, line=line))
    return problems


def validate_parsed(project: Project) -> tuple[list[Problem], ParsedProject]:
    """All problems, undefined terms and dangling IRIs first (they explain SHACL failures), and the parse.

    Raises loader.DataError for a file that cannot be read or parsed.
    """
    shapes = parse_shapes(project)
    chosen = shacl_run.plan(shapes)
    parsed = parse_project(project, shapes, chosen.reads, pyshacl=len(chosen.rest) > 0)
    locator = SourceLocator(parsed.files, project.root)
    store = parsed.store
    problems = _undefined_terms(store, locator) + _dangling_iris(store, locator) + _without_basis(store, locator)
    return problems + shacl_run.run(chosen, store, parsed.kept, locator), parsed


def validate(project: Project) -> list[Problem]:
    return validate_parsed(project)[0]
