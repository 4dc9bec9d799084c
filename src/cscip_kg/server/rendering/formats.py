"""Media types, ``format=`` names and content negotiation, shared by every route.

Each kind of answer (query results, RDF graphs, pages) offers its canonical
media types first and, after them, the aliases that real clients send
(SPARQLWrapper asks for ``text/n3`` or ``application/json``; old tools for
``text/plain`` N-Triples). A matched alias is answered with the canonical type.
Accept headers are parsed by Werkzeug: q-values, wildcards and specificity.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept

from cscip_kg.results import GRAPH_FORMATS


@dataclass(frozen=True)
class Format:
    key: str  # what results.serialize / the RDF writer is asked for
    media_type: str
    names: tuple[str, ...]  # accepted as ?format= and as file suffix (first is the suffix)
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/")
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


RESULTS = (
    Format("json", "application/sparql-results+json", ("json", "srj"), ("application/json",)),
    Format("xml", "application/sparql-results+xml", ("xml", "srx"), ("application/xml", "text/xml")),
    Format("csv", "text/csv", ("csv",)),
    Format("tsv", "text/tab-separated-values", ("tsv",)),
)
GRAPHS = (
    Format("turtle", "text/turtle", ("ttl", "turtle", "n3"), ("application/x-turtle", "text/n3", "text/rdf+n3", "application/n3")),
    Format("ntriples", "application/n-triples", ("nt", "ntriples", "n-triples"), ("text/plain",)),
    Format("jsonld", "application/ld+json", ("jsonld", "json-ld", "json"), ("application/json",)),
    Format("rdfxml", "application/rdf+xml", ("rdf", "rdfxml", "rdf+xml", "xml"), ("application/xml", "text/xml")),
)
HTML = Format("html", "text/html", ("html",), ("application/xhtml+xml",))


class NotAcceptable(Exception):
    """Nothing the client accepts can express this answer (HTTP 406)."""


class UnknownFormat(ValueError):
    """A ``format=`` value that names no format at all (HTTP 400)."""


def by_name(name: str, offered: tuple[Format, ...]) -> Format | None:
    lowered = name.strip().lower()
    for fmt in offered:
        if lowered in fmt.names or lowered == fmt.media_type or lowered in fmt.aliases:
            return fmt
    return None


ALL_FORMATS = (*RESULTS, *GRAPHS, HTML)


def negotiate(accept: MIMEAccept, offered: tuple[Format, ...], override: str | None = None) -> Format:
    """The format to answer in: ``override`` (a ``format=`` value) first, then the Accept header.

    No Accept header (or an empty one) means the first offer, as ``*/*`` would.
    """
    wanted = ", ".join(f.media_type for f in offered)
    if override:
        fmt = by_name(override, offered)
        if fmt is not None:
            return fmt
        if by_name(override, ALL_FORMATS) is None:
            raise UnknownFormat(f"unknown format {override!r}; this answer can be given as: {wanted}")
        raise NotAcceptable(f"format {override!r} cannot express this answer; it can be given as: {wanted}")
    if not accept:
        return offered[0]
    types = [f.media_type for f in offered] + [a for f in offered for a in f.aliases]
    best = accept.best_match(types)
    if best is None:
        raise NotAcceptable(f"none of the accepted types ({accept.to_header()}) can express this answer; it can be given as: {wanted}")
    return next(f for f in offered if best == f.media_type or best in f.aliases)


def serialize_triples(triples: list[ox.Triple], fmt: Format, prefixes: dict[str, str]) -> bytes:
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt.key], prefixes=prefixes) or b""
