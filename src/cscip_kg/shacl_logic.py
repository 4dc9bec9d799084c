"""SHACL constraints as SPARQL boolean expressions about one node, for shacl_core.

``violates`` is a filter true when a value node violates one constraint component; ``conforms`` is
an expression true when a node conforms to a whole shape, built from the parts SPARQL tests exactly:
sh:class, sh:in and sh:hasValue of IRIs or plain strings, sh:nodeKind, rdf:langString/xsd:string
datatypes, sh:minLength, sh:minCount 1, sh:pattern in the regex syntax both Python and SPARQL read
alike, and sh:and, sh:or, sh:xone, sh:not, sh:node and sh:property over those. Anything else gives
None and stays where it was (Python tests in shacl_core, or pyshacl).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
SUBCLASS = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
_ANNOTATIONS = {RDFS.comment, RDFS.label, SH.name, SH.description, SH.message}
# Datatypes whose test is exact in SPARQL: other datatypes also need the lexical form checked as rdflib does.
_DATATYPE_TESTS = {
    RDF.langString: "isLiteral({v}) && LANG({v}) != \"\"",
    XSD.string: f"isLiteral({{v}}) && DATATYPE({{v}}) = <{XSD.string}>",
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
# A regex read the same by Python's re (pyshacl) and SPARQL's REGEX: literal characters, classes,
# anchors, groups, alternatives and quantifiers; no escapes but \. and no flags.
_PORTABLE_REGEX = re.compile(r"^([A-Za-z0-9 _:/,@#%&=~'!<>-]|\\\.|[\[\]^$(){}|?*+.])*$")
_FRESH = itertools.count()


def fresh() -> str:
    """A variable name no other part of the query uses."""
    return f"?v{next(_FRESH)}_"


def _term(node: Node) -> str | None:
    """The node in SPARQL, if it is an IRI or a plain string (whose equality SPARQL and rdflib agree on)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal) and node.datatype is None and not node.language:
        return str(ox.Literal(str(node)))
    return None


def _items(shapes: Graph, node: Node) -> list[Node] | None:
    members = list(shapes.items(node)) if isinstance(node, BNode | URIRef) else []
    return members or None


def violates(shapes: Graph, component: URIRef, rule: Node, v: str) -> str | None:
    """A filter true when the value node ``v`` VIOLATES the component; None if not expressible exactly."""
    if component == SH.datatype:
        test = _DATATYPE_TESTS.get(rule)  # type: ignore[call-overload]
        return None if test is None else f"!({test.format(v=v)})"
    if component == SH.nodeKind:
        test = _NODE_KINDS.get(rule)  # type: ignore[call-overload]
        return None if test is None else f"!{test.format(v=v)}"
    if component == SH["class"] and isinstance(rule, URIRef):
        return f"NOT EXISTS {{ {v} {SUBCLASS} <{rule}> }}"
    if component == SH.minLength and isinstance(rule, Literal) and isinstance(rule.value, int) and rule.value > 0:
        return f"(isBlank({v}) || STRLEN(STR({v})) < {rule.value})"
    if component == SH["in"]:
        members = _items(shapes, rule)
        if members is None or not all(isinstance(m, URIRef) for m in members):
            return None  # literals: rdflib's equality is not SPARQL's for typed ones; tested in Python
        return "!(" + " || ".join(f"sameTerm({v}, <{m}>)" for m in members) + ")"
    if component in (SH["or"], SH["and"], SH.xone, SH["not"], SH.node):
        test = _logical(shapes, component, rule, v)
        return None if test is None else f"!({test})"
    return None


def _logical(shapes: Graph, component: URIRef, rule: Node, v: str) -> str | None:
    """True when ``v`` satisfies a logical or shape-based component."""
    if component in (SH["not"], SH.node):
        inner = conforms(shapes, rule, v)
        return None if inner is None else (f"!({inner})" if component == SH["not"] else inner)
    members = _items(shapes, rule)
    parts = [conforms(shapes, m, v) for m in members] if members else None
    if not parts or any(p is None for p in parts):
        return None
    if component == SH.xone:
        return "(" + " + ".join(f"IF({p}, 1, 0)" for p in parts) + ") = 1"
    return "(" + (" || " if component == SH["or"] else " && ").join(parts) + ")"  # type: ignore[arg-type]


def conforms(shapes: Graph, shape: Node, v: str) -> str | None:
    """True when the node ``v`` conforms to ``shape`` (a node shape, or a property shape if it has sh:path)."""
    if not isinstance(shape, BNode | URIRef):
        return None
    if shapes.value(shape, SH.path) is not None:
        return _property_conforms(shapes, shape, v)
    parts = []
    for predicate, rule in shapes.predicate_objects(shape):
        if predicate in _ANNOTATIONS or (predicate, rule) == (RDF.type, SH.NodeShape):
            continue
        if predicate == SH.property:
            test = _property_conforms(shapes, rule, v)
        else:
            failing = violates(shapes, predicate, rule, v) if isinstance(predicate, URIRef) else None
            test = None if failing is None else f"!({failing})"
        if test is None:
            return None
        parts.append(test)
    return "(" + " && ".join(parts) + ")" if parts else None


def _property_conforms(shapes: Graph, prop: Node, v: str) -> str | None:
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef) or not isinstance(prop, BNode | URIRef):
        return None
    parts = []
    for predicate, rule in shapes.predicate_objects(prop):
        if predicate in _ANNOTATIONS or predicate == SH.path:
            continue
        test = _property_part(shapes, predicate, rule, v, f"<{path}>")
        if test is None:
            return None
        parts.append(test)
    return "(" + " && ".join(parts) + ")" if parts else None


def _property_part(shapes: Graph, predicate: Node, rule: Node, v: str, path: str) -> str | None:
    value = fresh()
    if predicate == SH.minCount and isinstance(rule, Literal) and rule.value in (0, 1):
        return "true" if rule.value == 0 else f"EXISTS {{ {v} {path} {value} }}"
    if predicate == SH.hasValue:
        term = _term(rule)
        return None if term is None else f"EXISTS {{ {v} {path} {term} }}"
    if predicate == SH.pattern and isinstance(rule, Literal) and _PORTABLE_REGEX.match(str(rule)):  # sh:flags: None below
        return f"NOT EXISTS {{ {v} {path} {value} FILTER (isBlank({value}) || !REGEX(STR({value}), {ox.Literal(str(rule))})) }}"
    failing = violates(shapes, predicate, rule, value) if isinstance(predicate, URIRef) else None
    return None if failing is None else f"NOT EXISTS {{ {v} {path} {value} FILTER ({failing}) }}"


def node_components(shapes: Graph, shape: URIRef) -> Iterator[tuple[URIRef, Node, str]]:
    """A node shape's logical components with a filter true when ?this VIOLATES each.

    (Not sh:node: pyshacl reports the nested shape's results under it, which shacl_core words for property shapes.)
    """
    for component in (SH["or"], SH["and"], SH.xone, SH["not"]):
        rules = list(shapes.objects(shape, component))
        if len(rules) != 1:
            continue
        test = _logical(shapes, component, rules[0], "?this")
        if test is not None:
            yield component, rules[0], f"!({test})"
