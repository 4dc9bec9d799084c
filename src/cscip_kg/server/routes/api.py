"""/api: the named queries as a web API, and its OpenAPI 3 description.

``/api/queries/NAME?param=value`` answers with SPARQL JSON results or CSV
(by Accept, ``format=``, or a ``.json``/``.csv`` suffix); a bad parameter is
a 400 whose JSON body names it. ``/api/openapi.json`` is generated from the
query files of the served build.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.exceptions import BadRequest, NotAcceptable

from cscip_kg.queries import ParameterError
from cscip_kg.results import serialize
from cscip_kg.server.content.named import named_query, run
from cscip_kg.server.context import current_build, negotiated
from cscip_kg.server.rendering import formats
from cscip_kg.server.rendering.openapi import openapi

bp = Blueprint("api", __name__, url_prefix="/api")

OFFERED = (formats.RESULTS[0], formats.RESULTS[2])  # SPARQL JSON results, CSV
SUFFIXES = {"json": OFFERED[0], "csv": OFFERED[1]}
RESERVED = ("format",)


def split_suffix(name: str) -> tuple[str, formats.Format | None]:
    stem, dot, suffix = name.rpartition(".")
    return (stem, SUFFIXES.get(suffix)) if dot and suffix in SUFFIXES else (name, None)


def query_params() -> dict[str, str]:
    """The query's parameters from the URL: everything but ``format``; a repeated one is an error."""
    params = {}
    for key in request.args:
        if key in RESERVED:
            continue
        values = request.args.getlist(key)
        if len(values) > 1:
            raise ParameterError(key, "given more than once")
        params[key] = values[0]
    return params


def error_response(error: ParameterError) -> Response:
    response = jsonify({"error": str(error), "parameter": error.name})
    response.status_code = 400
    return response


@bp.route("/")
def index() -> str:
    """The API for people: each operation with an example that works on this server."""
    build = current_build()
    queries = []
    for _name, query in sorted(build.catalogue.items()):
        example: dict[str, Any] = {p.name: p.default for p in query.parameters if p.default}
        queries.append((query, url_for("api.answer", name=f"{query.name}.json", **example),
                        url_for("api.answer", name=f"{query.name}.csv", **example)))
    return render_template("api.html", build=build, queries=queries)


@bp.route("/queries")
def catalogue() -> Response:
    build = current_build()
    return jsonify({"queries": [describe(q) for _name, q in sorted(build.catalogue.items())]})


def describe(query: Any) -> dict[str, Any]:
    return {
        "name": query.name, "title": query.title, "description": query.description,
        "parameters": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                        "description": p.description} for p in query.parameters],
        "url": url_for("api.answer", name=query.name), "page": url_for("query_pages.query_page", name=query.name),
    }


@bp.route("/queries/<name>")
def answer(name: str) -> Response:
    build = current_build()
    name, fmt = split_suffix(name)
    query = named_query(build, name)
    if fmt is None:
        fmt = negotiated(OFFERED)
    elif request.args.get("format") and formats.by_name(request.args["format"], (fmt,)) is None:
        raise BadRequest(f"the suffix asks for {fmt.names[0]} but format= asks for {request.args['format']!r}")
    try:
        result = run(build, query, query_params())
    except ParameterError as error:
        return error_response(error)
    if isinstance(result, ox.QueryTriples):
        raise NotAcceptable("this named query returns a graph; ask /sparql for it")
    response = Response(serialize(result, fmt.key), content_type=fmt.content_type)
    if fmt.key == "csv":
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.vary.add("Accept")
    return response


@bp.route("/openapi.json")
def openapi_document() -> Response:
    build = current_build()
    return jsonify(openapi(build.catalogue, request.script_root, build.version))
