"""Small helpers every blueprint shares: the served build and plain-text errors."""

from __future__ import annotations

from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from cscip_kg.server import formats
from cscip_kg.server.state import Build

EXTENSION = "cscip_kg"


def current_build() -> Build:
    build: Build = current_app.extensions[EXTENSION]
    return build


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
