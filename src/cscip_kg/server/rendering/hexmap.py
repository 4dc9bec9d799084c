"""A hex map of England's upper-tier authorities, coloured by how each took part.

The layout (``geo/uk-upper-tier-local-authorities.hexjson``, MIT, Open
Innovations) places one hexagon per authority by GSS code; authorities join
the graph by their ``adms:identifier`` GSS code, never by name. An
organisation that has no code, or a code the 2020 layout lacks, is listed
under the map with the reason instead of being guessed onto it.

The SVG is drawn here with presentation attributes only (CSP-safe, like the
lineage diagram); each hex of an organisation in the graph is a link with an
accessible name, the others are hidden from assistive technology.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import escape
from importlib import resources

from markupsafe import Markup

from cscip_kg.server.rendering.basis import INFERRED, basis_short
from cscip_kg.spread import Involvement, Spread

LAYOUT = "uk-upper-tier-local-authorities.hexjson"
SIZE = 12.0  # hexagon radius in SVG units
WIDE = math.sqrt(3) * SIZE
PAD = 4.0
IN_GRAPH = "#c9c9c9"  # an authority in the graph that is not in this map's groups
ELSEWHERE = "#ececec"  # an authority the graph does not know
FOCUS = "#0b0c0c"
RING = SIZE * 0.38
OUTSIDE_GROUPS = "In the graph, not in these groups"
EVALUATED = "Has its own evaluated findings on this model"
NO_CODE = ("The graph holds no GSS code for these (charities, trusts, partnerships and others that are not councils, "
           "and councils whose code the sources do not give)")
NOT_IN_LAYOUT = ("Their GSS code is not in the map's layout of the authorities of 2020 (codes change when authorities are "
                 "reorganised)")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    q: int
    r: int


@dataclass(frozen=True)
class Mark:
    """Organisations whose hexagons get a ring, and what the ring means, in words."""
    orgs: frozenset[str]
    words: str


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    colour: str


@dataclass
class Member:
    """One organisation's place on a map: its group (the first that applies) and every fact behind it."""
    org: str
    category: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    name: str
    href: str | None
    code: str
    group: str
    details: str
    marked: bool = False  # has the map's mark (a model's map: its own evaluated findings)


@dataclass
class SpreadMap:
    title: str
    intro: str
    legend: list[tuple[Category, int]]
    rows: list[Row]  # the table twin: every organisation in a group, on the map or not
    unplaced: list[tuple[str, list[Row]]]  # why the map cannot place them → the organisations in a group it cannot place
    svg: Markup  # every text in it escaped by _hex and _svg
    mark: str = ""  # what the ring in a hexagon means, in words ("" when the map marks nothing)
    marked: int = 0  # how many marked authorities are on the map


@cache
def layout() -> dict[str, Place]:
    """The hex layout, keyed by GSS code (read once from package data)."""
    text = resources.files("cscip_kg.server").joinpath("geo", LAYOUT).read_text(encoding="utf-8")
    hexes = json.loads(text)["hexes"]
    return {code: Place(code, h["n"], int(h["q"]), int(h["r"])) for code, h in hexes.items()}


def draw(spread: Spread, title: str, intro: str, categories: list[Category], members: dict[str, Member],
         link: Callable[[str], str | None], focus: str | None = None, marked: Mark | None = None) -> SpreadMap:
    """The map, its legend and its table twin for organisations already sorted into ``categories``.

    ``marked`` rings the hexagons of some organisations (in or out of the groups) and says why in words.
    """
    ringed = marked.orgs if marked else frozenset()
    places = layout()
    by_code = spread.org_by_code
    colour = {c.key: c.colour for c in categories}
    group = {c.key: c.label for c in categories}
    rows: list[Row] = []
    unplaced: dict[str, list[Row]] = {NO_CODE: [], NOT_IN_LAYOUT: []}
    for org, member in sorted(members.items(), key=lambda item: spread.label(item[0]).lower()):
        code = spread.codes.get(org, "")
        row = Row(spread.label(org), link(org), code, group[member.category], "; ".join(member.details), org in ringed)
        rows.append(row)
        if code not in places:
            unplaced[NOT_IN_LAYOUT if code else NO_CODE].append(row)
    for org in sorted(ringed - set(members), key=lambda o: spread.label(o).lower()):
        row = Row(spread.label(org), link(org), spread.codes.get(org, ""), OUTSIDE_GROUPS, "", True)
        rows.append(row)
        if row.code not in places:
            unplaced[NOT_IN_LAYOUT if row.code else NO_CODE].append(row)
    counts = {c.key: sum(1 for m in members.values() if m.category == c.key and spread.codes.get(m.org) in places)
              for c in categories}
    legend = [(c, counts[c.key]) for c in categories if counts[c.key]]
    hexes = []
    for place in places.values():
        known = by_code.get(place.code)
        grouped = members.get(known) if known else None
        fill = colour[grouped.category] if grouped else (IN_GRAPH if known else ELSEWHERE)
        name = spread.label(known) if known else place.name
        words = f"{name}: {group[grouped.category]}" if grouped else (f"{name}: not in this map's groups" if known else name)
        if grouped and grouped.details:
            words += f" ({'; '.join(grouped.details)})"
        ring = known is not None and known in ringed
        if ring and marked:
            words += f"; {marked.words.lower()}"
        # Only the groups' members and ringed authorities are keyboard stops: on a map of one organisation's
        # groups, ~150 "not in this map's groups" stops would bury them (the table twin lists the members too).
        aside = not grouped and not ring
        hexes.append(_hex(place, fill, words, link(known) if known else None, known is not None and known == focus, ring, aside))
    count = sum(1 for org in ringed if spread.codes.get(org) in places)
    return SpreadMap(title, intro, legend, rows, [(why, found) for why, found in unplaced.items() if found],
                     _svg(title, intro, hexes), marked.words if marked else "", count)


