"""Where the lineage diagram's boxes go: Graphviz ``dot`` lays them out, this module talks to it.

Boxes are sized to their wrapped labels before dot sees them (fixed size), so
a label is never cut; the Lineage's columns become ranks, left to right; the
adopters through one programme share a frame (a dot cluster). ``dot`` runs as
a subprocess with a time limit and no shell; ``LayoutUnavailable`` says why
when it cannot (not installed, too slow, failed). ``lineage_svg`` draws the
SVG from the coordinates found here.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from cscip_kg.lineage_view import Node

FONT, LINE, PAD_X, PAD_Y = 13, 17, 8, 6  # px; the SVG is never scaled down, so 13 px is what a reader sees
WRAP = 140  # widest line of a box label, px
DOT_TIMEOUT = 20  # seconds


class LayoutUnavailable(RuntimeError):
    """Graphviz could not lay the diagram out (not installed, timed out, failed); the message says which."""


@dataclass
class Box:
    key: str
    iri: str | None  # None for a folded group
    label: str
    kind: str
    fill: str
    column: int
    lines: list[str]
    width: float
    height: float
    href: str | None = None
    focus: bool = False
    group: str = ""  # the programme its adopters came through, for grouping
    x: float = 0.0  # top-left, after layout
    y: float = 0.0
    members: list[Node] = field(default_factory=list)


def text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of the drawn width (system sans-serif), so boxes never cut their text."""
    narrow, wide = set("ijlft.,:;'’!|() "), set("mwMW@")
    total = sum(0.34 if c in narrow else 0.9 if c in wide else 0.72 if c.isupper() else 0.6 for c in text)
    return total * size


def wrap(text: str, limit: float = WRAP, size: float = FONT) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


Link = tuple[str, str, str, bool]  # left box, right box, relation, whether it reads left to right in the data's direction


def dot_source(found: list[Box], links: list[Link], group_labels: Mapping[str, str]) -> str:
    """The layout problem for dot: fixed-size boxes, one rank per column, adopters clustered by programme."""
    column = {b.key: b.column for b in found}
    columns = sorted(set(column.values()))
    lines = ["digraph lineage {",
             'graph [rankdir=LR, newrank=true, nodesep=0.14, ranksep=0.5, fontsize=13, fontname="sans-serif", labeljust=l];',
             'node [shape=box, fixedsize=true, label=""]; edge [arrowsize=0.7];']
    lines += [f"c{c} [width=0.01, height=0.01, style=invis];" for c in columns]
    lines += [f"c{a} -> c{b} [style=invis];" for a, b in itertools.pairwise(columns)]
    lines += [f"{box.key} [width={box.width / 72:.3f}, height={box.height / 72:.3f}];" for box in found]
    for name, (words, members) in clusters(found, group_labels).items():
        label = _quoted("\n".join(heading_lines(words, members)))
        lines.append(f"subgraph {name} {{ label={label}; fontsize=17; {' '.join(b.key for b in members)} }}")
    for c in columns:
        lines.append(f"{{ rank=same; c{c}; {' '.join(b.key for b in found if b.column == c)} }}")
    for left, right, _relation, _forward in links:
        same = column[left] == column[right]
        lines.append(f"{left} -> {right}" + (" [constraint=false];" if same else ";"))
    lines.append("}")
    return "\n".join(lines)


def clusters(found: list[Box], group_labels: Mapping[str, str]) -> dict[str, tuple[str, list[Box]]]:
    """dot cluster name → (heading, boxes): the adopters through each programme, drawn in one frame."""
    groups: dict[str, list[Box]] = {}
    for box in found:
        if box.group and box.iri is not None:
            groups.setdefault(box.group, []).append(box)
    return {f"cluster_{n}": (f"Through {group_labels.get(group, group)}", members)
            for n, (group, members) in enumerate(sorted(groups.items()))}


def heading_lines(words: str, members: list[Box]) -> list[str]:
    """A frame's heading, wrapped to its widest box (dot is told a bigger font, so it leaves room for it)."""
    return wrap(words, max(max(b.width for b in members), 150), 13)


