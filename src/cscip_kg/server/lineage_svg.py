"""The lineage diagram as SVG, drawn here on the server: columns left to right, one box per node.

Every piece of text from the graph goes through ``escape``; styling uses
presentation attributes only (no inline CSS), so the same SVG works inline
in a page, on its own as ``image/svg+xml``, and under a strict CSP. Arrows
always run left to right (or downwards within a column), with the relation
worded for that direction ("implemented by", "spread by").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from cscip_kg.server.lineage_graph import Edge, Lineage, Node

NODE_W, NODE_H, ROW, GAP, TOP, PAD = 210, 40, 54, 76, 56, 12
MAX_CHARS = 27
RELATIONS: dict[str, tuple[str, str, str]] = {  # relation → (forward wording, reverse wording, colour)
    "continues": ("continues", "continued by", "#1d70b8"),
    "scalesUp": ("scales up", "scaled up by", "#1d70b8"),
    "implementsModel": ("implements", "implemented by", "#00703c"),
    "adaptsModel": ("adapts", "adapted by", "#85994b"),
    "combinesModel": ("combines", "combined in", "#4c2c92"),
    "spreadsModel": ("spreads", "spread by", "#d4351c"),
    "spreadsProject": ("spreads", "spread by", "#d4351c"),
    "adoptsModel": ("adopts", "adopted by", "#b58840"),
    "wasInfluencedBy": ("influenced by", "influenced", "#505a5f"),
    "leadOrganisation": ("leads", "led by", "#505a5f"),
    "partnerOrganisation": ("works on", "worked on by", "#505a5f"),
}
DEFAULT = ("linked to", "linked to", "#505a5f")


@dataclass(frozen=True)
class Placed:
    node: Node
    x: int
    y: int


def wording(edge: Edge, forward: bool) -> str:
    forward_text, reverse_text, _colour = RELATIONS.get(edge.relation, DEFAULT)
    return forward_text if forward else reverse_text


def oriented(edge: Edge, placed: dict[str, Placed]) -> tuple[Placed, str, Placed]:
    """(left end, wording read left to right, right end) of an edge as drawn."""
    s, o = placed[edge.source], placed[edge.target]
    if (s.x, s.y) <= (o.x, o.y):
        return s, wording(edge, True), o
    return o, wording(edge, False), s


def layout(lineage: Lineage) -> dict[str, Placed]:
    """Columns left to right; within a column, nodes ordered by where their neighbours on the left are."""
    neighbours: dict[str, set[str]] = {}
    for edge in lineage.edges:
        neighbours.setdefault(edge.source, set()).add(edge.target)
        neighbours.setdefault(edge.target, set()).add(edge.source)
    columns = lineage.columns()
    tallest = max((len(nodes) for _t, nodes in columns), default=1)
    placed: dict[str, Placed] = {}
    for index, (_title, nodes) in enumerate(columns):
        def rank(node: Node) -> tuple[float, str]:
            ys = [placed[n].y for n in neighbours.get(node.iri, ()) if n in placed]
            return (sum(ys) / len(ys) if ys else float("inf"), node.label.lower())
        ordered = sorted(nodes, key=rank)
        offset = (tallest - len(ordered)) * ROW // 2
        for row, node in enumerate(ordered):
            placed[node.iri] = Placed(node, PAD + index * (NODE_W + GAP), TOP + offset + row * ROW)
    return placed


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1].rstrip() + "…"


def _path(left: Placed, right: Placed, channel: int | None) -> str:
    if left.x == right.x:  # same column: a loop out to the right
        x, y1, y2 = left.x + NODE_W, left.y + NODE_H // 2, right.y + NODE_H // 2
        return f"M{x},{y1} C{x + 50},{y1} {x + 50},{y2} {x + 6},{y2}"
    x1, y1 = left.x + NODE_W, left.y + NODE_H // 2
    x2, y2 = right.x - 6, right.y + NODE_H // 2
    if channel is None:  # neighbouring columns: an S-curve across the gap
        mid = (x1 + x2) // 2
        return f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
    # Skipping columns: down into a channel below every box, along it, and up, so no box hides the line.
    q = GAP // 2 - 4
    return (f"M{x1},{y1} C{x1 + q},{y1} {x1 + q},{channel} {x1 + 2 * q},{channel} L{x2 - 2 * q},{channel} "
            f"C{x2 - q},{channel} {x2 - q},{y2} {x2},{y2}")


def _edge(edge: Edge, placed: dict[str, Placed], channel: int | None) -> str:
    left, words, right = oriented(edge, placed)
    colour = RELATIONS.get(edge.relation, DEFAULT)[2]
    title = escape(f"{left.node.label} {words} {right.node.label}")
    d = _path(left, right, channel)
    return (f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2" marker-end="url(#lineage-arrow)">'
            f"<title>{title}</title></path>")


def _node(place: Placed, focus: bool, link: Callable[[str], str | None]) -> str:
    node = place.node
    fill, stroke, width = ("#fff7bf", "#0b0c0c", 3) if focus else ("#ffffff", "#505a5f", 1)
    box = (f'<rect x="{place.x}" y="{place.y}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}" '
           f'stroke="{stroke}" stroke-width="{width}"/>'
           f'<text x="{place.x + 10}" y="{place.y + 25}" font-size="13" fill="#0b0c0c">{escape(_clip(node.label))}</text>')
    inner = f"<title>{escape(node.label)}</title>{box}"
    href = link(node.iri)
    if href is None:
        return f'<g class="node">{inner}</g>'
    # The list under the diagram carries the same links for keyboards and screen readers.
    return f'<a class="node" href="{escape(href)}" tabindex="-1">{inner}</a>'


def legend(lineage: Lineage) -> list[tuple[str, str]]:
    used = sorted({e.relation for e in lineage.edges})
    seen: dict[str, str] = {}
    for relation in used:
        forward, _reverse, colour = RELATIONS.get(relation, DEFAULT)
        seen.setdefault(forward, colour)
    return list(seen.items())


def render(lineage: Lineage, title: str, link: Callable[[str], str | None]) -> str:
    """The whole SVG document (without XML declaration), every text escaped."""
    placed = layout(lineage)
    columns = lineage.columns()
    drawn = [e for e in lineage.edges if e.source in placed and e.target in placed]
    bottom = TOP + max((len(n) for _t, n in columns), default=1) * ROW
    channels: dict[Edge, int] = {}
    for edge in drawn:
        if abs(placed[edge.source].x - placed[edge.target].x) > NODE_W + GAP:
            channels[edge] = bottom + 6 * len(channels)
    width = PAD * 2 + len(columns) * NODE_W + (len(columns) - 1) * GAP + 50
    height = bottom + 6 * len(channels) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="lineage-title lineage-desc" font-family="system-ui, sans-serif" class="lineage">',
        f'<title id="lineage-title">{escape(title)}</title>',
        f'<desc id="lineage-desc">{escape(describe(lineage, placed))}</desc>',
        '<defs><marker id="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#505a5f"/></marker></defs>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for index, (column_title, _nodes) in enumerate(columns):
        x = PAD + index * (NODE_W + GAP)
        parts.append(f'<text x="{x}" y="{TOP - 20}" font-size="14" font-weight="700" fill="#0b0c0c">{escape(column_title)}</text>')
    parts += [_edge(edge, placed, channels.get(edge)) for edge in drawn]
    parts += [_node(place, iri == lineage.focus, link) for iri, place in placed.items()]
    x = PAD
    for words, colour in legend(lineage):
        parts.append(f'<line x1="{x}" y1="14" x2="{x + 24}" y2="14" stroke="{colour}" stroke-width="3"/>'
                     f'<text x="{x + 30}" y="18" font-size="12" fill="#0b0c0c">{escape(words)}</text>')
        x += 40 + 7 * len(words)
    parts.append("</svg>")
    return "\n".join(parts)


def describe(lineage: Lineage, placed: dict[str, Placed]) -> str:
    """The diagram in words, for the SVG's <desc>."""
    sentences = [" ".join((left.node.label, words, right.node.label)) for left, words, right in
                 (oriented(e, placed) for e in lineage.edges if e.source in placed and e.target in placed)]
    return "; ".join(sentences) + "." if sentences else "No lineage links are recorded."