@cache
def _northmost() -> int:
    return max(p.r for p in layout().values())


def _centre(place: Place, top: int) -> tuple[float, float]:
    # odd-r: odd rows sit half a hexagon to the right; r grows northwards, so it is flipped for the page.
    x = PAD + WIDE / 2 + place.q * WIDE + (WIDE / 2 if place.r % 2 else 0)
    y = PAD + SIZE + (top - place.r) * 1.5 * SIZE
    return x, y


def _hex(place: Place, fill: str, words: str, href: str | None, focus: bool, ring: bool = False,
         aside: bool = False) -> tuple[bool, str]:
    """The hexagon's SVG, and whether it is a keyboard stop (an ``aside`` link is for the mouse alone)."""
    cx, cy = _centre(place, _northmost())
    points = " ".join(f"{cx + SIZE * math.cos(math.radians(60 * i - 30)):.1f},{cy + SIZE * math.sin(math.radians(60 * i - 30)):.1f}"
                      for i in range(6))
    stroke, width = (FOCUS, 3) if focus else ("#ffffff", 1)
    shape = f'<polygon points="{points}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
    if ring:  # white with a dark edge, so it shows on every fill
        shape += f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{RING:.1f}" fill="#ffffff" stroke="{FOCUS}" stroke-width="2"/>'
    label = escape(words)
    if href is None:
        return False, f"<g><title>{label}</title>{shape}</g>"
    if aside:  # in the aria-hidden group: out of the tab order, still a link and a tooltip for the mouse
        return False, f'<a href="{escape(href)}" tabindex="-1"><title>{label}</title>{shape}</a>'
    return True, f'<a href="{escape(href)}" aria-label="{label}"><title>{label}</title>{shape}</a>'


def _svg(title: str, intro: str, hexes: list[tuple[bool, str]]) -> Markup:
    places = layout().values()
    width = PAD * 2 + (max(p.q for p in places) + 1.5) * WIDE
    height = PAD * 2 + 2 * SIZE + (max(p.r for p in places) - min(p.r for p in places)) * 1.5 * SIZE
    stops = [shape for is_stop, shape in hexes if is_stop]
    hidden = [shape for is_stop, shape in hexes if not is_stop]  # plain hexes, and links for the mouse alone
    return Markup("\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" class="hexmap" '
        f'role="group" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(intro)}</desc>",
        '<g aria-hidden="true">', *hidden, "</g>",
        *stops,
        "</svg>",
    ]))


# ------------------------------------------------------------------ the four maps

STAGE_COLOURS = {"round1": "#d55e00", "round2": "#e69f00", "pip": "#cc79a7", "sfpc": "#0072b2", "sfip": "#009e73"}
HOW = {"adoption": "adopted a model", "participation": "took part", "lead": "led a project", "partner": "partner in a project",
       "developer": "developed a model"}
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8c6d31", "#000000")


def _fact(spread: Spread, i: Involvement) -> str:
    doing = {"adoption": "adopted", "participation": "took part", "lead": "led", "partner": "partner in",
             "developer": "developed"}[i.how]
    what = spread.label(i.project) if i.project and i.how in ("lead", "partner") else spread.label(i.model)
    parts = [doing + (f" {what}" if what and i.how != "participation" else "")]
    if i.programme:
        parts.append(f"through {spread.label(i.programme)}")
    if i.role:
        parts.append(f"as {i.role}")
    if i.via:
        parts.append(f"with {spread.label(i.via)}")
    if i.claimed:
        parts.append("(a source says so with doubt)")
    if i.inferred:
        parts.append(f"({basis_short(INFERRED)})")
    return " ".join(parts)


def _sorted_into(spread: Spread, found: list[tuple[str, Involvement]], order: list[str]) -> dict[str, Member]:
    """Each organisation in the first of its categories (by ``order``), with all its facts."""
    members: dict[str, Member] = {}
    for key, i in sorted(found, key=lambda pair: order.index(pair[0])):
        member = members.setdefault(i.org, Member(i.org, key))
        fact = _fact(spread, i)
        if fact not in member.details:
            member.details.append(fact)
    return members


