"""/lineage/<kind>/<slug>: where an entity came from and where it spread, as a diagram.

HTML (the SVG inline, with the same links as a list), or the diagram alone
(``.svg``), or its nodes and edges (``.json``) — the same Lineage, format
picked last.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from cscip_kg.server import formats
from cscip_kg.server.context import current_build, negotiated
from cscip_kg.server.lineage_graph import Lineage, Node, lineage
from cscip_kg.server.lineage_svg import layout, legend, oriented, render
from cscip_kg.server.views import LINEAGE_KINDS, Link, href

bp = Blueprint("lineage", __name__)

SVG = formats.Format("svg", "image/svg+xml", ("svg",))
JSON = formats.Format("json", "application/json", ("json",))
OFFERED = (formats.HTML, SVG, JSON)
SUFFIXES = {fmt.names[0]: fmt for fmt in OFFERED}
KINDS = LINEAGE_KINDS


@bp.route("/lineage/<kind>/<slug>")
def diagram(kind: str, slug: str) -> Response:
    build = current_build()
    stem, dot, suffix = slug.rpartition(".")
    fmt = SUFFIXES.get(suffix) if dot else None
    if fmt is not None:
        slug = stem
    if kind not in KINDS:
        raise NotFound(f"lineage is drawn for {', '.join(KINDS)}, not {kind!r}")
    try:
        iri = ox.NamedNode(f"{build.base}id/{kind}/{slug}")
    except ValueError:
        raise NotFound(f"{slug!r} is not a valid name") from None
    found = lineage(build, iri)
    if iri.value not in found.nodes:
        raise NotFound(f"nothing is known about <{iri.value}> in this graph")
    fmt = fmt or negotiated(OFFERED)
    title = f"Lineage of {found.nodes[iri.value].label}"
    response = _answer(found, fmt, title)
    response.vary.add("Accept")
    return response


def _answer(found: Lineage, fmt: formats.Format, title: str) -> Response:
    current = current_build()

    def link(iri: str) -> str | None:
        return href(current, iri)

    if fmt is SVG:
        return Response(render(found, title, link), content_type=SVG.media_type)
    if fmt is JSON:
        return jsonify(as_json(found))
    placed = layout(found)
    shared = Counter(n.label for n in found.nodes.values())

    def named(node: Node) -> Link:
        # A model and the project named after it share a label; say which is which.
        kind = node.iri.rstrip("/").rsplit("/", 2)[-2]
        return Link(f"{node.label} ({kind})" if shared[node.label] > 1 else node.label, link(node.iri))

    sentences = []
    for edge in found.edges:
        if edge.source in placed and edge.target in placed:
            left, words, right = oriented(edge, placed)
            sentences.append((named(left.node), words, named(right.node)))
    focus = found.nodes[found.focus]
    page = render_template("lineage.html", build=current, title=title, focus=Link(focus.label, link(focus.iri)),
                           svg=Markup(render(found, title, link)),  # every text in it is escaped by lineage_svg
                           sentences=sentences, legend=legend(found), columns=found.columns(), here=request.path)
    return Response(page)


def as_json(found: Lineage) -> dict[str, object]:
    return {
        "entity": found.focus,
        "nodes": [{"iri": n.iri, "label": n.label, "column": n.column} for n in found.nodes.values()],
        "edges": [{"source": e.source, "relation": e.relation, "target": e.target, "label": e.label,
                   "programme": e.programme, "project": e.project, "role": e.role, "dates": e.dates,
                   "basis": e.basis, "sources": list(e.sources)} for e in found.edges],
    }
