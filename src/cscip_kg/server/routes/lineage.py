"""/lineage/<kind>/<slug>: where an entity came from and where it spread, as a diagram.

HTML (the SVG inline, with the same links as a list), or the diagram alone
(``.svg``), or its nodes and edges (``.json``) — the same Lineage, format
picked last.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from cscip_kg.lineage_view import Lineage, Node, lineage
from cscip_kg.server.context import current_build, negotiated, plain_error
from cscip_kg.server.rendering import formats
from cscip_kg.server.rendering.lineage_svg import (
    BOX_KINDS,
    ORGANISATION,
    Key,
    LayoutUnavailable,
    group_of,
    known,
    layout,
    legend,
    render,
    sentences,
)
from cscip_kg.server.rendering.views import LINEAGE_KINDS, Link, href, lineage_path
from cscip_kg.server.routes.spread_pages import routes

bp = Blueprint("lineage", __name__)

SVG = formats.Format("svg", "image/svg+xml", ("svg",))
JSON = formats.Format("json", "application/json", ("json",))
OFFERED = (formats.HTML, SVG, JSON)
SUFFIXES = {fmt.names[0]: fmt for fmt in OFFERED}
KINDS = LINEAGE_KINDS


@dataclass
class Diagram:
    """The diagram for a page: the SVG, the same boxes as lists for narrow screens, and its key in words."""
    title: str
    svg: Markup
    columns: list[tuple[str, list[tuple[Link, str]]]]  # column title → (box, note such as "through SFPC")
    lines: list[Key]  # words, colour and dash of each kind of line, read along its arrows
    boxes: list[tuple[str, str]]  # (words, fill) of each kind of box
    href: str | None  # the lineage page, whose .svg and .json twins carry the same


def drawn(found: Lineage, title: str) -> Diagram:
    """The diagram with adopters grouped by programme; LayoutUnavailable when Graphviz cannot lay it out."""
    current = current_build()
    paths = routes()

    def link(iri: str) -> str | None:
        return href(current, iri)

    # The key is the figure's HTML caption (it wraps to the window), so the inline SVG leaves its own out.
    svg = Markup(render(found, title, link, paths, key=False))  # every text in it is escaped by lineage_svg
    adopted: dict[str, list[str]] = {}
    for edge in found.edges:
        if edge.relation == "adoptsModel":
            adopted.setdefault(edge.source, []).append(edge.target)
    columns = []
    for column_title, nodes in found.columns():
        entries = []
        for node in sorted(nodes, key=lambda n: n.label.lower()):
            group = group_of(node, adopted[node.iri], paths) if node.iri in adopted else ""
            entries.append((Link(node.label, link(node.iri)), f"through {paths.labels.get(group, group)}" if group else ""))
        columns.append((column_title, entries))
    kinds = [(words, fill) for types, words, fill in BOX_KINDS if any(n.types & types for n in found.nodes.values())]
    return Diagram(title, svg, columns, legend(found), [*kinds, ORGANISATION], lineage_path(current.base, found.focus))


@bp.app_errorhandler(LayoutUnavailable)
def layout_unavailable(error: LayoutUnavailable) -> Response:
    return plain_error(503, f"503 Service Unavailable: the lineage diagram cannot be drawn: {error}")


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
        return Response(render(found, title, link, routes()), content_type=SVG.media_type)
    if fmt is JSON:
        return jsonify(as_json(found))
    placed = layout(found)
    shared = Counter(n.label for n in found.nodes.values())

    def named(node: Node) -> Link:
        # A model and the project named after it share a label; say which is which.
        kind = node.iri.rstrip("/").rsplit("/", 2)[-2]
        return Link(f"{node.label} ({kind})" if shared[node.label] > 1 else node.label, link(node.iri))

    said = [(named(left.node), words, named(right.node), "; ".join(d for d in (edge.details(), known(edge)) if d))
            for edge, left, words, right in sentences(found, placed)]
    focus = found.nodes[found.focus]
    page = render_template("lineage.html", build=current, title=title, focus=Link(focus.label, link(focus.iri)),
                           diagram=drawn(found, title), sentences=said, here=request.path)
    return Response(page)


def as_json(found: Lineage) -> dict[str, object]:
    return {
        "entity": found.focus,
        "nodes": [{"iri": n.iri, "label": n.label, "column": n.column} for n in found.nodes.values()],
        "edges": [{"source": e.source, "relation": e.relation, "target": e.target, "label": e.label,
                   "programme": e.programme, "project": e.project, "role": e.role, "dates": e.dates,
                   "basis": e.basis, "sources": list(e.sources)} for e in found.edges],
    }
