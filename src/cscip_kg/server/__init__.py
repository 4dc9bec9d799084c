"""The web application: a SPARQL 1.1 endpoint, dereferenceable IRIs, downloads and pages.

``create_app`` follows the Flask tutorial's factory: settings from defaults,
then the environment, then the mapping given (CLI flags, a test's config).
Nothing happens at import time; the build is opened once, in the factory.
"""

from __future__ import annotations

import gc
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from cscip_kg.bounded import QueryPool
from cscip_kg.layout import MANIFEST_FILE, STORE_FOLDER
from cscip_kg.opened import Build, NoBuild, open_build
from cscip_kg.server import static_files
from cscip_kg.server.backends import connect_for, store_unavailable
from cscip_kg.server.context import EXTENSION, POOL, error_response, plain_error
from cscip_kg.server.http_cache import ResponseCache
from cscip_kg.server.routes import (
    api,
    browse,
    downloads,
    editor,
    lineage,
    linked_data,
    pages,
    profiles,
    query_pages,
    search,
    sparql,
    spread_pages,
)
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


def close_app(app: Flask) -> None:
    """Stop the app's query workers (if it has any): what a process that made an app does before it moves on."""
    pool = app.extensions.get(POOL)
    if pool is not None:
        pool.close()
    # cache.per_build froze what the app computed; collectable again, the app goes when the process lets it go.
    gc.unfreeze()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app over the build folder the settings name; raises NoBuild if there is none."""
    settings = resolve(config)
    app = Flask(__name__, static_folder=None)  # static_files serves /static/ (versioned URLs, gzip)
    app.config["CSCIP_KG"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings["max_body"]
    build = open_build(build_folder(settings), connect_for(settings))
    _require_page_queries(build)
    app.extensions[EXTENSION] = build
    if settings.embedded:
        # A remote store bounds its own queries (store_timeout); here they run in worker processes that can be stopped.
        app.extensions[POOL] = QueryPool(build.folder / STORE_FOLDER, build.prefixes, frozenset(build.graph_sizes),
                                         settings["workers"], settings["query_timeout"])
    for blueprint in (pages.bp, sparql.bp, linked_data.bp, downloads.bp):
        app.register_blueprint(blueprint)
    for blueprint in (api.bp, query_pages.bp, search.bp, lineage.bp, profiles.bp, editor.bp, browse.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(spread_pages.bp)  # template globals for the map and timeline partials
    static_files.register(app)
    _compile_templates(app)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreUnavailable, store_unavailable)
    app.before_request(_check_query_string)
    app.after_request(_headers)
    # Answers depend only on the build's version and the request: validators, 304s and an LRU, once per version.
    built = datetime.fromtimestamp((build.folder / MANIFEST_FILE).stat().st_mtime, UTC)
    app.wsgi_app = ResponseCache(app.wsgi_app, build.version, built, settings["cache_mb"] * 2**20)  # type: ignore[method-assign]
    return app


def _compile_templates(app: Flask) -> None:
    # Compiled here, as the build is opened here, rather than by the first request of each page: the home page's
    # four templates were 20 of the 45 ms of its first answer at x100. Jinja keeps them for the app's lifetime.
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)


# The named queries pages run by name. A build without one was made by an older cscip-kg: its pages
# would fail mid-request (a 500), so serving it is refused at start with the fix.
PAGE_QUERIES = ("lineage", "authority-profile", "organisation-profile", "evidence-at-adoption",
                "round1-models-fed-sfpc", "projects-by-theme")


def _require_page_queries(build: Build) -> None:
    missing = [name for name in PAGE_QUERIES if name not in build.catalogue]
    if missing:
        raise NoBuild(f"{build.folder}: the build has no named {'query' if len(missing) == 1 else 'queries'} "
                      f"{', '.join(missing)}, which this cscip-kg's pages run (a build made by an older version?); "
                      f"rebuild it with `cscip-kg build --out {build.folder}`")


def _check_query_string() -> Response | None:
    # Werkzeug leaves a percent-escape that is not UTF-8 undecoded ("%FF" stays "%FF"), so invalid UTF-8
    # would run a different query than the one sent; the protocol's text is UTF-8, so refuse it, naming
    # the byte. Only raw bytes that are not UTF-8, or a field still holding a "%" after decoding, can
    # hide it, so only then is the text read again escape by escape (in Python: a tenth of a /sparql
    # request for a 2 KB query).
    encoded = request.query_string
    problem = utf8_problem(encoded, "the query string") if _may_hide(encoded, lambda: request.args) else None
    if problem is None and request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        body = request.get_data(cache=True)  # cached: the form parser reads it again
        problem = utf8_problem(body, "the form body") if _may_hide(body, lambda: request.form) else None
    return None if problem is None else plain_error(400, problem)


def _may_hide(encoded: bytes, fields: Callable[[], MultiDict[str, str]]) -> bool:
    try:
        encoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return any("%" in name or "%" in value for name, value in fields().items(multi=True))


def utf8_problem(encoded: bytes, where: str) -> str | None:
    """Why a URL-encoded string is not UTF-8, raw or after percent-decoding (None when it is)."""
    try:
        encoded.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"{where} is not UTF-8 (byte {error.start}); percent-encode UTF-8 text"
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part, what in ((name, "a field name"), (value, "the value")):
            decoded = urllib.parse.unquote_to_bytes(part.replace(b"+", b" "))
            try:
                decoded.decode("utf-8")
            except UnicodeDecodeError as error:
                field = urllib.parse.unquote(name.decode("utf-8"), errors="replace")
                return (f"{where}: {what} of '{field}' is not UTF-8 after percent-decoding "
                        f"(byte {error.start} of the decoded text); percent-encode UTF-8 text")
    return None


def _http_error(error: HTTPException) -> Response:
    response = error_response(error.code or 500, f"{error.code} {error.name}: {error.description}")
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
