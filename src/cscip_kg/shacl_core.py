"""SHACL Core constraints of simple property shapes, evaluated as SPARQL on pyoxigraph.

pyshacl checks every constraint of every focus node in Python over rdflib, so its time grows
with the graph (the statement records and everything carrying ``cscip:basis`` were half of it at
×1). A property shape whose path is one IRI, whose targets are classes or subjects/objects of a
property, and whose constraints are among those below is compiled here into one query per
constraint, answered once for all focus nodes; anything else stays with pyshacl. Each answer is
reported as pyshacl reports it: the focus node, the property shape's message, the path, and the
value node for the constraints that have one (not sh:minCount or sh:maxCount). So is a node
shape's ``sh:or`` of "has no P V" / "has some Q" (a stated record names its source), which
pyshacl reports at the focus node with the node shape's message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.paths import AlternativePath, InvPath, Path
from rdflib.term import Node

from cscip_kg.namespaces import compact
from cscip_kg.parsed import query_union
from cscip_kg.shacl_focus import FOCUS, Subclasses, Targets
from cscip_kg.shacl_logic import conforms, node_components, violates

SH = Namespace("http://www.w3.org/ns/shacl#")
# What a handled property shape may carry besides sh:path and sh:message; anything else goes to pyshacl.
_ANNOTATIONS = {RDFS.comment, RDFS.label, SH.name, SH.description}
_COMPONENTS = {SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["in"], SH.minLength, SH["class"], SH["or"],
               SH.pattern, SH.minInclusive, SH["and"], SH.xone, SH["not"], SH.node,
               SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}


@dataclass(frozen=True)
class Detail:
    """A constraint of a property shape nested under sh:node: pyshacl reports its failure as a result of its own."""

    path: URIRef
    component: URIRef  # sh:minCount 1 or sh:hasValue (an IRI)
    rule: Node
    message: str | None  # the nested shape's own, else pyshacl's generic message


@dataclass(frozen=True)
class CoreCheck:
    """One constraint as a query answering ?this (and ?value when the result names a value node)."""

    shape: URIRef  # the node shape, which names the problem
    message: str
    path: str  # as validate reports it; "" for a node-level constraint (reported with the focus node as value)
    query: str
    has_value: bool
    # For a constraint tested in Python as pyshacl tests it (datatypes' lexical forms, regexes,
    # comparisons): the query answers the focus nodes, the value nodes are read from the rdflib
    # graph along ``walk`` (pyoxigraph canonicalises some literals, e.g. xsd:nonNegativeInteger to
    # xsd:integer) and ``violates`` says which ones violate.
    violates: Callable[[Node], bool] | None = None
    walk: URIRef | Path | None = None
    details: tuple[Detail, ...] = ()  # for sh:node: checked on each value node reported
    targets: Targets | None = None  # the shape's, which replace FOCUS in the query when it runs


def _targets(shapes: Graph, shape: URIRef) -> Targets | None:
    """The shape's targets; None if one is not of ours."""
    if any(shapes.value(shape, p) is not None for p in (SH.targetNode, SH.target)) \
            or (shape, RDF.type, RDFS.Class) in shapes:
        return None
    found = Targets(*(tuple(o for o in shapes.objects(shape, p) if isinstance(o, URIRef))
                      for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)))
    if len(found.classes + found.subjects_of + found.objects_of) != sum(
            1 for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf) for _ in shapes.objects(shape, p)):
        return None  # a target that is not an IRI
    return found if found.classes or found.subjects_of or found.objects_of else None


def _one_message(shapes: Graph, node: Node) -> str | None:
    messages = list(shapes.objects(node, SH.message))
    if len(messages) != 1 or not isinstance(messages[0], Literal) or "{" in str(messages[0]):
        return None  # several, or a template pyshacl fills per result
    return str(messages[0])


