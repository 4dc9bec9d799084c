"""Display models for templates: terms turned into text and links, nothing else.

Templates receive only plain strings (Jinja escapes them); links are made here
and only for IRIs answered on this server or for http(s) IRIs elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import request

from cscip_kg.server import formats
from cscip_kg.server.describe import RDF_TYPE, Description, Term
from cscip_kg.server.state import Build
from cscip_kg.validate import compact

XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None = None
    title: str = ""


@dataclass
class Value:
    link: Link
    note: str = ""
    sources: list[Link] = field(default_factory=list)
    nested: list[Row] = field(default_factory=list)


@dataclass
class Row:
    predicate: Link
    values: list[Value]


def href(build: Build, iri: str) -> str | None:
    local = build.local_path(iri)
    if local is not None:
        return request.script_root + local
    return iri if iri.startswith(("http://", "https://")) else None


def short(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return compact(iri)


class EntityView:
    def __init__(self, description: Description, build: Build, path: str) -> None:
        self.d, self.build = description, build
        self.iri = description.iri.value
        self.title = description.label(description.iri) or short(self.iri, build.prefixes)
        self.types = [self.link(t) for t in description.types()]
        self.rows = self._rows(description.iri, skip_types=True)
        self.incoming = [Row(self.link(ox.NamedNode(p)), [self.value(s, g) for s, g in values.items()])
                         for p, values in sorted(description.incoming().items(), key=lambda kv: self._sort_key(kv[0]))]
        prefix = request.script_root + "/" + path
        self.alternates = [Link(fmt.names[0], f"{prefix}.{fmt.names[0]}", fmt.media_type) for fmt in formats.GRAPHS]

    def link(self, term: Term) -> Link:
        if isinstance(term, ox.NamedNode):
            label = self.d.label(term)
            shortened = short(term.value, self.build.prefixes)
            return Link(label or shortened, href(self.build, term.value), term.value)
        if isinstance(term, ox.Literal):
            return Link(term.value)
        return Link("")

    def value(self, term: Term, graphs: list[str]) -> Value:
        note = ""
        if isinstance(term, ox.Literal):
            if term.language:
                note = term.language
            elif term.datatype.value != XSD + "string":
                note = short(term.datatype.value, self.build.prefixes)
        nested = self._rows(term) if isinstance(term, ox.BlankNode) else []
        sources = [self.link(ox.NamedNode(g)) for g in graphs]
        return Value(self.link(term), note, sources, nested)

    def _sort_key(self, predicate: str) -> tuple[int, str]:
        # Labels and types first, then alphabetical by what a reader sees.
        return (0 if predicate in (RDF_TYPE,) else 1, self.link(ox.NamedNode(predicate)).text.lower())

    def _rows(self, subject: Term, skip_types: bool = False) -> list[Row]:
        rows = []
        for predicate, values in sorted(self.d.grouped(subject).items(), key=lambda kv: self._sort_key(kv[0])):
            if skip_types and predicate == RDF_TYPE:
                continue
            rows.append(Row(self.link(ox.NamedNode(predicate)), [self.value(o, g) for o, g in values.items()]))
        return rows
