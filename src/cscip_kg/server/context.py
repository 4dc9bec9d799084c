"""Small helpers every blueprint shares: the served build and plain-text errors."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Response, current_app, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import BadRequest, NotAcceptable
from werkzeug.http import parse_accept_header

from cscip_kg.bounded import QueryPool
from cscip_kg.opened import Build
from cscip_kg.server.rendering import formats

EXTENSION = "cscip_kg"
POOL = "cscip_kg_pool"


def current_build() -> Build:
    build: Build = current_app.extensions[EXTENSION]
    return build


def current_pool() -> QueryPool | None:
    """The worker pool of an embedded store; None when a remote store evaluates the queries."""
    pool: QueryPool | None = current_app.extensions.get(POOL)
    return pool


def limit(name: str) -> Any:
    return current_app.config["CSCIP_KG"][name]


def negotiated(offered: tuple[formats.Format, ...]) -> formats.Format:
    """The format this request asks for among ``offered`` (``format=`` first, then Accept), or 400/406."""
    accept = request.headers.get("Accept", "")
    override = request.values.get("format")
    if len(accept) > MAX_REMEMBERED_ACCEPT or len(override or "") > MAX_REMEMBERED_ACCEPT:
        outcome = _outcome(request.accept_mimetypes, override, offered)
    else:
        outcome = _negotiate(accept, override, offered)
    if isinstance(outcome, formats.Format):
        return outcome
    refusal, message = outcome
    raise refusal(message)


# Clients send a handful of distinct Accept headers, and matching one against ~20 media types
# is 0.1-0.2 ms of every request that enters Flask; remember the outcome, a refusal included: /sparql
# asks for a graph format and a results format on every query, and one of the two is always refused.
MAX_REMEMBERED_ACCEPT = 512
Refusal = tuple[type[BadRequest] | type[NotAcceptable], str]


@lru_cache(maxsize=256)
def _negotiate(accept: str, override: str | None, offered: tuple[formats.Format, ...]) -> formats.Format | Refusal:
    return _outcome(parse_accept_header(accept, MIMEAccept), override, offered)


def _outcome(accept: MIMEAccept, override: str | None, offered: tuple[formats.Format, ...]) -> formats.Format | Refusal:
    try:
        return formats.negotiate(accept, offered, override)
    except formats.UnknownFormat as error:
        return BadRequest, str(error)
    except formats.NotAcceptable as error:
        return NotAcceptable, str(error)


def plain_error(status: int, message: str) -> Response:
    """An error a person and a script can both read: one line of text, no stack trace."""
    return Response(message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")


# Paths whose callers are programs: they keep the one-line text error whatever they accept.
MACHINE_PATHS = ("/sparql", "/api/", "/search.json")
MACHINE_SUFFIXES = (".json", ".csv", ".ttl", ".nt", ".rdf", ".jsonld", ".trig", ".svg")
TITLES = {400: "That request could not be understood", 404: "Page not found", 405: "Method not allowed",
          406: "No readable form of this page", 500: "Something went wrong on our side"}


def wants_page() -> bool:
    """A browser asking for a page: it names text/html itself, and the path is not a machine interface."""
    path = request.path
    if path.startswith(MACHINE_PATHS) or path.endswith(MACHINE_SUFFIXES):
        return False
    return any(value in ("text/html", "application/xhtml+xml") and quality > 0 for value, quality in request.accept_mimetypes)


def error_response(status: int, message: str) -> Response:
    """The site's error page for a browser, the plain one-line error for everything else."""
    if not wants_page():
        return plain_error(status, message)
    title = TITLES.get(status, "That did not work")
    build = current_app.extensions.get(EXTENSION)
    html = render_template("error.html", status=status, title=title, message=message, build=build)
    return Response(html, status=status, content_type="text/html; charset=utf-8")
