"""What a build folder holds, by name: shared by `build` (which writes it) and everyone who reads it.

Kept apart from build.py so that reading a build (`serve`, its query workers) does not
import what writing one needs (rdflib's parsers, pyshacl).
"""

from __future__ import annotations

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
