"""What a compiled check needs from the data before it runs: its shape's focus nodes and the subclasses of classes.

``a/rdfs:subClassOf* C`` in a query is a property path evaluated again for every row; at ×100 finding a
shape's focus nodes that way was half the checks' time, found again by each check of the shape, and sh:class
tests paid it per value. The subclasses of each class are read once a run instead (in the union of the
graphs, C itself included, as the path's zero-length step does), and queries look nodes up by rdf:type.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from cscip_kg.parsed import query_union
from cscip_kg.shacl_logic import SUBCLASS

# Where a compiled query binds ?this to the shape's focus nodes, filled in when it runs (Targets.pattern).
FOCUS = "{focus}"
# A class test as shacl_logic writes it: a variable, the path, a class IRI.
_CLASS_TEST = re.compile(r"(\?\w+) " + re.escape(SUBCLASS) + r" <([^<>\s]+)>")
_NAMES = itertools.count()


class Subclasses:
    """The subclasses of classes in the store's union, each read once."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._found: dict[str, set[ox.NamedNode | ox.BlankNode]] = {}

    def of(self, iri: str) -> set[ox.NamedNode | ox.BlankNode]:
        if iri not in self._found:
            query = f"SELECT DISTINCT ?class WHERE {{ ?class <{RDFS.subClassOf}>* <{iri}> }}"
            self._found[iri] = {row["class"] for row in query_union(self._store, query)}
        return self._found[iri]

    def typed(self, node: str, classes: list[str]) -> str | None:
        """A pattern binding ``node`` to each instance of the classes by its rdf:type (as often as it has one of them);
        None if a subclass is a blank node, which VALUES cannot hold."""
        members = set().union(*(self.of(c) for c in classes)) if classes else set()
        if not all(isinstance(m, ox.NamedNode) for m in members):
            return None
        name = f"?class{next(_NAMES)}_"
        return f"VALUES {name} {{ {' '.join(sorted(str(m) for m in members))} }} {node} <{RDF.type}> {name}"

    def resolve(self, query: str) -> str:
        """The query with each class test looking instances up by rdf:type (in a group of its own, as shacl_logic writes it)."""
        return _CLASS_TEST.sub(lambda match: self.typed(match.group(1), [match.group(2)]) or match.group(0), query)


@dataclass(frozen=True)
class Targets:
    """A shape's targets: the instances of classes, and the subjects or objects of properties."""

    classes: tuple[URIRef, ...]
    subjects_of: tuple[URIRef, ...]
    objects_of: tuple[URIRef, ...]

    def pattern(self, subclasses: Subclasses) -> str:
        """A group pattern binding ?this to each focus node (a node with two of the classes twice: every query is
        DISTINCT or grouped by ?this)."""
        parts = []
        if self.classes:
            typed = subclasses.typed("?this", [str(c) for c in self.classes])
            parts += [f"{{ {typed} }}"] if typed else [f"{{ ?this {SUBCLASS} <{c}> }}" for c in self.classes]
        parts += [f"{{ ?this <{p}> ?target_ }}" for p in self.subjects_of]
        parts += [f"{{ ?target_ <{p}> ?this }}" for p in self.objects_of]
        return "{ " + " UNION ".join(parts) + " }"
