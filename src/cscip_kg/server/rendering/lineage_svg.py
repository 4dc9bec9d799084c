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
Each kind of link has its own colour and dash and one wording, its arrows
pointing the way the words read; the key of lines wraps into rows as wide as
the diagram (a page showing the SVG inline gives the key in HTML instead).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from html import escape

from cscip_kg.lineage_view import Edge, Lineage, Node
from cscip_kg.server.rendering.basis import basis_short, kind_named
from cscip_kg.server.rendering.lineage_dot import FONT, LINE, PAD_X, PAD_Y, Box, LayoutUnavailable, Link, place, run_dot, text_width, wrap
from cscip_kg.spread import Routes

__all__ = ["Key", "LayoutUnavailable", "Routes", "legend", "oriented", "render", "run_dot"]

HEAD_FONT, KEY_FONT, KEY_ROW = 14, 12, 18
BOLD = 1.15  # bold text runs about this much wider than ``text_width``'s estimate for regular text
# How each kind of link (the ontology property's local name) is drawn: an Okabe–Ito colour (told apart with
# colour-blindness) and a dash pattern, so no two kinds look alike even where colours run short. Related kinds share a
# colour and differ by dash. The words are the ontology's: rdfs:label read along the link, cscip:inverseLabel read
# against it (lineage_view gives both), so a lineage property added to the ontology is drawn, worded and keyed
# without a line here: it takes the first colour and dash no other kind on its diagram has (``styles``).
SOLID, DASHED, DOTTED, DASH_DOT = "", "7 4", "2 3", "9 3 2 3"
STYLES: dict[str, tuple[str, str]] = {
    "adoptsModel": ("#0072b2", SOLID), "spreadsModel": ("#d55e00", SOLID), "spreadsProject": ("#d55e00", DASHED),
    "usesModel": ("#009e73", DASH_DOT), "implementsModel": ("#009e73", SOLID), "adaptsModel": ("#009e73", DASHED),
    "combinesModel": ("#009e73", DOTTED), "continues": ("#000000", SOLID), "scalesUp": ("#000000", DASHED),
    "wasInfluencedBy": ("#000000", DOTTED), "grewOutOf": ("#cc79a7", SOLID), "developedBy": ("#e69f00", SOLID),
    "round": ("#56b4e9", SOLID),
}
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
DASHES = (SOLID, DASHED, DOTTED, DASH_DOT)
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
    """The link in words, read along it (its label) or against it (its inverse label, else the label marked so)."""
    label = edge.label or edge.relation
    if forward:
        return label
    return edge.inverse or f"{label} (read right to left)"


def styles(relations: Collection[str]) -> dict[str, tuple[str, str]]:
    """(colour, dash) of each kind of link: its own, else the first that no other kind here has."""
    found = {r: STYLES[r] for r in relations if r in STYLES}
    spare = (style for style in itertools.product(PALETTE, DASHES) if style not in found.values())
    for relation in sorted(set(relations) - set(found)):
        found[relation] = next(spare, (PALETTE[-1], SOLID))
    return found


def reading(lineage: Lineage) -> dict[str, bool]:
    """Each kind of link → whether it is worded along the data (its label) rather than against it (inverse label).

    One wording per kind, the one that reads left to right for most of its links here, so a kind appears once in the
    key ("grew into", never also "grew out of"); each arrow points the way its words read, so a link that runs the
    other way on the page has its arrow pointing left.
    """
    votes: dict[str, int] = {}
    kinds: dict[str, Edge] = {}
    for edge in lineage.edges:
        source, target = lineage.nodes.get(edge.source), lineage.nodes.get(edge.target)
        if source is not None and target is not None:
            votes[edge.relation] = votes.get(edge.relation, 0) + (1 if source.column <= target.column else -1)
            kinds.setdefault(edge.relation, edge)
    ways = {relation: vote >= 0 for relation, vote in votes.items()}
    # Two kinds worded alike ("spread by" is the inverse of spreads model and of spreads project) are worded the
    # other way round ("spreads model", "spreads project") when that tells every one of them apart.
    said = Counter(wording(kinds[r], way) for r, way in ways.items())
    for words in [w for w, n in said.items() if n > 1]:
        alike = [r for r, way in ways.items() if wording(kinds[r], way) == words]
        other = {r: wording(kinds[r], not ways[r]) for r in alike}
        if len(set(other.values())) == len(alike) and not set(other.values()) & set(said):
            ways.update({r: not ways[r] for r in alike})
    return ways


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

