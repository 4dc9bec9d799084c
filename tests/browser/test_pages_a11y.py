"""Every page type in a real browser: axe-core finds no serious or critical violation, nothing scrolls sideways
at 390 px, and the browse tables and search work by mouse and by keyboard.

axe-core is vendored from npm (scripts/vendor-axe.sh) and injected into each page; it never comes from the network.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGE_TYPES = [
    "", "models/", "projects/", "grants/?sort=amount&desc=1", "organisations/", "reports/", "programmes/", "themes/",
    "search?q=mokingbird", "search?q=council&page=2", "id/model/family-safeguarding", "id/project/family-safeguarding",
    "id/grant/round-1-hertfordshire", "id/programme/sfpc", "id/organisation/walsall", "id/report/family-safeguarding-round-1",
    "id/theme/residential-care", "id/source/dfe-insights-2021",
    "queries/", "queries/lineage", "queries/adopters-of-model?model=model:family-safeguarding",
    "editor", "sparql", "download/", "dataset", ".well-known/void", "api/", "def/", "def/PracticeModel",
    "lineage/programme/sfpc", "lineage/model/family-safeguarding",
]


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    if not page.evaluate("'axe' in window"):  # (once per document)
        page.evaluate(axe_source())
    # Only what the message shows comes back (the whole of axe's answer is some 55 kB a run).
    found = page.evaluate("""axe.run(document, {resultTypes: ['violations']}).then(answer => answer.violations.map(
      v => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map(n => n.target)})))""")
    return [f"{v['id']} ({v['impact']}): {v['targets']}" for v in found if v["impact"] in ("serious", "critical")]


def widen(page, width: int) -> None:  # type: ignore[no-untyped-def]
    """The window resized as a person would; CodeMirror (the editor) redraws 100 ms after a resize event, so is
    told at once, as its own handler would."""
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("document.querySelectorAll('.CodeMirror').forEach(editor => editor.CodeMirror.refresh())")


def assert_titled_and_accessible(page, path: str, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.locator("html").get_attribute("lang") == "en" and page.title(), (path, width)
    assert page.locator("h1").is_visible(), (path, width)
    assert not axe_violations(page), (path, width)


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_serious_axe_violation_and_no_sideways_scroll_at_390(page, site, shot, path):
    # One load per page, at a phone's width, then the window widened to 1280: CSS alone tells the widths apart
    # (no script of the site's reads the width when loading). Checked once loaded, not at network idle (500 ms
    # of quiet a load): a page's only later request is its favicon, asked for at the load event and long done
    # when axe has run; a request off this machine fails the test (the page fixture) whenever it is made.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(site + path)
    assert_titled_and_accessible(page, path, 390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, (path, 390)
    shot(page, f"a11y-{path.split('?')[0].replace('/', '-') or 'home'}-390")
    widen(page, 1280)
    assert_titled_and_accessible(page, path, 1280)


def test_sorting_grants_by_amount_by_clicking_the_header(page, site, screenshots):
    page.goto(site + "grants/")
    page.get_by_role("link", name="Amount").click()
    page.wait_for_url("**sort=amount**")
    if "desc=1" not in page.url:  # a first click sorts ascending; the second flips it
        page.get_by_role("link", name="Amount").click()
        page.wait_for_url("**desc=1**")
    amounts = page.locator("td[data-label=Amount] span[title]").evaluate_all("cells => cells.map(c => c.title)")
    figures = [int(a.replace("£", "").replace(",", "")) for a in amounts]
    assert figures and figures == sorted(figures, reverse=True)
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Amount")
    page.screenshot(path=str(screenshots / "grants-by-amount.png"), full_page=False)


def test_a_facet_filters_by_keyboard_and_the_csv_twin_matches(page, site, tmp_path):
    page.goto(site + "projects/")
    facet = page.get_by_role("navigation", name="Filters").get_by_role("link", name="CSCIP round 1", exact=False).first
    facet.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**round=**")
    shown = page.locator("td[data-label=Project]").all_inner_texts()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    saved = tmp_path / "projects.csv"
    download.value.save_as(saved)
    import csv

    with saved.open(encoding="utf-8") as handle:
        assert [row["item"] for row in csv.DictReader(handle)] == shown


def test_mokingbird_finds_mockingbird_first(page, site, screenshots):
    page.goto(site)
    page.get_by_role("search", name="Site").get_by_role("searchbox").fill("mokingbird")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=mokingbird")
    first = page.locator("ol.hits li a").first
    assert first.inner_text() == "Mockingbird Family Model"
    assert first.get_attribute("href") == "/id/model/mockingbird"
    page.screenshot(path=str(screenshots / "search-mokingbird.png"), full_page=False)


def test_the_404_page_in_a_browser(browser, site, shot):
    # Its own context: the shared page fixture fails on the console line Chromium logs for any 404.
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        answer = page.goto(site + "no/such/page")
        assert answer is not None and answer.status == 404
        assert page.locator("html").get_attribute("lang") == "en" and page.title().startswith("Page not found")
        assert page.get_by_role("navigation", name="Browse").is_visible()
        assert page.get_by_role("search", name="Search this site").is_visible()
        assert not axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "not-found-390")
    finally:
        context.close()


def test_sorting_grants_by_amount_on_a_phone(page, site):
    # At 390 px rows are cards and the header row with its sort links is hidden; a list of the same links is shown.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + "grants/")
    sort = page.get_by_role("navigation", name="Sort")
    assert sort.is_visible()
    sort.get_by_role("link", name="Amount").click()
    page.wait_for_url("**sort=amount**")
    if "desc=1" not in page.url:
        page.get_by_role("navigation", name="Sort").get_by_role("link", name="Amount").click()
        page.wait_for_url("**desc=1**")
    amounts = page.locator("td[data-label=Amount] span[title]").evaluate_all("cells => cells.map(c => c.title)")
    figures = [int(a.replace("£", "").replace(",", "")) for a in amounts]
    assert figures and figures == sorted(figures, reverse=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_question_s_answer_sorts_by_a_clicked_column(page, site):
    # The answer tables of question pages could not be sorted (the browse pages sort on the server).
    page.goto(site + "queries/grants-by-round")
    table = page.locator("table.results").first
    table.get_by_role("button", name="Amount").click()
    table.get_by_role("button", name="Amount").click()
    assert table.locator("th[aria-sort=descending]").inner_text().startswith("Amount")
    values = table.locator("td[data-label=Amount] data[value]").evaluate_all("cells => cells.map(c => Number(c.value))")
    assert len(values) > 10 and values == sorted(values, reverse=True)
    table.get_by_role("button", name="Led by").click()
    leads = [t.strip().lower() for t in table.locator("td[data-label='Led by']").all_inner_texts() if t.strip()]
    assert leads == sorted(leads, key=lambda t: t.casefold()) or leads[0] <= leads[-1]
