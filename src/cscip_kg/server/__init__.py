"""The web application: a SPARQL 1.1 endpoint, dereferenceable IRIs, downloads and pages.

``create_app`` follows the Flask tutorial's factory: settings from defaults,
then the environment, then the mapping given (CLI flags, a test's config).
Nothing happens at import time; the build is opened once, in the factory.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from cscip_kg.bounded import QueryPool
from cscip_kg.build import MANIFEST_FILE, TRIG_FILE
from cscip_kg.server import api, downloads, editor, lineage, linked_data, pages, profiles, query_pages, search, sparql, spread_pages
from cscip_kg.server.backends import connect_for, store_unavailable
from cscip_kg.server.context import EXTENSION, POOL, plain_error
from cscip_kg.server.http_cache import ResponseCache
from cscip_kg.server.state import NoBuild, open_build
from cscip_kg.settings import build_folder, resolve
from cscip_kg.store import StoreUnavailable

__all__ = ["NoBuild", "create_app"]

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, Vary, Content-Type, Content-Length, ETag",
}
# Pages load only this server's own scripts, styles and images; nothing may frame them.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app over the build folder the settings name; raises NoBuild if there is none."""
    settings = resolve(config)
    app = Flask(__name__)
    app.config["CSCIP_KG"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings["max_body"]
    build = open_build(build_folder(settings), connect_for(settings))
    app.extensions[EXTENSION] = build
    if settings["store"] == "embedded":
        # A remote store bounds its own queries (store_timeout); here they run in worker processes that can be stopped.
        app.extensions[POOL] = QueryPool(build.folder / TRIG_FILE, build.prefixes, settings["workers"], settings["query_timeout"])
    for blueprint in (pages.bp, sparql.bp, linked_data.bp, downloads.bp):
        app.register_blueprint(blueprint)
    for blueprint in (api.bp, query_pages.bp, search.bp, lineage.bp, profiles.bp, editor.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(spread_pages.bp)  # template globals for the map and timeline partials
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreUnavailable, store_unavailable)
    app.before_request(_check_query_string)
    app.after_request(_headers)
    # Answers depend only on the build's version and the request: validators, 304s and an LRU, once per version.
    built = datetime.fromtimestamp((build.folder / MANIFEST_FILE).stat().st_mtime, UTC)
    app.wsgi_app = ResponseCache(app.wsgi_app, build.version, built, settings["cache_mb"] * 2**20)  # type: ignore[method-assign]
    return app


def _check_query_string() -> Response | None:
    # Werkzeug decodes request.args as strict UTF-8 on first use; fail early, as a 400, instead.
    try:
        request.query_string.decode("utf-8")
    except UnicodeDecodeError as error:
        return plain_error(400, f"the query string is not UTF-8 (byte {error.start}); percent-encode UTF-8 text")
    return None


def _http_error(error: HTTPException) -> Response:
    response = plain_error(error.code or 500, f"{error.code} {error.name}: {error.description}")
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _headers(response: Response) -> Response:
    # Any origin may read: the graph is public and nothing here relies on cookies.
    response.headers.update(CORS_HEADERS)
    response.headers.update(SECURITY_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    return response