def _count_query(targets: str, path: str, component: URIRef, rule: Node, shapes: Graph,
                 qualified: Node | None) -> str | None:
    """Focus nodes with too few or too many values (only those conforming to ``qualified``, for the qualified counts)."""
    if not isinstance(rule, Literal) or not isinstance(rule.value, int) or rule.value < 0:
        return None
    counted = ""
    if component in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
        test = None if qualified is None else conforms(shapes, qualified, "?value")
        if test is None:
            return None
        counted = f" FILTER ({test})"
    # The usual counts of one without grouping every focus node's values (at ×100 the counts were half the checks' time).
    if component in (SH.minCount, SH.qualifiedMinCount) and rule.value == 1:
        return f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} ?value{counted} }} }}"
    if component == SH.maxCount and rule.value == 1:
        return (f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?other_ . ?this {path} ?value "
                "FILTER (!sameTerm(?other_, ?value)) }")
    if component in (SH.minCount, SH.qualifiedMinCount):
        return (f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?value{counted} }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {rule.value})")
    return (f"SELECT ?this WHERE {{ {targets} ?this {path} ?value{counted} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {rule.value})")


def _path(shapes: Graph, path: Node | None) -> tuple[str, str, URIRef | Path] | None:
    """(SPARQL property path, the path as validate reports it, rdflib's path) for an IRI, ^IRI or (IRI | IRI …)."""
    if isinstance(path, URIRef):
        return f"<{path}>", compact(path), path
    if not isinstance(path, BNode):
        return None
    keys = set(shapes.predicates(path))
    inverse, alternatives = shapes.value(path, SH.inversePath), shapes.value(path, SH.alternativePath)
    if keys == {SH.inversePath} and isinstance(inverse, URIRef):
        return f"^<{inverse}>", "^" + compact(inverse), InvPath(inverse)
    if keys == {SH.alternativePath} and alternatives is not None:
        members = [m for m in shapes.items(alternatives) if isinstance(m, URIRef)]
        if members and len(members) == len(list(shapes.items(alternatives))):
            return ("(" + "|".join(f"<{m}>" for m in members) + ")", "(" + " | ".join(compact(m) for m in members) + ")",
                    AlternativePath(*members))
    return None


def _datatype_ok(value: Node, datatype: Node) -> bool:
    """pyshacl's sh:datatype test (value_constraints.DatatypeConstraintComponent), lexical form included."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        return getattr(value, "ill_typed", None) is not True and _actual_datatype(value.value, datatype)
    return datatype == RDFS.Literal or (datatype == RDFS.Datatype and value.datatype is not None) \
        or (datatype == XSD.string and value.datatype is None and value.language is None) \
        or (datatype == RDF.langString and bool(value.language))


def _actual_datatype(value: object, datatype: Node) -> bool:
    kinds: dict[Node, type | tuple[type, ...]] = {
        XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
        XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
    kind = kinds.get(datatype)
    return kind is None or isinstance(value, kind)


def _python_test(shapes: Graph, component: URIRef, rule: Node) -> Callable[[Node], bool] | None:
    """A test true when a value VIOLATES the component, for those SPARQL cannot test exactly."""
    if component == SH.datatype and isinstance(rule, URIRef):
        return lambda value: not _datatype_ok(value, rule)
    if component == SH["or"]:  # ( [ sh:datatype A ] [ sh:datatype B ] … ), as for dates
        members = list(shapes.items(rule))
        datatypes = [shapes.value(m, SH.datatype) for m in members]
        if not members or any(set(shapes.predicates(m)) != {SH.datatype} for m in members):
            return None
        return lambda value: not any(_datatype_ok(value, d) for d in datatypes if d is not None)
    if component == SH.pattern and isinstance(rule, Literal):  # sh:flags is not handled: left to pyshacl
        matcher = re.compile(str(rule))
        return lambda value: isinstance(value, BNode) or not matcher.search(str(value))
    if component == SH["in"]:  # literals, compared as rdflib compares them (pyshacl: "v not in in_vals")
        allowed = set(shapes.items(rule))
        return (lambda value: value not in allowed) if allowed else None
    if component == SH.minInclusive and isinstance(rule, Literal):
        return lambda value: not _at_least(value, rule)
    return None


def _at_least(value: Node, minimum: Literal) -> bool:
    """pyshacl's sh:minInclusive test (value_range_constraints, with its rdfutil.compare.compare_literal)."""
    if not isinstance(value, Literal) or isinstance(value.value, str) != isinstance(minimum.value, str):
        return False
    try:
        return bool(_compare_literal(value, minimum) >= 0)
    except (TypeError, NotImplementedError):
        return False


