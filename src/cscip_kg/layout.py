"""What a build folder holds, by name: shared by `build` (which writes it) and everyone who reads it.

Kept apart from build.py so that reading a build (`serve`, its query workers) does not
import what writing one needs (rdflib's parsers, pyshacl).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# file name, rdflib format, media type
DUMPS: tuple[tuple[str, str, str], ...] = (
    ("cscip-kg.ttl", "turtle", "text/turtle"),
    ("cscip-kg.nt", "nt", "application/n-triples"),
    ("cscip-kg.jsonld", "json-ld", "application/ld+json"),
    ("cscip-kg.rdf", "xml", "application/rdf+xml"),
    ("cscip-kg.trig", "trig", "application/trig"),
)
VOID_FILE = "void.ttl"
GZIP_SUFFIX = ".gz"  # each dump is written gzipped beside itself too, for /download/ to send when accepted
TRIG_FILE = "cscip-kg.trig"
MANIFEST_FILE = "manifest.json"
QUERIES_FOLDER = "queries"
STORE_FOLDER = "store"  # pyoxigraph's RocksDB store: `serve` and `publish` open it read-only


# SQLite keeps up to 2 MiB of pages per connection by default: a copy of what the OS page cache holds for these
# read-only files anyway. At ×100 a server's three connections held 3.6 MiB; at 256 KiB each, 1.2 MiB, and the
# search, map and source lookups of 17 pages took the same CPU.
READ_CACHE_KIB = 256


def open_read_only(path: Path, immutable: bool = True) -> sqlite3.Connection:
    """A connection to a build's SQLite file for a server's threads to share (each reader holds a lock around it)."""
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    db = sqlite3.connect(f"file:{path}?{flags}", uri=True, check_same_thread=False)
    db.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
    return db


def sqlite_format(path: Path) -> int | None:
    """The layout number a derived SQLite file keeps in its user_version (0 if none); None when there is no file."""
    if not path.is_file():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()