def model_map(spread: Spread, model: str, link: Callable[[str], str | None]) -> SpreadMap:
    """Authorities coloured by how they took the model up: innovator, round 2, Partners in Practice, SFPC, SFIP."""
    categories = [Category("round1", "Innovator (developed it, or led or partnered its round 1 project)", STAGE_COLOURS["round1"]),
                  Category("round2", "Round 2 (scale-up)", STAGE_COLOURS["round2"]),
                  Category("pip", "Partners in Practice", STAGE_COLOURS["pip"]),
                  Category("sfpc", "Strengthening Families, Protecting Children (SFPC)", STAGE_COLOURS["sfpc"]),
                  Category("sfip", "Supporting Families: Investing in Practice (SFIP)", STAGE_COLOURS["sfip"])]
    found: list[tuple[str, Involvement]] = []
    for i in spread.of_model(model):
        stage = "round1" if i.how == "developer" or i.role == "innovator" else spread.stage(i.programme)
        if stage is not None:
            found.append((stage, i))
    members = _sorted_into(spread, found, [c.key for c in categories])
    name = spread.label(model)
    evaluated = frozenset(spread.evaluated.get(model, ()))
    intro = (f"Where {name} was taken up, each authority coloured by the first way it took the model up; "
             "grey authorities are in the graph without a recorded take-up of it."
             + (" A ring marks a place with its own evaluated findings on the model." if evaluated else ""))
    return draw(spread, f"Where {name} spread", intro, categories, members, link,
                marked=Mark(evaluated, EVALUATED) if evaluated else None)


def programme_map(spread: Spread, programme: str, link: Callable[[str], str | None]) -> SpreadMap:
    """The programme's members, coloured by the part of the programme (round, strand) or role they had."""
    found: list[tuple[str, Involvement]] = []
    for i in spread.in_programme(programme):
        chain = spread.chain(i.programme)
        part = chain[chain.index(programme) - 1] if chain.index(programme) > 0 else None
        found.append((spread.label(part) if part else (i.role or HOW[i.how]), i))
    keys = sorted({key for key, _i in found}, key=str.lower)
    overflow = keys[len(PALETTE) - 1:] if len(keys) > len(PALETTE) else []
    found = [("other roles" if key in overflow else key, i) for key, i in found]
    keys = [k for k in keys if k not in overflow] + (["other roles"] if overflow else [])
    categories = [Category(key, key[:1].upper() + key[1:], PALETTE[n]) for n, key in enumerate(keys)]
    members = _sorted_into(spread, found, keys)
    name = spread.label(programme)
    intro = f"The authorities that took part in {name}, coloured by their part or role in it."
    return draw(spread, f"Who took part in {name}", intro, categories, members, link)


def organisation_map(spread: Spread, organisation: str, link: Callable[[str], str | None]) -> SpreadMap | None:
    """Where the organisation is: its own hex, or its members' hexes for a partnership; None when neither has a
    code (a charity, a department): a map of England with nothing on it would say nothing."""
    categories = [Category("self", "This organisation", "#d55e00"), Category("member", "A member of it", "#0072b2")]
    members = {organisation: Member(organisation, "self")} if organisation in spread.codes else {}
    for member in sorted(spread.members.get(organisation, ())):
        members[member] = Member(member, "member")
    if not any(member in spread.codes for member in members):
        return None
    name = spread.label(organisation)
    return draw(spread, f"Where {name} is", f"{name} on a map of England's upper-tier authorities.", categories, members, link,
                focus=organisation)


def reach_map(spread: Spread, link: Callable[[str], str | None]) -> SpreadMap:
    """CSCIP's reach: every authority coloured by the first stage in which it took part."""
    # "First in": an authority is counted once, under its first stage, so "SFPC: 11" here and SFPC's 21 on its own
    # page do not read as a contradiction.
    categories = [Category("round1", "First in round 1 (led or partnered an innovation project)", STAGE_COLOURS["round1"]),
                  Category("round2", "First in round 2 or 3 (scale-up and later projects)", STAGE_COLOURS["round2"]),
                  Category("pip", "First in Partners in Practice", STAGE_COLOURS["pip"]),
                  Category("sfpc", "First in Strengthening Families, Protecting Children (SFPC)", STAGE_COLOURS["sfpc"]),
                  Category("sfip", "First in Supporting Families: Investing in Practice (SFIP)", STAGE_COLOURS["sfip"])]
    found = [(stage, i) for i in spread.involvements if (stage := spread.stage(i.programme)) is not None]
    members = _sorted_into(spread, found, [c.key for c in categories])
    intro = ("Every organisation that took part in CSCIP or what grew out of it, coloured by the first stage in which it "
             "took part; grey authorities are in the graph but took part in none of these.")
    return draw(spread, "CSCIP's reach", intro, categories, members, link)