def _compare_literal(l1: Literal, l2: Literal) -> int:
    """pyshacl.rdfutil.compare.compare_literal, copied: importing it imports all of pyshacl (~0.3 s)."""
    if l1.eq(l2):
        return 0
    if l1.value.__class__ in (datetime, time):
        if l1.value == l2.value:
            return 0
        if l1.value > l2.value:
            return 1
    elif l1 > l2:
        return 1
    return -1


def _property_checks(shapes: Graph, shape: URIRef, prop: Node, targets: str) -> list[CoreCheck] | None:
    """The queries of one property shape, or None to leave the whole property shape to pyshacl."""
    path, message = _path(shapes, shapes.value(prop, SH.path)), _one_message(shapes, prop)
    if path is None or message is None:
        return None
    sparql_path, path_text, walk = path
    checks = []
    for predicate, rule in shapes.predicate_objects(prop):
        if predicate in (SH.path, SH.message) or predicate in _ANNOTATIONS:
            continue
        if predicate not in _COMPONENTS or not isinstance(predicate, URIRef):
            return None
        if predicate == SH.qualifiedValueShape:
            continue  # read with its counts
        if predicate in (SH.minCount, SH.maxCount, SH.qualifiedMinCount, SH.qualifiedMaxCount):
            qualified = shapes.value(prop, SH.qualifiedValueShape)
            query = _count_query(targets, sparql_path, predicate, rule, shapes, qualified)
            if query is None:
                return None
            checks.append(CoreCheck(shape, message, path_text, query, has_value=False))
            continue
        values = f"SELECT DISTINCT ?this ?value WHERE {{ {targets} ?this {sparql_path} ?value"
        test = violates(shapes, predicate, rule, "?value")
        details = _node_details(shapes, rule) if predicate == SH.node else ()
        if test is not None and details is not None:
            checks.append(CoreCheck(shape, message, path_text, f"{values} FILTER ({test}) }}", has_value=True,
                                    details=details))
            continue
        if predicate == SH.node:
            return None
        python_test = _python_test(shapes, predicate, rule)
        if python_test is None:
            return None
        checks.append(CoreCheck(shape, message, path_text, f"SELECT ?this WHERE {{ {targets} }}", has_value=True,
                                violates=python_test, walk=walk))
    return checks


def _node_details(shapes: Graph, node: Node) -> tuple[Detail, ...] | None:
    """What pyshacl reports under an sh:node result, for a node shape of property shapes with sh:minCount 1 or
    sh:hasValue of an IRI; None for any other shape (pyshacl keeps it)."""
    details = []
    for predicate, prop in shapes.predicate_objects(node):
        if predicate in _ANNOTATIONS or (predicate, prop) == (RDF.type, SH.NodeShape):
            continue
        path = shapes.value(prop, SH.path)
        if predicate != SH.property or not isinstance(path, URIRef):
            return None
        message = _one_message(shapes, prop) if shapes.value(prop, SH.message) is not None else None
        if message is None and shapes.value(prop, SH.message) is not None:
            return None  # several, or a template
        for component, rule in shapes.predicate_objects(prop):
            if component in (SH.path, SH.message) or component in _ANNOTATIONS:
                continue
            if not isinstance(component, URIRef) or not (
                    (component == SH.minCount and isinstance(rule, Literal) and rule.value == 1)
                    or (component == SH.hasValue and isinstance(rule, URIRef))):
                return None
            details.append(Detail(path, component, rule, message))
    return tuple(details)


