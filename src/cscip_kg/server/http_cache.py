"""HTTP caching: validators on every GET answer, 304s, and answers kept once per graph version.

A build never changes while it is served, so an answer to a GET depends only on the
build's content version, the path with its query string and the Accept header (every
answer varies on Accept). That makes three things cheap and safe:

* a strong ETag derived from (version, request) — computed before any work, so a client
  holding it gets a 304 without the query being run, and a new build gives new ETags;
* Last-Modified (when the build was written), Cache-Control, and 304 on If-None-Match or
  If-Modified-Since;
* a bounded LRU of whole answers (status 200, small enough), replayed without entering
  Flask at all: crawlers and repeated named queries cost a dictionary look-up.

It wraps the WSGI application, so it sees the final headers (CORS, security) and stores
them with the body. POSTs, errors and downloads (sent as files, with their own ETag) pass
through untouched.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

CACHE_CONTROL = "public, max-age=300, must-revalidate"
MAX_ENTRY = 4 * 1024 * 1024  # bytes: larger answers (whole graphs) are not worth the room
PASS_THROUGH = ("/download/",)  # served from files, with validators of their own

StartResponse = Callable[..., Any]
Entry = tuple[str, list[tuple[str, str]], bytes]  # status line, headers, body


class ResponseCache:
    """WSGI middleware: conditional requests and an LRU of answers of at most ``capacity`` bytes."""

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
        etag = self.etag(key)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        # Our ETags are only ever sent with a 200, and the build is immutable, so a match means "still 200, unchanged";
        # a date or "*" is trusted only for an answer known to be a 200 (one in the cache).
        if self._not_modified(environ, etag, known=entry is not None):
            start_response("304 Not Modified", [*self._validators(etag), ("Vary", "Accept")])
            return [b""]
        if entry is not None:
            status, headers, body = entry
            start_response(status, headers)
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
        return self._fill(environ, start_response, key, etag)

    def _fill(self, environ: dict[str, Any], start_response: StartResponse, key: str, etag: str) -> Iterable[bytes]:
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
            if status.startswith("200") and not any(name.lower() == "etag" for name, _v in headers):
                headers = [(n, v) for n, v in headers if n.lower() not in ("cache-control", "last-modified")]
                headers += self._validators(etag)
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured
        if status.startswith("200") and environ["REQUEST_METHOD"] == "GET" and ("ETag", etag) in headers:
            self._put(key, (status, headers, body))
        return [body]

    def _validators(self, etag: str) -> list[tuple[str, str]]:
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
        size = len(entry[2]) + len(key) + sum(len(n) + len(v) for n, v in entry[1]) + 200
        if size > min(MAX_ENTRY, self.capacity):
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self._size += size
            while self._size > self.capacity:
                old_key, old = self._entries.popitem(last=False)
                self._size -= len(old[2]) + len(old_key) + sum(len(n) + len(v) for n, v in old[1]) + 200
