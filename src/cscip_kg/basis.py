"""The basis of a statement: stated (a source says it), inferred (the graph's reasoning) or claimed.

A triple in a source folder's named graph is stated by that source. The registry graph belongs
to no source, so each kind, name or link it asserts must be described by a statement record
(``rdf:Statement`` with ``cscip:basis``): stated, naming the document, or inferred, saying why.
:func:`unsupported` lists the registry statements that have neither; ``cscip-kg validate``
reports each at its file and line, and a test fails on any.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS
from rdflib.term import Node

from cscip_kg.loader import LoadedGraph, graph_name_for
from cscip_kg.parsed import query_union, rdflib_term
from cscip_kg.rdf_namespaces import CSCIP, ONTOLOGY_GRAPH, SOURCE_GRAPH

STATED, INFERRED, CLAIMED = CSCIP.stated, CSCIP.inferred, CSCIP.claimed
REGISTRY_GRAPH = graph_name_for("registry")
ORGANISATION_KINDS = frozenset(CSCIP[k] for k in (
    "LocalAuthority", "ChildrensServicesTrust", "Charity", "ResearchOrganisation", "NHSBody", "Company",
    "PublicBody", "Partnership"))
# What the registry asserts as fact. Its other triples are bookkeeping (dcterms:source lists the
# documents naming the thing; skos:inScheme and friends only place a theme in its scheme).
CHECKED = frozenset({RDF.type, RDFS.label, SKOS.altLabel, ORG.hasMember, DCTERMS.isPartOf, CSCIP.roundNumber})

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Record:
    """What a statement record says about one triple."""

    basis: Node | None
    note: str
    sources: tuple[Node, ...]

    @property
    def supports(self) -> bool:
        """Stated with a named source, or inferred with a reason."""
        return (self.basis == STATED and bool(self.sources)) or (self.basis == INFERRED and bool(self.note))


def records(graph: Graph) -> dict[Triple, list[Record]]:
    """Every statement record in ``graph``, by the triple it describes."""
    found: dict[Triple, list[Record]] = {}
    for node in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = (graph.value(node, term) for term in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            continue  # the statement shape reports it
        note = graph.value(node, CSCIP.inferenceNote)
        found.setdefault((s, p, o), []).append(Record(
            graph.value(node, CSCIP.basis), str(note) if isinstance(note, Literal) else "",
            tuple(graph.objects(node, DCTERMS.source))))
    return found


def _checked(triple: Triple) -> bool:
    _s, p, o = triple
    return p in CHECKED and (p != RDF.type or o in ORGANISATION_KINDS)


def registry_statements(loaded: LoadedGraph) -> Iterator[Triple]:
    """The registry's facts: kinds of organisation, names, links and round numbers."""
    if REGISTRY_GRAPH not in loaded.files:
        return
    for triple in loaded.dataset.graph(REGISTRY_GRAPH):
        if _checked(triple) and not isinstance(triple[0], Literal):
            yield triple


def unsupported(loaded: LoadedGraph, union: Graph | None = None) -> list[Triple]:
    """Registry statements no source states (in its graph or a stated record) and no inference note explains."""
    known = records(union if union is not None else loaded.union())
    by_sources = {name for name in loaded.files if name not in (REGISTRY_GRAPH, ONTOLOGY_GRAPH, SOURCE_GRAPH)}
    missing = []
    for triple in registry_statements(loaded):
        if any(r.supports for r in known.get(triple, [])):
            continue
        if any(triple in loaded.dataset.graph(name) for name in by_sources):
            continue
        missing.append(triple)
    return sorted(missing, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))


# The records that support their triple, as one query on the parsed project (parsed.py); anchored on
# each record, so its cost follows the number of records.
_SUPPORTED = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  ?record <{RDF.type}> <{RDF.Statement}> ; <{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; <{RDF.object}> ?o .
  {{ ?record <{CSCIP.basis}> <{STATED}> FILTER EXISTS {{ ?record <{DCTERMS.source}> ?source }} }}
  UNION {{ ?record <{CSCIP.basis}> <{INFERRED}> ; <{CSCIP.inferenceNote}> ?note
           FILTER (isLiteral(?note) && STRLEN(STR(?note)) > 0) }}
}}"""
_NOT_SOURCES = {ox.NamedNode(str(g)) for g in (REGISTRY_GRAPH, ONTOLOGY_GRAPH, SOURCE_GRAPH)} | {ox.DefaultGraph()}


def unsupported_in(store: ox.Store) -> list[Triple]:
    """unsupported() of a store holding the project's named graphs and their union as the default graph."""
    supported = {(row["s"], row["p"], row["o"]) for row in query_union(store, _SUPPORTED)}
    registry, kinds = ox.NamedNode(str(REGISTRY_GRAPH)), {ox.NamedNode(str(k)) for k in ORGANISATION_KINDS}
    missing = []
    for predicate in (ox.NamedNode(str(p)) for p in CHECKED):
        for quad in store.quads_for_pattern(None, predicate, None, registry):
            if (predicate.value == str(RDF.type) and quad.object not in kinds) \
                    or (quad.subject, quad.predicate, quad.object) in supported:
                continue
            if any(q.graph_name not in _NOT_SOURCES for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)):
                continue
            missing.append((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    return sorted(missing, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
