"""The source documents (label, original URL, local file), derived once by the build and looked up by key.

Every "Stated by" on a page turns a source IRI, an original URL or a local file name into a link to
the page it names (server/rendering/source_links.py). That needs the catalogue of every source
document, which at ×100 is 18,200 of them: read whole, it took half a second of each entity page's
first request. ``cscip-kg build`` writes it to ``derived/sources.sqlite``, keyed by IRI, URL and
file, and a page looks up only the sources it shows. A build made before that file is read whole
from its graph, as before.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from cscip_kg.backend import Backend
from cscip_kg.engine import Prepared
from cscip_kg.layout import open_read_only

SOURCES_DB = "sources.sqlite"  # in the build's derived/ folder
# The file's layout, kept in SQLite's user_version; a file of another layout is read from the graph instead.
SOURCES_FORMAT = 1

_SOURCES = """SELECT ?source ?label ?url ?file WHERE {
  ?source a <https://w3id.org/cscip-kg/def/SourceDocument> .
  OPTIONAL { ?source <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  OPTIONAL { ?source <https://w3id.org/cscip-kg/def/originalURL> ?url }
  OPTIONAL { ?source <https://w3id.org/cscip-kg/def/localFile> ?file }
}"""
_SCHEMA = """
CREATE TABLE source (iri TEXT PRIMARY KEY, label TEXT NOT NULL, url TEXT, file TEXT) WITHOUT ROWID;
CREATE TABLE by_url (url TEXT PRIMARY KEY, iri TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE by_file (file TEXT PRIMARY KEY, iri TEXT NOT NULL) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Source:
    iri: str
    label: str
    url: str | None
    file: str | None


class Catalogue(Protocol):
    def source(self, iri: str) -> Source | None:
        """The source document ``iri``, if it is one."""

    def find(self, key: str) -> Source | None:
        """The source whose IRI, else original URL, else local file name ``key`` is."""


def read(engine: Backend) -> dict[str, Source]:
    """Every source document by IRI (one label each, a labelled row preferred), in the order the graph gives them."""
    result = engine.query(Prepared(_SOURCES))
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, Source] = {}
    for row in result:
        iri = row["source"].value
        label, url, file = (row[k].value if row[k] is not None else None for k in ("label", "url", "file"))
        if iri not in found or (label and not found[iri].label):
            found[iri] = Source(iri, label or "", url, file)
    return found


class Whole:
    """The catalogue read from the graph at once: what ``write`` stores, and the tests' measure of the file."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self.by_iri = sources
        # Several sources may share an address or a file (the bench's copies do): the last one read names it.
        self.by_url = {s.url: s for s in sources.values() if s.url}
        self.by_file = {s.file: s for s in sources.values() if s.file}

    def source(self, iri: str) -> Source | None:
        return self.by_iri.get(iri)

    def find(self, key: str) -> Source | None:
        return self.by_iri.get(key) or self.by_url.get(key) or self.by_file.get(key)


def write(engine: Backend, folder: Path) -> None:
    """The catalogue into ``folder``/sources.sqlite (the build's derived/ folder)."""
    whole = Whole(read(engine))
    db = sqlite3.connect(folder / SOURCES_DB)
    try:
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version = {SOURCES_FORMAT}")
        db.executemany("INSERT INTO source VALUES (?, ?, ?, ?)", ((s.iri, s.label, s.url, s.file) for s in whole.by_iri.values()))
        db.executemany("INSERT INTO by_url VALUES (?, ?)", ((url, s.iri) for url, s in whole.by_url.items()))
        db.executemany("INSERT INTO by_file VALUES (?, ?)", ((file, s.iri) for file, s in whole.by_file.items()))
        db.commit()
    finally:
        db.close()


class SourcesDB:
    """Read-only access to a build's ``sources.sqlite``; safe to share between a server's threads."""

    def __init__(self, path: Path) -> None:
        self._db = open_read_only(path)
        self._lock = threading.Lock()
        # A page asks for the same few sources many times (once per statement they state).
        self.source = lru_cache(maxsize=4096)(self._source)
        self.find = lru_cache(maxsize=4096)(self._find)

    def _one(self, sql: str, key: str) -> Source | None:
        with self._lock:
            row = self._db.execute(sql, (key,)).fetchone()
        return Source(*row) if row else None

    def _source(self, iri: str) -> Source | None:
        return self._one("SELECT iri, label, url, file FROM source WHERE iri = ?", iri)

    def _find(self, key: str) -> Source | None:
        return (self.source(key)
                or self._one("SELECT s.iri, label, s.url, s.file FROM by_url u JOIN source s ON s.iri = u.iri WHERE u.url = ?", key)
                or self._one("SELECT s.iri, label, s.url, s.file FROM by_file f JOIN source s ON s.iri = f.iri WHERE f.file = ?",
                             key))

    def close(self) -> None:
        self._db.close()


def open_catalogue(folder: Path) -> Catalogue:
    """The catalogue the build derived into ``folder`` (its derived/ folder; ``derived.missing`` checked its layout)."""
    return SourcesDB(folder / SOURCES_DB)
