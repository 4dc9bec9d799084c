"""gzip content coding: whether a request accepts it, whether an answer is worth it, and the bytes.

Shared by the answers cache (http_cache.py, pages and query answers), the static files
(static_files.py) and the downloads (routes/downloads.py, which send the build's .gz copies).
Only gzip is offered: every client that compresses speaks it, and the standard library
writes it. The bytes are written with a fixed mtime, so the same answer always compresses
to the same bytes (one ETag, however often it is recompressed).
"""

from __future__ import annotations

import functools
import gzip
from typing import Any

GZIP = "gzip"
# Below this an answer fits in a packet or two either way; compressing it costs more than it saves.
MIN_SIZE = 1024
PAGE_LEVEL = 6  # once per answer kept; 9 cost 1.4x the CPU for 4% fewer bytes on a 350 KB page (1: 2.6x less CPU, 26% more bytes)
STATIC_LEVEL = 9  # compressed once per process
TEXTUAL = {"application/json", "application/javascript", "application/xml", "application/n-triples",
           "application/n-quads", "application/trig", "application/x-turtle", "application/sparql-query",
           "application/x-javascript"}  # image/svg+xml is a +xml type


def wants_gzip(environ: dict[str, Any]) -> bool:
    """gzip is accepted, and the request is neither for a range (of which bytes?) nor authenticated."""
    if "HTTP_RANGE" in environ or "HTTP_AUTHORIZATION" in environ:
        return False
    return accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))


@functools.lru_cache(maxsize=64)  # clients send a handful of distinct headers; every request through the cache asks
def accepts_gzip(accept_encoding: str | None) -> bool:
    """RFC 9110 §12.5.3: gzip when its q (its own, or ``*``'s) is above 0 and not below one stated for identity."""
    if not accept_encoding:
        return False
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        if coding:
            qualities[coding] = _quality(params)
    star = qualities.get("*")
    gz = qualities.get(GZIP, qualities.get("x-gzip", star if star is not None else 0.0))
    # identity is always acceptable unless refused, but a client that names it (or ``*``) above gzip prefers it.
    identity = qualities.get("identity", star if star is not None else 0.0)
    return gz > 0 and gz >= identity


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0  # an unreadable weight is not a consent to gzip
    return 1.0


def compressible(media_type: str) -> bool:
    """Text formats: pages, RDF, query results, CSV, scripts, styles, SVG (images and archives are already packed)."""
    media = media_type.split(";")[0].strip().lower()
    return media.startswith("text/") or media.endswith(("+json", "+xml")) or media in TEXTUAL


def compress(body: bytes, level: int = PAGE_LEVEL) -> bytes:
    return gzip.compress(body, compresslevel=level, mtime=0)


def gzip_etag(etag: str) -> str:
    """The gzip representation's strong ETag: the identity one with a suffix inside the quotes."""
    return f'{etag[:-1]}-gzip"' if etag.endswith('"') else f"{etag}-gzip"
