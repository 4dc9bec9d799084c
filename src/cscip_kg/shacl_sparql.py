"""SHACL-SPARQL constraints evaluated once per graph instead of once per focus node.

pyshacl parses a constraint's ``sh:select`` again for every focus node (rdflib's SPARQL
parser takes ~15 ms), so three constraints on projects were three quarters of validation
time and grew with the number of projects. A ``SELECT $this …`` constraint whose only
pre-bound variable is ``$this`` has the same answers when ``$this`` is left free and joined
with the shape's targets, so each such constraint runs here once, on pyoxigraph, and the
others stay with pyshacl. Results are reported exactly as pyshacl reports them for a node
shape: the focus node, the constraint's message, the focus node as the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from cscip_kg.parsed import query_union

SH = Namespace("http://www.w3.org/ns/shacl#")
# What pyshacl pre-binds or substitutes in a node shape's constraint besides $this ($value is bound only
# for constraint components, not sh:sparql): leave such constraints to pyshacl. Variables it reads from
# an answer (?value, ?path, ?failure) cannot appear, since the answer is projected to $this alone.
_OTHER_VARIABLES = re.compile(r"[?$](PATH|shapesGraph|currentShape)\b")
# A message template ({$this}, {?x}) is filled per answer by pyshacl; ours is reported as written.
_TEMPLATE = re.compile(r"\{[?$]")
_DATA_GRAPH = "urn:x-cscip-kg:data"
_PROJECTS_THIS = re.compile(r"^\s*SELECT\s+(DISTINCT\s+)?\$this\s+WHERE", re.IGNORECASE)


@dataclass(frozen=True)
class SparqlConstraint:
    shape: URIRef
    node: BNode | URIRef
    message: str
    query: str  # a whole query: prologue, the shape's targets joined with the constraint's select


def _prologue(shapes: Graph, constraint: BNode | URIRef) -> str | None:
    lines = []
    for owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                return None
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines) + "\n"


def _handled(shapes: Graph, shape: URIRef, constraint: BNode | URIRef) -> SparqlConstraint | None:
    """The constraint, if it can be evaluated once for all focus nodes; None leaves it to pyshacl."""
    select, messages = shapes.value(constraint, SH.select), list(shapes.objects(constraint, SH.message))
    classes = list(shapes.objects(shape, SH.targetClass))
    other_targets = any(shapes.value(shape, p) is not None for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf))
    if not isinstance(select, Literal) or len(messages) != 1 or not classes or other_targets \
            or shapes.value(shape, SH.path) is not None or _TEMPLATE.search(str(messages[0])) \
            or shapes.value(constraint, SH.deactivated) is not None or not _PROJECTS_THIS.match(str(select)) \
            or _OTHER_VARIABLES.search(str(select)):
        return None
    prologue = _prologue(shapes, constraint)
    if prologue is None:
        return None
    targets = " UNION ".join(f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{c}> }}" for c in classes)
    query = f"{prologue}SELECT DISTINCT ?this WHERE {{ {{ {targets} }} {{ {select} }} }}"
    return SparqlConstraint(shape, constraint, str(messages[0]), query)


def split(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes without the constraints evaluated here, and those constraints."""
    handled = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if isinstance(shape, URIRef) and isinstance(constraint, BNode | URIRef) \
                and (found := _handled(shapes, shape, constraint)) is not None:
            handled.append(found)
    if not handled:
        return shapes, []
    rest = Graph()
    skipped = {(c.shape, c.node) for c in handled}
    for s, p, o in shapes:
        if not (p == SH.sparql and (s, o) in skipped):
            rest.add((s, p, o))
    return rest, handled


def ox_term(term: object, memo: dict[object, object]) -> object:
    """The rdflib term as a pyoxigraph term (``memo`` shares equal terms)."""
    found = memo.get(term)
    if found is None:
        if isinstance(term, URIRef):
            found = ox.NamedNode(str(term))
        elif isinstance(term, BNode):
            found = ox.BlankNode(str(term))
        elif isinstance(term, Literal):
            found = ox.Literal(str(term), language=term.language) if term.language \
                else ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
        else:
            raise TypeError(f"not an RDF term: {term!r}")
        memo[term] = found
    return found


def store_of(data: Graph) -> ox.Store:
    """The graph in a named graph of a store, which the checks query as the union of its named graphs (parsed.py)."""
    memo: dict[object, object] = {}
    store, graph = ox.Store(), ox.NamedNode(_DATA_GRAPH)
    store.bulk_extend(ox.Quad(ox_term(s, memo), ox_term(p, memo), ox_term(o, memo), graph) for s, p, o in data)  # type: ignore[arg-type]
    return store


def violations(store: ox.Store, constraints: list[SparqlConstraint]) -> list[tuple[SparqlConstraint, URIRef | BNode]]:
    """(constraint, focus node) for every focus node a constraint reports."""
    found = []
    for constraint in constraints:
        for row in query_union(store, constraint.query):
            focus = row["this"]
            found.append((constraint, URIRef(focus.value) if isinstance(focus, ox.NamedNode) else BNode(focus.value)))
    return found

