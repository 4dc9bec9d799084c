"""The lineage diagram as SVG: laid out by Graphviz ``dot``, drawn here.

``dot`` (Debian package ``graphviz``, installed by ``make setup``; see
``lineage_dot``) places the boxes left to right by stage and routes the
edges; this module then draws its own SVG from dot's coordinates, so every
text from the graph goes through ``escape`` and styling uses presentation
attributes only (no inline CSS or script: fits a strict CSP, inline or as
``image/svg+xml``). Labels are wrapped, never cut: each box is sized to its
wrapped text before dot sees it. Every box is a focusable link with an
accessible name. Adopters are grouped by the programme they adopted through
(``Routes``, from ``spread.py``); on a programme's own diagram the
adopters through other programmes are folded into one box per programme.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from cscip_kg.lineage_view import Edge, Lineage, Node
from cscip_kg.server.rendering.lineage_dot import FONT, LINE, PAD_X, PAD_Y, Box, LayoutUnavailable, Link, place, run_dot, text_width, wrap
from cscip_kg.spread import Routes

__all__ = ["LayoutUnavailable", "Routes", "legend", "oriented", "render", "run_dot"]

HEAD_FONT, LEGEND_Y, TOP = 14, 16, 40
RELATIONS: dict[str, tuple[str, str, str]] = {  # relation → (forward wording, reverse wording, colour)
    "continues": ("continues", "continued by", "#1d70b8"),
    "scalesUp": ("scales up", "scaled up by", "#5694ca"),
    "implementsModel": ("implements", "implemented by", "#00703c"),
    "adaptsModel": ("adapts", "adapted by", "#85994b"),
    "combinesModel": ("combines", "combined in", "#4c2c92"),
    "spreadsModel": ("spreads", "spread by", "#d4351c"),
    "spreadsProject": ("spreads", "spread by", "#d4351c"),
    "adoptsModel": ("adopts", "adopted by", "#b58840"),
    "wasInfluencedBy": ("influenced by", "influenced", "#505a5f"),
    "leadOrganisation": ("leads", "led by", "#505a5f"),
    "partnerOrganisation": ("works on", "worked on by", "#9a9a9a"),
}
DEFAULT = ("linked to", "linked to", "#505a5f")
BOX_KINDS = (  # (types, words, box fill): the first that matches a node
    ({"PracticeModel"}, "practice model", "#fff4d6"),
    ({"Project"}, "project", "#e8f1fb"),
    ({"Programme", "FundingRound", "Strand"}, "programme", "#f3e6f7"),
)
ORGANISATION = ("organisation", "#ffffff")
GROUP = ("group of adopters", "#f3f2f1")


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
    """Each node's column and order, for reading edges left to right (the page's list uses it)."""
    placed: dict[str, Placed] = {}
    for index, (_title, nodes) in enumerate(lineage.columns()):
        for row, node in enumerate(sorted(nodes, key=lambda n: n.label.lower())):
            placed[node.iri] = Placed(node, index, row)
    return placed

def kind_of(node: Node) -> tuple[str, str]:
    for types, words, fill in BOX_KINDS:
        if node.types & types:
            return words, fill
    return ORGANISATION


def _box(key: str, node: Node | None, label: str, column: int, kind: tuple[str, str]) -> Box:
    lines = wrap(label)
    width = max(text_width(line) for line in lines) + 2 * PAD_X
    return Box(key, node.iri if node else None, label, kind[0], kind[1], column, lines, width, len(lines) * LINE + 2 * PAD_Y)


def group_of(adopter: Node, models: list[str], routes: Routes) -> str:
    """The programme an adopter is grouped under: the first of its routes to the models on the diagram."""
    found = sorted({p for m in models for p in routes.through.get((adopter.iri, m), ())},
                   key=lambda p: (len(routes.chains.get(p, ())), routes.labels.get(p, p)))
    return found[0] if found else ""


def boxes(lineage: Lineage, link: Callable[[str], str | None], routes: Routes | None) -> tuple[list[Box], dict[str, str]]:
    """The boxes to draw and, for each node, the key of the box that stands for it."""
    index = {title: n for n, (title, _nodes) in enumerate(lineage.columns())}
    adopted: dict[str, list[str]] = {}
    for edge in lineage.edges:
        if edge.relation == "adoptsModel":
            adopted.setdefault(edge.source, []).append(edge.target)
    focus = lineage.nodes[lineage.focus]
    fold = routes is not None and bool(focus.types & {"Programme", "FundingRound", "Strand"})
    found: list[Box] = []
    stands_for: dict[str, str] = {}
    folded: dict[str, tuple[int, list[Node]]] = {}
    for title, nodes in lineage.columns():
        for node in sorted(nodes, key=lambda n: n.label.lower()):
            group = group_of(node, adopted[node.iri], routes) if routes and node.iri in adopted else ""
            if fold and group and routes and lineage.focus not in routes.chains.get(group, (group,)):
                folded.setdefault(group, (index[title], []))[1].append(node)
                continue
            box = _box(f"n{len(found)}", node, node.label, index[title], kind_of(node))
            box.href, box.focus, box.group, box.members = link(node.iri), node.iri == lineage.focus, group, [node]
            found.append(box)
    for box in found:
        for member in box.members:
            stands_for[member.iri] = box.key
    for number, (group, (column, members)) in enumerate(sorted(folded.items())):
        name = routes.labels.get(group, group) if routes else group
        words = f"{len(members)} more adopter{'s' if len(members) != 1 else ''} through {name}"
        box = _box(f"g{number}", None, words, column, GROUP)
        box.href, box.group, box.members = link(group), group, members
        found.append(box)
        for member in members:
            stands_for[member.iri] = box.key
    return found, stands_for

def legend(lineage: Lineage) -> list[tuple[str, str]]:
    """(words, colour) for each kind of line drawn, worded as it reads left to right (as the arrows run)."""
    seen: dict[str, str] = {}
    for edge in sorted(lineage.edges, key=lambda e: e.relation):
        source, target = lineage.nodes.get(edge.source), lineage.nodes.get(edge.target)
        if source is None or target is None:
            continue
        forward, reverse, colour = RELATIONS.get(edge.relation, DEFAULT)
        seen.setdefault(forward if source.column <= target.column else reverse, colour)
    return list(seen.items())


def _links(lineage: Lineage, stands_for: dict[str, str], found: list[Box]) -> list[Link]:
    """Edges between boxes, each from its left box to its right one (within a column, top to bottom by name)."""
    column = {b.key: (b.column, b.label.lower(), b.key) for b in found}
    links: dict[tuple[str, str], Link] = {}
    for edge in lineage.edges:
        a, b = stands_for.get(edge.source), stands_for.get(edge.target)
        if a is None or b is None or a == b:
            continue
        forward = column[a] <= column[b]
        left, right = (a, b) if forward else (b, a)
        links.setdefault((left, right), (left, right, edge.relation, forward))
    return list(links.values())


def _text(x: float, y: float, lines: list[str], size: int, anchor: str = "start", weight: str = "400") -> str:
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if n == 0 else size + 4}">{escape(line)}</tspan>' for n, line in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" fill="#0b0c0c">{spans}</text>'


def _box_svg(box: Box) -> str:
    stroke, width = ("#0b0c0c", 3) if box.focus else ("#505a5f", 1)
    # The accessible name says what kind of thing it is; the tooltip gives the whole label (a folded box: who is in it).
    name = f"{box.label}, {box.kind}" + (", the subject of this page" if box.focus else "")
    tip = box.label
    if box.iri is None:
        name = tip = f"{box.label}: " + ", ".join(m.label for m in box.members)
    inner = (f"<title>{escape(tip)}</title>"
             f'<rect class="box" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" rx="5" '
             f'fill="{box.fill}" stroke="{stroke}" stroke-width="{width}"/>'
             + _text(box.x + PAD_X, box.y + PAD_Y + FONT, box.lines, FONT))
    if box.href is None:
        return f'<g aria-label="{escape(name)}" role="img">{inner}</g>'
    return f'<a href="{escape(box.href)}" aria-label="{escape(name)}">{inner}</a>'


def render(lineage: Lineage, title: str, link: Callable[[str], str | None], routes: Routes | None = None) -> str:
    """The whole SVG document (without XML declaration), every text escaped; LayoutUnavailable if dot cannot run."""
    found, stands_for = boxes(lineage, link, routes)
    links = _links(lineage, stands_for, found)
    titles = [t for t, _nodes in lineage.columns()]
    widths = {c: max(b.width for b in found if b.column == c) for c in {b.column for b in found}}
    headings = {c: wrap(titles[c], max(widths[c], 110), HEAD_FONT) for c in widths}
    keys = legend(lineage)
    top = LEGEND_Y + 18 + max((len(h) for h in headings.values()), default=1) * (HEAD_FONT + 4) + 10
    group_labels = dict(routes.labels) if routes else {}
    drawn = place(found, links, group_labels, top)
    width = max(drawn.width, sum(40 + text_width(w, 12) for w, _c in keys) + 8)
    height = drawn.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="group" aria-labelledby="lineage-title" aria-describedby="lineage-desc" font-family="system-ui, sans-serif" '
        f'class="lineage">',
        f'<title id="lineage-title">{escape(title)}</title>',
        f'<desc id="lineage-desc">{escape(describe(lineage, layout(lineage)))}</desc>',
        '<defs><marker id="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#505a5f"/></marker></defs>',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    x = 4.0
    for words, colour in keys:
        parts.append(f'<line x1="{x:.1f}" y1="{LEGEND_Y - 4}" x2="{x + 24:.1f}" y2="{LEGEND_Y - 4}" stroke="{colour}" stroke-width="3"/>'
                     + _text(x + 30, LEGEND_Y, [words], 12))
        x += 40 + text_width(words, 12)
    for column, lines in headings.items():
        if column in drawn.anchors:
            parts.append(_text(drawn.anchors[column], LEGEND_Y + 18 + HEAD_FONT, lines, HEAD_FONT, "middle", "700"))
    for label, cx, cy, cw, ch in drawn.clusters:
        parts.append(f'<rect x="{cx:.1f}" y="{cy:.1f}" width="{cw:.1f}" height="{ch:.1f}" rx="6" fill="none" stroke="#b1b4b6" '
                     f'stroke-dasharray="4 3"/>' + _text(cx + 6, cy + 16, label, 13, weight="600"))
    named = {b.key: b.label for b in found}
    for (left, right, relation, forward), d in drawn.edges:
        words = f"{named[left]} {RELATIONS.get(relation, DEFAULT)[0 if forward else 1]} {named[right]}"
        parts.append(f'<path d="{d}" fill="none" stroke="{RELATIONS.get(relation, DEFAULT)[2]}" stroke-width="2" '
                     f'marker-end="url(#lineage-arrow)"><title>{escape(words)}</title></path>')
    parts += [_box_svg(box) for box in found]
    parts.append("</svg>")
    return "\n".join(parts)


def describe(lineage: Lineage, placed: dict[str, Placed]) -> str:
    """The diagram in words, for the SVG's <desc>."""
    sentences = [" ".join((left.node.label, words, right.node.label)) for left, words, right in
                 (oriented(e, placed) for e in lineage.edges if e.source in placed and e.target in placed)]
    return "; ".join(sentences) + "." if sentences else "No lineage links are recorded."