@lru_cache(maxsize=64)
def run_dot(source: str) -> dict[str, object]:
    """dot's JSON layout of ``source``; LayoutUnavailable, saying why, if dot cannot give one."""
    try:
        done = subprocess.run(["dot", "-Tjson"], input=source.encode(), capture_output=True, timeout=DOT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise LayoutUnavailable("Graphviz is not installed (no `dot` on PATH): run `make setup`, or "
                                "`apt-get install graphviz`, to draw lineage diagrams") from None
    except subprocess.TimeoutExpired:
        raise LayoutUnavailable(f"Graphviz `dot` did not lay the diagram out within {DOT_TIMEOUT} s") from None
    if done.returncode != 0:
        raise LayoutUnavailable(f"Graphviz `dot` failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    layout_json: dict[str, object] = json.loads(done.stdout)
    return layout_json


@dataclass(frozen=True)
class Drawn:
    width: float
    height: float
    clusters: list[tuple[list[str], float, float, float, float]]  # heading lines, x, y, width, height
    edges: list[tuple[Link, str]]  # the link and its SVG path
    anchors: dict[int, float]  # column → centre x


def place(found: list[Box], links: list[Link], group_labels: Mapping[str, str], top: float) -> Drawn:
    """Run dot and move its coordinates (points, y up) onto the page (px, y down, ``top`` px left for headings).

    The page is cropped to what is drawn: the invisible column anchors may sit far below everything else.
    """
    answer = run_dot(dot_source(found, links, group_labels))
    objects: list[dict[str, str]] = answer.get("objects", [])  # type: ignore[assignment]
    by_key = {b.key: b for b in found}
    names = {int(obj.get("_gvid", n)): obj.get("name", "") for n, obj in enumerate(objects)}
    by_ends = {(link[0], link[1]): link for link in links}
    splines = [(by_ends[ends], _points(edge["pos"])) for edge in answer.get("edges", [])  # type: ignore[attr-defined]
               if (ends := (names.get(int(edge["tail"]), ""), names.get(int(edge["head"]), ""))) in by_ends and "pos" in edge]
    centres = {obj["name"]: tuple(float(v) for v in obj["pos"].split(",")) for obj in objects if obj.get("name") in by_key}
    ys = [y + sign * by_key[k].height / 2 for k, (_x, y) in centres.items() for sign in (-1, 1)]
    ys += [y for _link, points in splines for _x, y in points]
    frames_raw = [(obj["name"], [float(v) for v in obj["bb"].split(",")]) for obj in objects
                  if obj.get("name", "").startswith("cluster_") and "bb" in obj]
    ys += [v for _name, bb in frames_raw for v in (bb[1], bb[3])]
    high, low = max(ys, default=0.0), min(ys, default=0.0)

    def flip(y: float) -> float:
        return top + 4 + high - y

    for key, (x, y) in centres.items():
        box = by_key[key]
        box.x, box.y = x - box.width / 2, flip(y) - box.height / 2
    anchors = {int(obj["name"][1:]): float(obj["pos"].split(",")[0]) for obj in objects
               if obj.get("name", "").startswith("c") and obj["name"][1:].isdigit() and "pos" in obj}
    headings = {name: heading_lines(words, members) for name, (words, members) in clusters(found, group_labels).items()}
    frames = [(headings.get(name, []), bb[0], flip(bb[3]), bb[2] - bb[0], bb[3] - bb[1]) for name, bb in frames_raw]
    edges = [(link, _path(points, flip)) for link, points in splines]
    width = max([b.x + b.width for b in found] + [x + w for _h, x, _y, w, _hh in frames], default=0.0)
    return Drawn(width + 4, flip(low) + 4, frames, edges, anchors)


def _points(pos: str) -> list[tuple[float, float]]:
    """dot's spline ("e,x,y x,y x,y …": an end point, then cubic Bézier points): the Bézier points, then the end."""
    end = None
    points = []
    for token in pos.split():
        if token.startswith("e,"):
            end = token[2:]
        elif not token.startswith("s,"):
            points.append(token)
    found = [(float(a), float(b)) for a, b in (t.split(",") for t in points + ([end] if end else []))]
    return found


def _path(points: list[tuple[float, float]], flip: Callable[[float], float]) -> str:
    """The Bézier points (3n + 1) and the arrow's end point as an SVG path."""
    bezier = points[:len(points) - (len(points) - 1) % 3]
    tail = points[len(bezier):]

    def at(point: tuple[float, float]) -> str:
        return f"{point[0]:.1f},{flip(point[1]):.1f}"

    d = f"M{at(bezier[0])} C" + " ".join(at(p) for p in bezier[1:])
    return d + "".join(f" L{at(p)}" for p in tail)
