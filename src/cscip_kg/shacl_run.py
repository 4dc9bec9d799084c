"""SHACL over the project: most constraints as SPARQL on pyoxigraph, the rest with pyshacl on a subset.

``plan`` splits the shapes once: what shacl_core and shacl_sparql answer on the store, and the
shapes pyshacl still checks, cut down to what a targeted shape with a constraint reaches. ``reads``
is every predicate those shapes (and the constraints tested in Python) can look at, so the rdflib
graph pyshacl gets needs only those triples (parsed.py keeps them). Each result is reported as
pyshacl reports it; ``tests/test_shacl_offload.py`` compares with pyshacl alone (``offload=False``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.paths import Path as RdflibPath
from rdflib.term import Node

from cscip_kg import shacl_core, shacl_sparql
from cscip_kg.namespaces import compact
from cscip_kg.problems import Problem, SourceLocator

SH = Namespace("http://www.w3.org/ns/shacl#")
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
# A node shape's predicates that constrain nothing: a targeted shape with only these reports nothing.
_NOT_CONSTRAINTS = _TARGETS | {SH.message, SH.name, SH.description, SH.severity, SH.deactivated, SH.order, SH.group,
                               SH.declare, SH.prefixes, RDF.type, RDFS.label, RDFS.comment}
# What may read triples of any predicate (SPARQL, closed shapes, custom targets and components):
# with any of these left, pyshacl gets the whole graph.
_READS_ANYTHING = {SH.sparql, SH.select, SH.ask, SH.closed, SH.target, SH.rule, SH.validator, SH.nodeValidator,
                   SH.propertyValidator, SH.parameter}
# Where a shape names a predicate of the data (a path, a target, a property pair).
_NAMES_PREDICATES = {SH.path, SH.targetSubjectsOf, SH.targetObjectsOf, SH.equals, SH.disjoint, SH.lessThan,
                     SH.lessThanOrEquals}


@dataclass
class Plan:
    shapes: Graph  # all of them: names are looked up here
    core: list[shacl_core.CoreCheck]
    sparql: list[shacl_sparql.SparqlConstraint]
    rest: Graph  # what pyshacl checks (empty if nothing)
    reads: set[URIRef] | None  # the predicates pyshacl and the Python tests read; None: all


def plan(shapes: Graph) -> Plan:
    rest, core = shacl_core.split(shapes)
    rest, sparql = shacl_sparql.split(rest)
    rest = _reachable(rest)
    return Plan(shapes, core, sparql, rest, _reads(rest, core))


def _roots(rest: Graph) -> list[Node]:
    """Node shapes with a target and at least one constraint."""
    return [shape for shape in set(rest.subjects(RDF.type, SH.NodeShape))
            if any(p in _TARGETS for p in rest.predicates(shape))
            and any(p not in _NOT_CONSTRAINTS for p in rest.predicates(shape))]


def _reachable(rest: Graph) -> Graph:
    """The triples of the shapes a targeted shape with a constraint reaches (property shapes, sh:node, lists)."""
    seen, todo = set(), _roots(rest)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo += [o for o in rest.objects(node) if isinstance(o, BNode | URIRef) and o not in seen]
    reached = Graph()
    for triple in rest:
        if triple[0] in seen:
            reached.add(triple)
    return reached


def _path_iris(shapes: Graph, node: Node) -> set[URIRef]:
    """The predicates in a path: an IRI, or any IRI inside a path's blank nodes (inverse, alternatives, sequences)."""
    if isinstance(node, URIRef):
        return {node}
    found: set[URIRef] = set()
    if isinstance(node, BNode):
        for _p, inner in shapes.predicate_objects(node):
            found |= _path_iris(shapes, inner)
    return found - {RDF.nil}


def _walk_iris(walk: URIRef | RdflibPath | None) -> set[URIRef]:
    if walk is None:
        return set()
    if isinstance(walk, URIRef):
        return {walk}
    return {arg for arg in (getattr(walk, "arg", None), *getattr(walk, "args", ())) if isinstance(arg, URIRef)}


def _reads(rest: Graph, core: list[shacl_core.CoreCheck]) -> set[URIRef] | None:
    if any(p in _READS_ANYTHING for p in rest.predicates()):
        return None
    found = {RDF.type, RDFS.subClassOf} if len(rest) else set()  # class targets and sh:class
    for predicate in _NAMES_PREDICATES:
        for node in rest.objects(None, predicate):
            found |= _path_iris(rest, node)
    for check in core:
        found |= _walk_iris(check.walk)
    return found


def shacl_problems(data: Graph, shapes: Graph, locator: SourceLocator | None = None,
                   offload: bool = True) -> list[Problem]:
    """SHACL problems of an rdflib graph, which the caller throws away (pyshacl runs in place).

    With ``offload`` (always, but in the tests that prove the two ways report the same problems) the
    constraints pyoxigraph can answer once per graph go there, the rest to pyshacl.
    """
    store = shacl_sparql.store_of(data)
    if not offload:
        return _sorted(_pyshacl_problems(data, shapes, shapes, store, locator))
    return run(plan(shapes), store, data, locator)


def run(chosen: Plan, store: ox.Store, kept: Graph, locator: SourceLocator | None) -> list[Problem]:
    """``store``'s default graph is the data; ``kept`` holds at least its triples with a predicate in chosen.reads."""
    problems = _core_problems(store, kept, chosen.core, locator) + _sparql_problems(store, chosen.sparql, locator)
    if len(chosen.rest):
        problems += _pyshacl_problems(kept, chosen.rest, chosen.shapes, store, locator)
    return _sorted(problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.focus, p.message, p.path, p.shape))


