"""/sparql: the query part of the W3C SPARQL 1.1 Protocol.

Rules, each with a test in tests/server/test_protocol.py:
query by GET, by URL-encoded POST or by POST of application/sparql-query; any
other POST body type → 415; an update in any form → 403 (read-only); a missing
or repeated query → 400; a malformed query → 400 with the parser's message and
position; an answer nobody accepts → 406; GET without a query → the Service
Description (or the query page, for browsers); default-graph-uri / named-graph-uri
replace the query's FROM / FROM NAMED (engine.guard); a query string or form body
that is not UTF-8 after percent-decoding → 400 naming the byte (server/__init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import BadRequest, Forbidden, NotAcceptable, UnsupportedMediaType

from cscip_kg.bounded import Job, Outcome, Unavailable, answer_job
from cscip_kg.engine import Prepared
from cscip_kg.server.context import current_build, current_pool, limit, negotiated, plain_error
from cscip_kg.server.rendering import formats
from cscip_kg.server.rendering.service_description import service_description

bp = Blueprint("sparql", __name__)

READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"
QUERY_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query")


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


def _graph_iris(name: str) -> tuple[str, ...]:
    values = request.args.getlist(name) + (request.form.getlist(name) if request.method == "POST" else [])
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as error:
            raise BadRequest(f"{name}: {value!r} is not an IRI ({error})") from None
    return tuple(values)


def _one(values: list[str], where: str) -> str | None:
    if len(values) > 1:
        raise BadRequest(f"exactly one query is allowed, {len(values)} were given in the {where}")
    return values[0] if values else None


def read_request() -> ProtocolRequest:
    """The query and dataset of a protocol request, or the 4xx that the protocol calls for."""
    if "update" in request.args:
        raise Forbidden(READ_ONLY)
    if request.method == "GET" or request.method == "HEAD":
        query = _one(request.args.getlist("query"), "URL")
    else:
        mimetype = request.mimetype
        if mimetype == "application/sparql-update":
            raise Forbidden(READ_ONLY)
        if mimetype == "application/x-www-form-urlencoded":
            if "update" in request.form:
                raise Forbidden(READ_ONLY)
            query = _one(request.form.getlist("query"), "form body")
        elif mimetype == "application/sparql-query":
            try:
                query = request.get_data().decode("utf-8")
            except UnicodeDecodeError as error:
                raise BadRequest(f"the query body is not UTF-8: {error}") from None
        else:
            raise UnsupportedMediaType(f"a query is POSTed as {' or '.join(QUERY_TYPES)}, not {mimetype or 'an untyped body'}")
        if query is None or not query.strip():
            raise BadRequest("no query: send it as the request body or in the 'query' form field")
    return ProtocolRequest(query, _graph_iris("default-graph-uri"), _graph_iris("named-graph-uri"))


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    protocol = read_request()
    if protocol.query is None:
        if request.args:
            raise BadRequest("no query: add a 'query' parameter")
        return _describe_service()
    if len(protocol.query) > limit("max_query_length"):
        return plain_error(413, f"the query is {len(protocol.query)} characters long; the limit is {limit('max_query_length')}")
    max_rows = limit("max_rows")
    job = Job(Prepared(protocol.query, protocol.default_graphs, protocol.named_graphs),
              _offer(formats.RESULTS), _offer(formats.GRAPHS), max_rows)
    try:
        outcome = _run(job)
    except Unavailable as error:
        response = plain_error(503, str(error))
        response.headers["Retry-After"] = "5"
        return response
    if outcome.kind == "malformed":
        return plain_error(400, f"malformed query: {outcome.message}")
    if outcome.kind == "refused":
        return plain_error(403, outcome.message)
    if outcome.format is None:  # the answer's kind is known only now; say what it could have been
        negotiated(formats.GRAPHS if outcome.kind == "graph" else formats.RESULTS)
    return _answer(outcome, max_rows)


def _run(job: Job) -> Outcome:
    pool = current_pool()
    if pool is not None:
        return pool.run(job)
    # A remote store: it evaluates (bounded by store_timeout, StoreUnavailable → 503); caps are applied here.
    build = current_build()
    return answer_job(build.engine.query, build.prefixes, job)


def _offer(offered: tuple[formats.Format, ...]) -> str | None:
    """The format key to write this kind of answer in, or None when the client accepts none of them."""
    try:
        return negotiated(offered).key
    except NotAcceptable:
        return None


def _answer(outcome: Outcome, max_rows: int) -> Response:
    offered = formats.GRAPHS if outcome.kind == "graph" else formats.RESULTS
    fmt = next(f for f in offered if f.key == outcome.format)
    response = Response(outcome.body, content_type=fmt.content_type)
    response.vary.add("Accept")
    if outcome.truncated:
        # Said out loud: a header on every format, and a member in JSON results.
        response.headers["X-Result-Truncated"] = f"true; limit={max_rows}"
    return response


def _describe_service() -> Response:
    fmt = negotiated((*formats.GRAPHS, formats.HTML))
    if fmt is formats.HTML:
        response = Response(render_template("sparql.html", build=current_build()))
    else:
        triples = service_description(current_build(), request.base_url)
        response = Response(formats.serialize_triples(triples, fmt, current_build().prefixes), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response