@dataclass(frozen=True)
class Key:
    """One kind of line in the key: its words (read along the arrow), colour and dash pattern ("" when solid)."""
    words: str
    colour: str
    dash: str


def legend(lineage: Lineage, ways: dict[str, bool] | None = None) -> list[Key]:
    """One key entry for each kind of line drawn, worded as it reads along its arrows (``ways``: reading(lineage))."""
    ways = reading(lineage) if ways is None else ways
    drawn, seen = styles(ways), dict[str, Key]()
    for edge in sorted(lineage.edges, key=lambda e: e.relation):
        if edge.relation in ways and edge.relation not in seen:
            seen[edge.relation] = Key(wording(edge, ways[edge.relation]), *drawn[edge.relation])
    return list(seen.values())


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
    # A space between lines: without it a wrapped label's text reads "StrengtheningFamilies" to assistive
    # technology, and a link's visible text no longer matches its accessible name (axe label-content-name-mismatch).
    spans = " ".join(f'<tspan x="{x:.1f}" dy="{0 if n == 0 else size + 4}">{escape(line)}</tspan>' for n, line in enumerate(lines))
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


def render(lineage: Lineage, title: str, link: Callable[[str], str | None], routes: Routes | None = None,
           key: bool = True) -> str:
    """The whole SVG document (without XML declaration), every text escaped; LayoutUnavailable if dot cannot run.

    ``key``: draw the key of lines above the diagram, wrapped into rows as wide as the diagram (the page that shows
    the SVG inline says it in HTML instead, beside the diagram, where it wraps to the window).
    """
    found, stands_for = boxes(lineage, link, routes)
    titles = [t for t, _nodes in lineage.columns()]
    widths = {c: max(b.width for b in found if b.column == c) for c in {b.column for b in found}}
    headings = {c: wrap(titles[c], max(widths[c], 110), HEAD_FONT) for c in widths}
    top = 20 + max((len(h) for h in headings.values()), default=1) * (HEAD_FONT + 4)
    drawn = place(found, _links(lineage, stands_for, found), dict(routes.labels) if routes else {}, top)
    ways = reading(lineage)  # read once: the key and the lines word each kind alike
    keys = legend(lineage, ways) if key else []
    width = max([drawn.width] + [_key_width(k) + 8 for k in keys])
    key_parts, shift = _key_svg(keys, width)
    height = drawn.height + shift
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="group" aria-labelledby="lineage-title" aria-describedby="lineage-desc" font-family="system-ui, sans-serif" '
        f'class="lineage">',
        f'<title id="lineage-title">{escape(title)}</title>',
        f'<desc id="lineage-desc">{escape(describe(lineage, layout(lineage)))}</desc>',
        '<defs><marker id="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#505a5f"/></marker></defs>',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        *key_parts,
        f'<g transform="translate(0 {shift:.0f})">',
    ]
    for column, lines in headings.items():
        if column in drawn.anchors:
            # Centred over its column, but kept inside the page: a heading wider than a narrow first or last column
            # ("Where it started" over "CSCIP round 1") would otherwise run off the edge.
            half = max(text_width(line, HEAD_FONT) for line in lines) * BOLD / 2 + 4
            x = min(max(drawn.anchors[column], half), width - half)
            parts.append(_text(x, 10 + HEAD_FONT, lines, HEAD_FONT, "middle", "700"))
    for label, cx, cy, cw, ch in drawn.clusters:
        parts.append(f'<rect x="{cx:.1f}" y="{cy:.1f}" width="{cw:.1f}" height="{ch:.1f}" rx="6" fill="none" stroke="#b1b4b6" '
                     f'stroke-dasharray="4 3"/>' + _text(cx + 6, cy + 16, label, 13, weight="600"))
    parts += _edges_svg(lineage, found, drawn.edges, ways)
    parts += [_box_svg(box) for box in found]
    parts += ["</g>", "</svg>"]
    return "\n".join(parts)


