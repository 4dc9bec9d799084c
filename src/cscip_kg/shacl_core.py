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
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.paths import AlternativePath, InvPath, Path
from rdflib.term import Node

from cscip_kg.rdf_namespaces import compact

SH = Namespace("http://www.w3.org/ns/shacl#")
# What a handled property shape may carry besides sh:path and sh:message; anything else goes to pyshacl.
_ANNOTATIONS = {RDFS.comment, RDFS.label, SH.name, SH.description}
_COMPONENTS = {SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["in"], SH.minLength, SH["class"], SH["or"],
               SH.pattern, SH.minInclusive}
# Datatypes whose test is exact in SPARQL: other datatypes also need the lexical form checked as rdflib does.
_DATATYPE_TESTS = {
    RDF.langString: "isLiteral(?value) && LANG(?value) != \"\"",
    XSD.string: f"isLiteral(?value) && DATATYPE(?value) = <{XSD.string}>",
}
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))", SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
_SUBCLASS = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


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


def _targets(shapes: Graph, shape: URIRef) -> str | None:
    """A group pattern binding ?this to each focus node of ``shape``; None if a target is not one of ours."""
    if any(shapes.value(shape, p) is not None for p in (SH.targetNode, SH.target)) \
            or (shape, RDF.type, RDFS.Class) in shapes:
        return None
    parts = [f"{{ ?this {_SUBCLASS} <{c}> }}" for c in shapes.objects(shape, SH.targetClass)]
    parts += [f"{{ ?this <{p}> ?target_ }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ ?target_ <{p}> ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    if not parts:
        return None
    return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }} }}"


def _one_message(shapes: Graph, node: Node) -> str | None:
    messages = list(shapes.objects(node, SH.message))
    if len(messages) != 1 or not isinstance(messages[0], Literal) or "{" in str(messages[0]):
        return None  # several, or a template pyshacl fills per result
    return str(messages[0])


def _value_test(shapes: Graph, component: URIRef, rule: Node) -> str | None:
    """A filter true when ?value VIOLATES the component; None if not expressible exactly."""
    if component == SH.datatype:
        test = _DATATYPE_TESTS.get(rule)  # type: ignore[call-overload]
        return None if test is None else f"!({test})"
    if component == SH.nodeKind:
        test = _NODE_KINDS.get(rule)  # type: ignore[call-overload]
        return None if test is None else f"!{test}"
    if component == SH["class"] and isinstance(rule, URIRef):
        return f"NOT EXISTS {{ ?value {_SUBCLASS} <{rule}> }}"
    if component == SH.minLength and isinstance(rule, Literal) and isinstance(rule.value, int) and rule.value > 0:
        return f"(isBlank(?value) || STRLEN(STR(?value)) < {rule.value})"
    if component == SH["in"] and isinstance(rule, BNode | URIRef):
        members = list(shapes.items(rule))
        if not members or not all(isinstance(m, URIRef) for m in members):
            return None
        return "!(" + " || ".join(f"sameTerm(?value, <{m}>)" for m in members) + ")"
    return None


def _count_query(targets: str, path: str, component: URIRef, rule: Node) -> str | None:
    if not isinstance(rule, Literal) or not isinstance(rule.value, int) or rule.value < 0:
        return None
    if component == SH.minCount:
        return (f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?value }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {rule.value})")
    return (f"SELECT ?this WHERE {{ {targets} ?this {path} ?value }} "
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
    if component == SH.minInclusive and isinstance(rule, Literal):
        return lambda value: not _at_least(value, rule)
    return None


def _at_least(value: Node, minimum: Literal) -> bool:
    """pyshacl's sh:minInclusive test (value_range_constraints)."""
    if not isinstance(value, Literal) or isinstance(value.value, str) != isinstance(minimum.value, str):
        return False
    try:
        return bool(compare_literal(value, minimum) >= 0)
    except (TypeError, NotImplementedError):
        return False


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
        if predicate in (SH.minCount, SH.maxCount):
            query = _count_query(targets, sparql_path, predicate, rule)
            if query is None:
                return None
            checks.append(CoreCheck(shape, message, path_text, query, has_value=False))
            continue
        values = f"SELECT DISTINCT ?this ?value WHERE {{ {targets} ?this {sparql_path} ?value"
        test = _value_test(shapes, predicate, rule)
        if test is not None:
            checks.append(CoreCheck(shape, message, path_text, f"{values} FILTER ({test}) }}", has_value=True))
            continue
        python_test = _python_test(shapes, predicate, rule)
        if python_test is None:
            return None
        checks.append(CoreCheck(shape, message, path_text, f"SELECT ?this WHERE {{ {targets} }}", has_value=True,
                                violates=python_test, walk=walk))
    return checks


def _member_fails(shapes: Graph, member: Node) -> str | None:
    """A filter true when the focus node does NOT conform to an sh:or member we know; else None."""
    negated = shapes.value(member, SH["not"])
    inner = negated if negated is not None else member
    keys = set(shapes.predicates(inner))
    path = shapes.value(inner, SH.path)
    if not isinstance(path, URIRef):
        return None
    if negated is not None and set(shapes.predicates(member)) == {SH["not"]} and keys == {SH.path, SH.hasValue}:
        value = shapes.value(inner, SH.hasValue)
        return f"EXISTS {{ ?this <{path}> <{value}> }}" if isinstance(value, URIRef) else None
    minimum = shapes.value(inner, SH.minCount)
    if negated is None and keys == {SH.path, SH.minCount} and isinstance(minimum, Literal) and minimum.value == 1:
        return f"NOT EXISTS {{ ?this <{path}> ?any_ }}"
    return None


def _or_check(shapes: Graph, shape: URIRef, targets: str) -> CoreCheck | None:
    alternatives = list(shapes.objects(shape, SH["or"]))
    message = _one_message(shapes, shape)
    if len(alternatives) != 1 or message is None:
        return None
    members = list(shapes.items(alternatives[0]))
    fails = [_member_fails(shapes, m) for m in members]
    if not members or any(f is None for f in fails):
        return None
    query = f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER ({' && '.join(fails)}) }}"  # type: ignore[arg-type]
    return CoreCheck(shape, message, "", query, has_value=False)


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
        targets = _targets(shapes, shape)
        if targets is None:
            continue
        for prop in shapes.objects(shape, SH.property):
            if any(shapes.value(prop, p) is not None for p in (SH.deactivated, SH.severity)):
                continue
            found = _property_checks(shapes, shape, prop, targets)
            if found is not None:
                checks += found
                removed.add((shape, SH.property, prop))
        or_check = _or_check(shapes, shape, targets)
        if or_check is not None:
            checks.append(or_check)
            removed.add((shape, SH["or"], shapes.value(shape, SH["or"])))
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


def violations(store: ox.Store, checks: list[CoreCheck], data: Graph) -> Iterator[tuple[CoreCheck, Node, Node | None]]:
    """(check, focus node, value node or None) for every result, in rdflib terms."""
    for check in checks:
        answers = store.query(check.query)
        assert isinstance(answers, ox.QuerySolutions)
        for row in answers:
            focus = _rdflib(row["this"])
            if check.violates is None:
                yield check, focus, _rdflib(row["value"]) if check.has_value else None
                continue
            for value in set(data.objects(focus, check.walk)):
                if check.violates(value):
                    yield check, focus, value
