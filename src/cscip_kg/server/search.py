"""/search: find a project, model, organisation or programme by any of its names.

The index (search_index.py) is built once per build on first use; a search
only compares pre-normalised strings. The same hits come as HTML for people
and as JSON (``/search.json`` or ``Accept: application/json``) for scripts.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from cscip_kg.server import formats
from cscip_kg.server.context import current_build, negotiated
from cscip_kg.server.options import search_index
from cscip_kg.server.search_index import Hit
from cscip_kg.server.views import href

bp = Blueprint("search", __name__)

JSON = formats.Format("json", "application/json", ("json",))
MAX_QUERY = 200


def kind(hit: Hit, base: str) -> str:
    """What a reader calls the thing: the path kind of its IRI, or the label of its type."""
    if hit.entry.iri.startswith(base + "id/"):
        return hit.entry.iri[len(base) + 3:].split("/", 1)[0]
    if hit.entry.iri.startswith(base + "def/"):
        return "ontology term"
    return next((label for label in hit.entry.types.values() if label), "")


@bp.route("/search")
def search_page() -> Response:
    return _search(negotiated((formats.HTML, JSON)))


@bp.route("/search.json")
def search_json() -> Response:
    return _search(JSON)


def _search(fmt: formats.Format) -> Response:
    build = current_build()
    text = request.args.get("q", "")[:MAX_QUERY]
    hits = search_index().search(text) if text.strip() else []
    rows = [{"iri": h.entry.iri, "label": h.entry.label, "kind": kind(h, build.base), "matched": h.matched,
             "href": href(build, h.entry.iri)} for h in hits]
    if fmt is JSON:
        response = jsonify({"query": text, "results": rows})
    else:
        response = Response(render_template("search.html", build=build, q=text, rows=rows))
    response.vary.add("Accept")
    return response