def _key_width(item: Key) -> float:
    return 48 + text_width(item.words, KEY_FONT)


def _key_svg(keys: list[Key], width: float) -> tuple[list[str], float]:
    """The key of lines, in rows no wider than ``width`` (never cut at the edge), and the height it takes."""
    parts: list[str] = []
    x, row = 4.0, 0
    for item in keys:
        if x > 4 and x + _key_width(item) > width:
            x, row = 4.0, row + 1
        y = 16 + row * KEY_ROW
        parts.append(f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x + 32:.1f}" y2="{y - 4}" stroke="{item.colour}" stroke-width="2"'
                     + (f' stroke-dasharray="{item.dash}"' if item.dash else "") + ' marker-end="url(#lineage-arrow)"/>'
                     + _text(x + 38, y, [item.words], KEY_FONT))
        x += _key_width(item)
    return parts, (row + 1) * KEY_ROW + 6 if keys else 0.0


def _edges_svg(lineage: Lineage, found: list[Box], edges: list[tuple[Link, str]], ways: dict[str, bool]) -> list[str]:
    """Each link's line in its kind's colour and dash, its arrow pointing the way its words read, titled in words."""
    named = {b.key: b.label for b in found}
    kinds = {e.relation: e for e in lineage.edges}
    # A drawn line may stand for several links (a framed group of adopters): its title carries a caveat only when
    # every link of its kind shares it (the words list and the <desc> give each link's).
    caveats: dict[str, set[str]] = {}
    for edge in lineage.edges:
        caveats.setdefault(edge.relation, set()).add(known(edge))
    drawn = styles(ways)
    parts = []
    for (left, right, relation, forward), d in edges:
        along = ways.get(relation, True)
        first, last = (left, right) if forward == along else (right, left)
        caveat = next(iter(caveats[relation])) if len(caveats.get(relation, ())) == 1 else ""
        words = f"{named[first]} {wording(kinds[relation], along)} {named[last]}" + (f" ({caveat})" if caveat else "")
        stroke, dash = drawn.get(relation, (PALETTE[-1], SOLID))
        parts.append(f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="2"'
                     + (f' stroke-dasharray="{dash}"' if dash else "")
                     + f' marker-{"end" if first == left else "start"}="url(#lineage-arrow)"><title>{escape(words)}</title></path>')
    return parts


def known(edge: Edge) -> str:
    """How we know a link, when not from a source's word ("" when stated); an unknown basis is shown as it is."""
    if not edge.basis:
        return ""
    kind = kind_named(edge.basis)
    return basis_short(kind) if kind is not None else edge.basis


def sentences(lineage: Lineage, placed: dict[str, Placed]) -> list[tuple[Edge, Placed, str, Placed]]:
    """Each drawn link as it reads left to right: (edge, left end, words, right end); the page's list and the SVG's
    <desc> both read these, so they say the same."""
    return [(e, *oriented(e, placed)) for e in lineage.edges if e.source in placed and e.target in placed]


def describe(lineage: Lineage, placed: dict[str, Placed]) -> str:
    """The diagram in words, for the SVG's <desc>, each link's caveat with it."""
    said = [" ".join((left.node.label, words, right.node.label)) + (f" ({known(edge)})" if known(edge) else "")
            for edge, left, words, right in sentences(lineage, placed)]
    return "; ".join(said) + "." if said else "No lineage links are recorded."
