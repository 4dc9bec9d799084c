"""Sources as links to the pages they are: every "Stated by" leads to the original document.

The graph describes every source document (``cscip:SourceDocument``: label,
``cscip:originalURL``); the pages that secondary-facts.md cites are each a
source document of their own, and a fact from that file names its page with
``dcterms:source``. The build derives that catalogue (source_catalogue.py); this
module looks up a source IRI, or an original URL as a named query returns it, one
key at a time, and turns it into a link to the page itself (or to the source's
own page here when it has no address).
"""

from __future__ import annotations

from cscip_kg.derived import DERIVED_FOLDER
from cscip_kg.opened import Build
from cscip_kg.server.cache import per_build
from cscip_kg.server.rendering.humanize import host
from cscip_kg.server.rendering.links import Link, href
from cscip_kg.source_catalogue import Catalogue, open_catalogue


def catalogue() -> Catalogue:
    return per_build("source-catalogue", lambda build: open_catalogue(build.folder / DERIVED_FOLDER))


def source_link(build: Build, key: str) -> Link:
    """A source IRI, original URL or local file name as a link to the page it names."""
    source = catalogue().find(key)
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


def site_name(link: Link) -> str:
    """A source link's site ("gov.uk") where it opens a web page, else its text: short enough to repeat in a row."""
    return host(link.href) if link.href and link.href.startswith(("http://", "https://")) else link.text
