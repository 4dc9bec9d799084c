"""HTTP caching: validators on every GET answer, 304s, gzip, and answers kept once per graph version.

A build never changes while it is served, so an answer to a GET depends only on the
build's content version, the path with its query string and the Accept header (every
answer varies on Accept). That makes four things cheap and safe:

* a strong ETag derived from (version, request) — computed before any work, so a client
  holding it gets a 304 without the query being run, and a new build gives new ETags;
* Last-Modified (when the build was written), Cache-Control, and 304 on If-None-Match or
  If-Modified-Since;
* gzip for a client that accepts it (compression.py): a text answer of 1 KB or more is sent
  with Content-Encoding: gzip, its own ETag (the identity one + "-gzip") and
  Vary: Accept-Encoding; never for a Range request or one carrying Authorization;
* a bounded LRU of whole answers (status 200, small enough), replayed without entering
  Flask at all: crawlers and repeated named queries cost a dictionary look-up. An entry
  keeps its gzip bytes beside the identity ones once a client has asked for them, so an
  answer is compressed once per version, not once per request.

It wraps the WSGI application, so it sees the final headers (CORS, security) and stores
them with the body. HEAD runs as GET, so its headers (length, encoding, ETag) are the
GET's. POSTs and errors pass through untouched, and so do downloads (sent as files, with
their own ETag and Range, gzip only from the build's .gz copy) and static files (their own
view, static_files.py).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from cscip_kg.server.compression import GZIP, MIN_SIZE, compress, compressible, gzip_etag, wants_gzip

CACHE_CONTROL = "public, max-age=300, must-revalidate"
MAX_ENTRY = 4 * 1024 * 1024  # bytes: larger answers (whole graphs) are not worth the room
PASS_THROUGH = ("/download/", "/static/")  # served from files, with validators of their own

StartResponse = Callable[..., Any]
Headers = list[tuple[str, str]]


@dataclass
class Entry:
    status: str
    headers: Headers  # of the identity representation
    body: bytes
    etag: str | None  # ours, when the answer is a 200 it validates
    compressible: bool = False
    gzipped: bytes | None = None  # filled on the first request that accepts gzip

    def size(self, key: str) -> int:
        return len(self.body) + len(self.gzipped or b"") + len(key) + sum(len(n) + len(v) for n, v in self.headers) + 200


class ResponseCache:
    """WSGI middleware: conditional requests, gzip and an LRU of answers of at most ``capacity`` bytes."""

    def __init__(self, app: Callable[..., Iterable[bytes]], version: str, modified: datetime, capacity: int) -> None:
        self.app, self.version, self.capacity = app, version, capacity
        self.modified = modified.astimezone(UTC).replace(microsecond=0)
        self.last_modified = format_datetime(self.modified, usegmt=True)
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def key(self, environ: dict[str, Any]) -> str | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        if path.startswith(PASS_THROUGH):
            return None
        return f"{environ.get('SCRIPT_NAME', '')}{path}?{environ.get('QUERY_STRING', '')}\0{environ.get('HTTP_ACCEPT', '')}"

    def etag(self, key: str) -> str:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
        return f'"{self.version}-{digest}"'

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        etag, gz = self.etag(key), wants_gzip(environ)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        matched = self._early_match(environ, etag, entry, gz)
        if matched is not None:
            return self._not_modified_answer(start_response, matched)
        exc_info = None
        if entry is None:
            entry, exc_info = self._fill(environ, key, etag)
            # Only now is it known whether the answer is ours and compressible, so which tag names it (a cached entry
            # was matched above, before any work).
            tag = gzip_etag(etag) if gz and entry.compressible else etag
            if entry.etag is not None and self._not_modified(environ, tag, known=True):
                return self._not_modified_answer(start_response, tag)
        status, headers, body = self._representation(key, entry, gz)
        start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

    def _early_match(self, environ: dict[str, Any], etag: str, entry: Entry | None, gz: bool) -> str | None:
        """The ETag to answer 304 with before any work is done, or None."""
        if entry is not None:
            tag = gzip_etag(etag) if gz and entry.compressible else etag
            return tag if entry.etag is not None and self._not_modified(environ, tag, known=True) else None
        # A gzip ETag is only ever sent for a compressible answer, so while gzip is accepted it still names the
        # answer; whether the identity one does depends on the answer, so that match waits for the work.
        tag = gzip_etag(etag) if gz else etag
        return tag if self._not_modified(environ, tag, known=False) else None

    def _not_modified_answer(self, start_response: StartResponse, tag: str) -> Iterable[bytes]:
        start_response("304 Not Modified", [*self._validators(tag), ("Vary", "Accept, Accept-Encoding")])
        return [b""]

    def _fill(self, environ: dict[str, Any], key: str, etag: str) -> tuple[Entry, Any]:
        captured: list[Any] = []
        written: list[bytes] = []

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable[[bytes], Any]:
            if status.startswith("200") and not any(name.lower() == "etag" for name, _v in headers):
                headers = [(n, v) for n, v in headers if n.lower() not in ("cache-control", "last-modified")]
                headers += self._validators(etag)
            captured[:] = [status, headers, exc_info]
            return written.append

        # HEAD is answered as GET without the body, so its Content-Length, encoding and ETag are the GET's.
        result = self.app({**environ, "REQUEST_METHOD": "GET"}, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers, exc_info = captured
        body = b"".join(written) + body
        ours = status.startswith("200") and ("ETag", etag) in headers
        entry = Entry(status, headers, body, etag if ours else None, ours and worth_compressing(headers, body))
        if entry.compressible:
            entry.headers = with_vary(headers, "Accept-Encoding")
        if ours:
            self._put(key, entry)
        return entry, exc_info

    def _representation(self, key: str, entry: Entry, gz: bool) -> tuple[str, Headers, bytes]:
        if not (gz and entry.compressible and entry.etag is not None):
            return entry.status, entry.headers, entry.body
        packed = entry.gzipped if entry.gzipped is not None else self._attach(key, entry)
        headers = [(n, v) for n, v in entry.headers if n.lower() not in ("content-length", "etag")]
        headers += [("Content-Encoding", GZIP), ("Content-Length", str(len(packed))), ("ETag", gzip_etag(entry.etag))]
        return entry.status, headers, packed

    def _attach(self, key: str, entry: Entry) -> bytes:
        """Compress the entry's body once; if it is in the cache, keep the bytes there (and count them)."""
        packed = compress(entry.body)
        with self._lock:
            if entry.gzipped is None:
                entry.gzipped = packed
                if self._entries.get(key) is entry:
                    self._size += len(packed)
                    self._evict()
            return entry.gzipped

    def _validators(self, etag: str) -> Headers:
        return [("ETag", etag), ("Last-Modified", self.last_modified), ("Cache-Control", CACHE_CONTROL)]

    def _not_modified(self, environ: dict[str, Any], etag: str, known: bool) -> bool:
        """RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only without it."""
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match is not None:
            tags = [t.strip().removeprefix("W/") for t in match.split(",")]
            return etag in tags or ("*" in tags and known)
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since is None or not known:
            return False
        try:
            return parsedate_to_datetime(since) >= self.modified
        except (TypeError, ValueError):
            return False

    def _put(self, key: str, entry: Entry) -> None:
        size = entry.size(key)
        if size > min(MAX_ENTRY, self.capacity):
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self._size += size
            self._evict()

    def _evict(self) -> None:
        while self._size > self.capacity and self._entries:
            old_key, old = self._entries.popitem(last=False)
            self._size -= old.size(old_key)


def worth_compressing(headers: Headers, body: bytes) -> bool:
    """A text answer of MIN_SIZE or more, not encoded already, setting no cookie, not marked no-transform."""
    named = {n.lower(): v for n, v in headers}
    return (len(body) >= MIN_SIZE and compressible(named.get("content-type", "")) and "content-encoding" not in named
            and "set-cookie" not in named and "no-transform" not in named.get("cache-control", "").lower())


def with_vary(headers: Headers, field: str) -> Headers:
    for index, (name, value) in enumerate(headers):
        if name.lower() == "vary":
            if field.lower() in (part.strip().lower() for part in value.split(",")):
                return headers
            return [*headers[:index], (name, f"{value}, {field}"), *headers[index + 1:]]
    return [*headers, ("Vary", field)]
