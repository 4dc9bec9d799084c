"""Sources as links to the pages they are: every "Stated by" leads to the original document.

The graph describes every source document (``cscip:SourceDocument``: label,
``cscip:originalURL``); the pages that secondary-facts.md cites are each a
source document of their own, and a fact from that file names its page with
``dcterms:source``. This module reads that catalogue once per build and turns a
source IRI, or an original URL as a named query returns it, into a link to the
page itself (or to the source's own page here when it has no address).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cscip_kg.engine import Prepared
from cscip_kg.opened import Build
from cscip_kg.server.cache import per_build
from cscip_kg.server.rendering.humanize import host
from cscip_kg.server.rendering.links import Link, href

_SOURCES = """SELECT ?source ?label ?url ?file WHERE {
  ?source a <https://w3id.org/cscip-kg/def/SourceDocument> .
  OPTIONAL { ?source <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  OPTIONAL { ?source <https://w3id.org/cscip-kg/def/originalURL> ?url }
  OPTIONAL { ?source <https://w3id.org/cscip-kg/def/localFile> ?file }
}"""


@dataclass(frozen=True)
class Source:
    iri: str
    label: str
    url: str | None
    file: str | None


@dataclass(frozen=True)
class Catalogue:
    by_iri: dict[str, Source]
    by_url: dict[str, Source]
    by_file: dict[str, Source]


def catalogue() -> Catalogue:
    return per_build("source-catalogue", _catalogue)


def _catalogue(build: Build) -> Catalogue:
    result = build.engine.query(Prepared(_SOURCES))
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, Source] = {}
    for row in result:
        iri = row["source"].value
        label, url, file = (row[k].value if row[k] is not None else None for k in ("label", "url", "file"))
        if iri not in found or (label and not found[iri].label):
            found[iri] = Source(iri, label or "", url, file)
    return Catalogue(found, {s.url: s for s in found.values() if s.url}, {s.file: s for s in found.values() if s.file})


def source_link(build: Build, key: str) -> Link:
    """A source IRI, original URL or local file name as a link to the page it names."""
    sources = catalogue()
    source = sources.by_iri.get(key) or sources.by_url.get(key) or sources.by_file.get(key)
    if source is None:
        if key.startswith(("http://", "https://")):
            local = href(build, key)
            return Link(host(key) if local == key else key.rsplit("/", 1)[-1], local, key)
        return Link(key)
    text = source.label or (host(source.url) if source.url else source.iri.rsplit("/", 1)[-1])
    if source.url:
        return Link(text, source.url, f"Original page: {source.url}")
    return Link(text, href(build, source.iri), "This source's description here (it gives no web address)")


def source_links(build: Build, keys: list[str]) -> list[Link]:
    """Links for several sources, each page once, in the order given."""
    seen: dict[str, Link] = {}
    for key in keys:
        link = source_link(build, key)
        seen.setdefault(link.href or link.text, link)
    return list(seen.values())
