"""Small helpers every blueprint shares: the served build and plain-text errors."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from cscip_kg.bounded import QueryPool
from cscip_kg.server import formats
from cscip_kg.server.state import Build

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
    try:
        return formats.negotiate(request.accept_mimetypes, offered, request.values.get("format"))
    except formats.UnknownFormat as error:
        raise BadRequest(str(error)) from None
    except formats.NotAcceptable as error:
        raise NotAcceptable(str(error)) from None


def plain_error(status: int, message: str) -> Response:
    """An error a person and a script can both read: one line of text, no stack trace."""
    return Response(message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")
