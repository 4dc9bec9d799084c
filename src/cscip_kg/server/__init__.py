"""The web application: a SPARQL 1.1 endpoint, dereferenceable IRIs, downloads and pages.

``create_app`` follows the Flask tutorial's factory: settings from defaults,
then the environment, then the mapping given (CLI flags, a test's config).
Nothing happens at import time; the build is opened once, in the factory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from cscip_kg.server import downloads, linked_data, pages, sparql
from cscip_kg.server.backends import connect_for, store_unavailable
from cscip_kg.server.context import EXTENSION, plain_error
from cscip_kg.server.state import NoBuild, open_build
from cscip_kg.settings import build_folder, resolve
from cscip_kg.store import StoreUnavailable

__all__ = ["NoBuild", "create_app"]

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, Vary, Content-Type, Content-Length, ETag",
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
    app.extensions[EXTENSION] = open_build(build_folder(settings), connect_for(settings))
    for blueprint in (pages.bp, sparql.bp, linked_data.bp, downloads.bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreUnavailable, store_unavailable)
    app.after_request(_cors)
    return app


def _http_error(error: HTTPException) -> Response:
    response = plain_error(error.code or 500, f"{error.code} {error.name}: {error.description}")
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _cors(response: Response) -> Response:
    # Any origin may read: the graph is public and nothing here relies on cookies.
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    return response