def _node_checks(shapes: Graph, shape: URIRef, targets: str) -> list[tuple[CoreCheck, tuple[Node, Node, Node]]]:
    """The node shape's own sh:or, sh:and, sh:xone, sh:not and sh:node, with the rule each replaces.

    pyshacl reports them at the focus node with the node shape's message (so one is needed).
    """
    message = _one_message(shapes, shape)
    if message is None:
        return []
    return [(CoreCheck(shape, message, "", f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER ({test}) }}",
                       has_value=False), (shape, component, rule))
            for component, rule, test in node_components(shapes, shape)]


def _node_shapes(shapes: Graph) -> Iterator[URIRef]:
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if isinstance(shape, URIRef) and not any(shapes.value(shape, p) is not None
                                                 for p in (SH.deactivated, SH.severity, SH.path)):
            yield shape


def split(shapes: Graph) -> tuple[Graph, list[CoreCheck]]:
    """The shapes without what is checked here, and the checks."""
    checks: list[CoreCheck] = []
    removed: set[tuple[object, object, object]] = set()
    for shape in _node_shapes(shapes):
        targets, focus = _targets(shapes, shape), FOCUS
        if targets is None:
            continue
        for prop in shapes.objects(shape, SH.property):
            if any(shapes.value(prop, p) is not None for p in (SH.deactivated, SH.severity)):
                continue
            found = _property_checks(shapes, shape, prop, focus)
            if found is not None:
                checks += [replace(check, targets=targets) for check in found]
                removed.add((shape, SH.property, prop))
        for check, triple in _node_checks(shapes, shape, focus):
            checks.append(replace(check, targets=targets))
            removed.add(triple)
    rest = Graph()
    for triple in shapes:
        if triple not in removed:
            rest.add(triple)
    return rest, checks


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def violations(store: ox.Store, checks: list[CoreCheck], data: Graph) -> list[tuple[CoreCheck, Node, Node | None]]:
    """(check, focus node, value node or None) for every result, in rdflib terms."""
    found: list[tuple[CoreCheck, Node, Node | None]] = []
    subclasses, patterns = Subclasses(store), dict[Targets, str]()
    focus_nodes: dict[str, set[Node]] = {}  # by query: the Python-tested checks of a shape share theirs
    for check in checks:
        assert check.targets is not None, check
        if check.targets not in patterns:
            patterns[check.targets] = check.targets.pattern(subclasses)
        query = subclasses.resolve(check.query.replace(FOCUS, patterns[check.targets]))
        if check.violates is None:
            found += [(check, _rdflib(row["this"]), _rdflib(row["value"]) if check.has_value else None)
                      for row in query_union(store, query)]
            continue
        if query not in focus_nodes:
            focus_nodes[query] = {_rdflib(row["this"]) for row in query_union(store, query)}
        found += _python_violations(check, focus_nodes[query], data)
    return found


def _python_violations(check: CoreCheck, focus: set[Node], data: Graph) -> list[tuple[CoreCheck, Node, Node | None]]:
    """The values along the check's walk from its focus nodes that violate it, read from the values' side
    (there are far fewer of them than focus nodes)."""
    return [(check, node, value) for node, value in set(_walked(data, check.walk))
            if node in focus and check.violates is not None and check.violates(value)]


def _walked(data: Graph, walk: URIRef | Path | None) -> Iterator[tuple[Node, Node]]:
    """(node, value) for every value reached from a node along ``walk``: an IRI, ^IRI or (IRI | IRI …)."""
    if isinstance(walk, URIRef):
        yield from data.subject_objects(walk)
    elif isinstance(walk, InvPath):
        yield from ((node, value) for value, node in data.subject_objects(walk.arg))
    elif isinstance(walk, AlternativePath):
        for member in walk.args:
            yield from _walked(data, member)
    else:
        raise TypeError(f"not a path shacl_core compiles: {walk!r}")
