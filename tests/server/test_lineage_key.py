"""The lineage diagram's key: each kind of line drawn its own way, keyed once, never cut off at the edge."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from cscip_kg.lineage_view import Edge, Lineage, Node
from cscip_kg.server.rendering.lineage_dot import text_width
from cscip_kg.server.rendering.lineage_svg import BOLD, KEY_FONT, STYLES, legend, render, styles
from tests.server.live import fetch
from tests.server.structure import parse

SVG = "{http://www.w3.org/2000/svg}"
DIAGRAMS = ["programme/sfpc", "model/family-safeguarding", "model/mockingbird", "organisation/hertfordshire"]


@pytest.fixture(scope="module")
def server(local: str) -> str:
    """These checks need no wire: the session app answers them in-process (tests/conftest.py)."""
    return local


def _key(root: ET.Element) -> list[tuple[str, tuple[str, str]]]:
    """(words, (colour, dash)) of each key entry: the lines drawn straight under the root, each followed by its words."""
    children = list(root)
    return [(" ".join("".join(children[n + 1].itertext()).split()), (line.get("stroke", ""), line.get("stroke-dasharray", "")))
            for n, line in enumerate(children) if line.tag == f"{SVG}line"]


@pytest.mark.parametrize("path", DIAGRAMS)
def test_each_kind_of_line_has_its_own_colour_and_dash_and_one_key_entry(server, path):
    root = ET.fromstring(fetch(f"{server}lineage/{path}.svg").body)
    key = _key(root)
    assert key
    assert len({words for words, _style in key}) == len(key), key  # never "grew into" and "grew out of" both
    assert len({style for _words, style in key}) == len(key), key  # no two kinds share colour and dash
    drawn = {(p.get("stroke", ""), p.get("stroke-dasharray", "")) for p in root.iter(f"{SVG}path") if p.get("stroke")}
    assert drawn <= {style for _words, style in key}


@pytest.mark.parametrize("path", DIAGRAMS)
def test_every_key_entry_is_within_the_viewbox(server, path):
    root = ET.fromstring(fetch(f"{server}lineage/{path}.svg").body)
    width = float(root.get("viewBox", "").split()[2])
    texts = [t for t in root if t.tag == f"{SVG}text"]
    assert texts
    for text in texts:
        assert float(text.get("x", "0")) + text_width("".join(text.itertext()), KEY_FONT) <= width


@pytest.mark.parametrize("path", DIAGRAMS)
def test_every_column_heading_is_within_the_viewbox(server, path):
    root = ET.fromstring(fetch(f"{server}lineage/{path}.svg").body)
    width = float(root.get("viewBox", "").split()[2])
    headings = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") == "700"]
    assert headings
    for text in headings:
        half = max(text_width("".join(span.itertext()), 14) for span in text) * BOLD / 2
        assert half <= float(text.get("x", "0")) <= width - half, "".join(text.itertext())


def test_a_narrow_diagram_wraps_its_key_into_rows_inside_it():
    nodes = {"m": Node("m", "M", {"PracticeModel"}, set(), 2), "p": Node("p", "P", {"Project"}, set(), 1)}
    kinds = ["implementsModel", "adaptsModel", "combinesModel", "usesModel", "tookItsCueFrom", "learntFrom"]
    edges = [Edge("p", kind, "m", label=f"{kind} with a long wording") for kind in kinds]
    root = ET.fromstring(render(Lineage("m", nodes, edges), "Lineage of M", lambda iri: None))
    width = float(root.get("viewBox", "").split()[2])
    rows = {t.get("y") for t in root if t.tag == f"{SVG}text"}
    assert len(rows) > 1 and width < 600
    for text in (t for t in root if t.tag == f"{SVG}text"):
        assert float(text.get("x", "0")) + text_width("".join(text.itertext()), KEY_FONT) <= width


def test_kinds_not_styled_here_take_a_style_no_other_kind_has():
    assert len(set(STYLES.values())) == len(STYLES)
    found = styles([*STYLES, "tookItsCueFrom", "learntFrom", "wasDerivedFrom"])
    assert len(set(found.values())) == len(found)


def test_a_link_against_its_kinds_reading_points_its_arrow_left():
    nodes = {"m": Node("m", "M", {"PracticeModel"}, set(), 2), "a": Node("a", "A", {"Project"}, set(), 1),
             "b": Node("b", "B", {"Project"}, set(), 1), "late": Node("late", "Late", {"Project"}, set(), 3)}
    edges = [Edge(p, "implementsModel", "m", label="implements model", inverse="implemented by") for p in ("a", "b", "late")]
    found = Lineage("m", nodes, edges)
    assert [k.words for k in legend(found)] == ["implements model"]  # keyed once, as most of its links read
    root = ET.fromstring(render(found, "Lineage of M", lambda iri: None))
    paths = {p.findtext(f"{SVG}title"): p for p in root.iter(f"{SVG}path") if p.get("stroke")}
    assert paths["Late implements model M"].get("marker-start") and not paths["Late implements model M"].get("marker-end")
    assert paths["A implements model M"].get("marker-end")


def test_the_page_keys_its_lines_in_html_and_leaves_the_inline_svg_without_one(server):
    html = fetch(f"{server}lineage/programme/sfpc", headers={"Accept": "text/html"}).text
    found = re.search(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', html, re.S)
    assert found
    inline = ET.fromstring(found[0])
    assert not _key(inline)
    svg_key = [words for words, _style in _key(ET.fromstring(fetch(f"{server}lineage/programme/sfpc.svg").body))]
    items = [" ".join(item.split()) for item in parse(html).texts("li")]
    assert all(words.capitalize() in items for words in svg_key), (svg_key, items)
    assert 'aria-label="Kinds of line, read along the arrow"' in html