def _pyshacl_problems(data: Graph, rest: Graph, shapes: Graph, store: ox.Store,
                      locator: SourceLocator | None) -> list[Problem]:
    from pyshacl import validate as shacl_validate  # ~0.25 s to import, and most runs have nothing left for it

    # inplace: advanced mode would otherwise copy the whole graph first, only in case SHACL rules
    # write to it; there is no inference, and shapes/ has no rules.
    conforms, report, _text = shacl_validate(
        data, shacl_graph=rest, inference="none", advanced=True, allow_warnings=False, inplace=True
    )
    if conforms:
        return []
    assert isinstance(report, Graph)
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = _owner(store, report.value(result, SH.focusNode))
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        shape = report.value(result, SH.sourceShape)
        value = report.value(result, SH.value)
        text = str(message) if message is not None else "constraint violated"
        if value is not None and not isinstance(value, BNode):
            text += f" (value: {compact(value)})"
        file, line = locator.locate(focus) if locator else ("", None)
        problems.append(
            Problem("shacl", text, compact(focus), _path_text(report, path), _shape_name(shapes, shape), file, line)
        )
    return problems


def _core_problems(store: ox.Store, data: Graph, checks: list[shacl_core.CoreCheck],
                   locator: SourceLocator | None) -> list[Problem]:
    """Reported as pyshacl reports them; a node-level check has the focus node as its value."""
    problems = []
    for check, node, value in shacl_core.violations(store, checks, data):
        focus = _owner(store, node)
        if not check.path:
            value = node
        text = check.message + ("" if value is None or isinstance(value, BNode) else f" (value: {compact(value)})")
        file, line = locator.locate(focus) if locator else ("", None)
        problems.append(Problem("shacl", text, compact(focus), check.path,
                                _shape_name(shapes=Graph(), shape=check.shape), file, line))
        problems += [_detail_problem(store, data, value, detail, locator) for detail in check.details
                     if value is not None and _fails(store, value, detail)]
    return problems


def _fails(store: ox.Store, node: Node, detail: shacl_core.Detail) -> bool:
    memo: dict[object, object] = {}
    subject, path = shacl_sparql.ox_term(node, memo), ox.NamedNode(str(detail.path))
    if detail.component == SH.hasValue:
        return next(store.quads_for_pattern(subject, path, ox.NamedNode(str(detail.rule)), None), None) is None  # type: ignore[arg-type]
    return next(store.quads_for_pattern(subject, path, None, None), None) is None  # type: ignore[arg-type]


def _detail_problem(store: ox.Store, data: Graph, node: Node, detail: shacl_core.Detail,
                    locator: SourceLocator | None) -> Problem:
    """As pyshacl words it: its generic message names nodes as the data graph and a fresh shapes graph bind them."""
    text = detail.message
    if text is None:
        from pyshacl.rdfutil.stringify import stringify_node  # only when there is such a problem to word

        shapes, where = Graph(), f"{stringify_node(data, node)}->{stringify_node(Graph(), detail.path)}"
        text = f"Less than 1 values on {where}" if detail.component == SH.minCount else \
            f"Node {where} does not contain a value in the set: {[stringify_node(shapes, detail.rule)]}"
    focus = _owner(store, node)
    file, line = locator.locate(focus) if locator else ("", None)
    return Problem("shacl", text, compact(focus), compact(detail.path), "", file, line)


def _sparql_problems(store: ox.Store, constraints: list[shacl_sparql.SparqlConstraint],
                     locator: SourceLocator | None) -> list[Problem]:
    """Reported as pyshacl reports a node shape's SPARQL constraint: the focus node is also the value."""
    problems = []
    for constraint, node in shacl_sparql.violations(store, constraints):
        focus = _owner(store, node)
        file, line = locator.locate(focus) if locator else ("", None)
        text = constraint.message + ("" if isinstance(node, BNode) else f" (value: {compact(node)})")
        problems.append(Problem("shacl", text, compact(focus), "", _shape_name(Graph(), constraint.shape), file, line))
    return problems


def _owner(store: ox.Store, node: object) -> object:
    """A blank node (e.g. an amount) is reported at the IRI that owns it."""
    seen = 0
    while isinstance(node, BNode) and seen < 5:
        owner = next(store.quads_for_pattern(None, None, ox.BlankNode(str(node)), None), None)
        if owner is None:
            break
        subject = owner.subject
        if not isinstance(subject, ox.NamedNode | ox.BlankNode):
            break
        node, seen = URIRef(subject.value) if isinstance(subject, ox.NamedNode) else BNode(subject.value), seen + 1
    return node


def _shape_name(shapes: Graph, shape: object) -> str:
    seen = 0
    while isinstance(shape, BNode) and seen < 5:
        parent = next(shapes.subjects(SH.property, shape), None) or next(shapes.subjects(SH.sparql, shape), None)
        if parent is None:
            break
        shape, seen = parent, seen + 1
    return str(shape).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if isinstance(shape, URIRef) else ""


def _path_text(report: Graph, path: object) -> str:
    if path is None:
        return ""
    alternatives = report.value(path, SH.alternativePath) if isinstance(path, BNode) else None
    inverse = report.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if inverse is not None:
        return "^" + compact(inverse)
    if alternatives is not None:
        return "(" + " | ".join(compact(p) for p in report.items(alternatives)) + ")"
    return compact(path)
