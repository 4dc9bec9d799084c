"""The lineage diagram, the hex map and the timeline in a real browser: readable at 1280 px, usable at 390 px, by keyboard."""

from __future__ import annotations

import pytest

from cscip_kg.server.rendering.hexmap import ELSEWHERE, IN_GRAPH

pytestmark = pytest.mark.slow

DIAGRAMS = ["lineage/programme/sfpc", "lineage/model/family-safeguarding", "lineage/organisation/hertfordshire"]
PHONE = ["", "id/programme/sfpc", "id/model/family-safeguarding"]

SMALLEST_SVG_TEXT = """() => {
  const svg = document.querySelector('svg.lineage');
  const scale = svg.getScreenCTM().a;
  return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale));
}"""
# Every box's text inside its box: the label is wrapped to fit, never cut or spilling over.
SPILLS = """() => [...document.querySelectorAll('svg.lineage rect.box')].flatMap(rect => {
  const text = rect.parentNode.querySelector('text');
  const box = rect.getBBox(), drawn = text.getBBox();
  return drawn.x + drawn.width <= box.x + box.width && drawn.y + drawn.height <= box.y + box.height ? [] : [text.textContent];
})"""
SMALLEST_HTML_TEXT = """(selector) => {
  const sizes = [];
  for (const part of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const element = walker.currentNode.parentElement;
      if (walker.currentNode.textContent.trim() && element.getClientRects().length && !element.closest('svg')) {
        sizes.push(parseFloat(getComputedStyle(element).fontSize));
      }
    }
  }
  return Math.min(...sizes);
}"""


@pytest.mark.parametrize("path", DIAGRAMS)
def test_the_diagram_is_drawn_at_full_size_with_no_label_cut_at_1280(page, site, shot, path):
    page.goto(site + path)
    assert page.locator("svg.lineage").is_visible()
    assert page.evaluate(SMALLEST_SVG_TEXT) >= 12
    assert page.evaluate(SPILLS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(page, f"diagram-{path.replace('/', '-')}")


@pytest.mark.parametrize("path", ["id/model/family-safeguarding", ""])
def test_map_and_timeline_text_is_at_least_12px_at_1280(page, site, shot, path):
    page.goto(site + path)
    assert page.locator("svg.hexmap").is_visible()
    assert page.evaluate(SMALLEST_HTML_TEXT, ".spread-map, .spread-timeline, .diagram-legend") >= 12
    shot(page, f"map-{path.replace('/', '-') or 'home'}")


@pytest.mark.parametrize("path", PHONE)
def test_diagram_and_map_have_no_horizontal_scroll_at_390(page, site, shot, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    hexes = page.locator("svg.hexmap")
    if hexes.count():
        box = hexes.bounding_box()
        assert hexes.is_visible() and box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    if page.locator("figure.diagram").count():
        # On a phone the diagram is shown as lists of the same links, stage by stage.
        assert not page.locator("svg.lineage").is_visible()
        assert page.locator(".diagram-list").is_visible()
        assert page.locator(".diagram-list a").count() >= 10
    shot(page, f"phone-diagrams-{path.replace('/', '-') or 'home'}")


def test_every_box_of_the_diagram_is_reached_by_keyboard(page, site):
    page.goto(site + "lineage/model/family-safeguarding")
    boxes = page.locator("svg.lineage a").count()
    page.locator(".diagram-frame").focus()
    visited = []
    for _ in range(boxes):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("""() => { const a = document.activeElement;
          return a.closest('svg.lineage') ? a.getAttribute('aria-label') : null; }"""))
    assert None not in visited and len(set(visited)) == boxes, visited
    assert any(name.startswith("Walsall") for name in visited)


def test_the_linked_hexes_are_reached_by_keyboard_with_their_names(page, site):
    page.goto(site + "id/programme/sfpc")
    page.get_by_role("link", name="Skip the map to its table").focus()
    page.keyboard.press("Tab")  # the map comes next
    assert page.evaluate("document.activeElement.closest('svg.hexmap') !== null")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')")
    walsall = page.get_by_role("link", name="Walsall: Trial cohort")
    assert walsall.count() == 1
    walsall.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/id/organisation/walsall")


HEXES = "hexes => hexes.map(a => [a.getAttribute('aria-label'), a.querySelector('polygon').getAttribute('fill')])"


def test_the_sfpc_map_colours_its_18_authorities_and_its_3_innovators(page, site, shot):
    page.goto(site + "id/programme/sfpc")
    drawn = page.locator("svg.hexmap a").evaluate_all(HEXES)
    # An accessible name reads "Walsall: Trial cohort (adopted Family Safeguarding through … as trial cohort)".
    coloured = {name.split(": ")[0]: (name.split(": ", 1)[1].split(" (")[0], fill)
                for name, fill in drawn if fill not in (IN_GRAPH, ELSEWHERE)}
    innovators = {name for name, (role, _fill) in coloured.items() if role == "Innovator"}
    # SFPC: 18 authorities (trailblazers and the trial cohort) took up the three innovators' models.
    assert innovators == {"Hertfordshire County Council", "Leeds City Council", "North Yorkshire County Council"}
    assert len(coloured) - len(innovators) == 18, sorted(coloured)
    assert coloured["Walsall"][0] == "Trial cohort"
    roles = {role: fill for role, fill in coloured.values()}
    assert len(set(roles.values())) == len(roles)  # one colour per role, told apart in the legend
    legend = [item.strip() for item in page.locator(".spread-map .legend li").all_inner_texts()]
    assert "Trial cohort: 15 on the map" in legend and "Innovator: 3 on the map" in legend
    page.locator("#spread-map-table").click()  # the table twin lists the same authorities
    assert sorted(page.locator(".spread-map td[data-label=Organisation]").all_inner_texts()) == sorted(coloured)
    shot(page, "map-sfpc")
