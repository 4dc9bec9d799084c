"""/static/: the site's own styles and scripts and vendored YASQE, with versioned URLs and gzip.

Every ``url_for("static", filename=...)`` (templates, redirects) gets ``?v=<hash of the
file's bytes>`` added, so a page names the exact bytes it was written against. A request
carrying the current hash is answered ``Cache-Control: public, max-age=31536000, immutable``
(a changed file has a new URL, so a browser never has to ask again); one without it (or
with a stale hash) revalidates (``no-cache`` and the ETag) as before. Each file is read,
hashed and gzipped once per process, on first use, and then answered from memory.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join
from werkzeug.wrappers import Response as BaseResponse

from cscip_kg.server.compression import GZIP, MIN_SIZE, STATIC_LEVEL, compress, compressible, gzip_etag, wants_gzip

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
FOLDER = Path(__file__).parent / "static"
ASSETS = "cscip_kg.static"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None  # None when not worth it (small, or already packed)
    version: str  # the hash in the URL and the ETag
    media_type: str


class Assets:
    """The static folder's files as read once by this process, by name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._assets: dict[str, Asset] = {}
        self._lock = threading.Lock()

    def get(self, filename: str) -> Asset:
        asset = self._assets.get(filename)
        if asset is None:
            with self._lock:
                asset = self._assets.get(filename) or self._load(filename)
                self._assets[filename] = asset
        return asset

    def _load(self, filename: str) -> Asset:
        joined = safe_join(str(self.folder), filename)
        if joined is None or not Path(joined).is_file():
            raise NotFound(f"no static file named {filename!r}")
        body = Path(joined).read_bytes()
        media = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if media.startswith("text/") or media in ("application/javascript", "image/svg+xml"):
            media += "; charset=utf-8"
        packed = compress(body, STATIC_LEVEL) if len(body) >= MIN_SIZE and compressible(media) else None
        return Asset(body, packed, hashlib.blake2b(body, digest_size=8).hexdigest(), media)


def register(app: Flask) -> None:
    """Serve /static/ from memory (Flask's own static view is turned off by ``static_folder=None``)."""
    app.extensions[ASSETS] = Assets(FOLDER)
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=serve)
    app.url_defaults(_versioned)


def _versioned(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "v" not in values and "filename" in values:
        values["v"] = _assets().get(values["filename"]).version


def _assets() -> Assets:
    assets: Assets = current_app.extensions[ASSETS]
    return assets


def serve(filename: str) -> BaseResponse:
    asset = _assets().get(filename)
    packed = asset.gzipped is not None and wants_gzip(request.environ)
    body = asset.gzipped if packed and asset.gzipped is not None else asset.body
    response = Response(body, content_type=asset.media_type)
    response.set_etag(gzip_etag(asset.version) if packed else asset.version)
    response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == asset.version else REVALIDATE
    if asset.gzipped is not None:
        response.vary.add("Accept-Encoding")
    if packed:
        response.content_encoding = GZIP
    # Ranges are answered from the identity bytes only (a Range request never gets gzip, above).
    return response.make_conditional(request, accept_ranges=not packed, complete_length=len(body))
