"""What a person does with the site, in a real browser: search, lineage, a question, the editor, a CSV."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.slow


def test_home_search_mockingbird_then_its_lineage(page, site, shot):
    page.goto(site)
    shot(page, "home")
    assert page.locator("h1").inner_text().startswith("Children's Social Care Innovation Programme")
    page.get_by_label("Name or abbreviation").fill("Mockingbird")
    page.get_by_label("Name or abbreviation").press("Enter")
    page.wait_for_url("**/search?q=Mockingbird")
    shot(page, "search-mockingbird")
    page.get_by_role("link", name="Mockingbird Family Model", exact=True).first.click()
    page.wait_for_url("**/id/model/mockingbird")
    page.get_by_role("link", name="Where it came from and where it spread (diagram)").click()
    page.wait_for_url("**/lineage/model/mockingbird")
    diagram = page.locator("svg.lineage")
    assert diagram.is_visible()
    assert "Supporting Families: Investing in Practice" in diagram.locator("title").all_text_contents()
    shot(page, "lineage-mockingbird")


def test_the_headline_question_from_home_without_sparql(page, site, shot):
    page.goto(site)
    page.get_by_role("link", name="Strengthening Families, Protecting Children page").click()
    page.wait_for_url("**/id/programme/sfpc")
    cells = page.locator("table.results td").all_inner_texts()
    assert {"Family Safeguarding", "Family Valued", "No Wrong Door"} <= set(cells)
    shot(page, "sfpc")


def test_run_a_named_query_with_a_parameter(page, site, shot):
    page.goto(f"{site}queries/projects-by-theme")
    page.get_by_label("Only projects of this theme").select_option(label="Residential care")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_url("**theme=theme%3Aresidential-care")
    themes = page.locator("table.results td[data-label=Theme]").all_inner_texts()
    assert themes and set(themes) == {"Residential care"}
    shot(page, "query-projects-by-theme")


def test_from_home_to_a_themes_projects_as_csv(page, site, shot, tmp_path):
    page.goto(site)
    page.get_by_role("link", name="Residential care").first.click()
    page.wait_for_url("**/id/theme/residential-care")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").first.click()
    saved = tmp_path / "projects.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows and {r["themeLabel"] for r in rows} == {"Residential care"}
    shot(page, "theme-residential-care")


def test_run_a_query_in_the_editor(page, site, shot):
    page.goto(f"{site}editor")
    page.get_by_role("tab", name="Which round 1 models fed Strengthening Families, Protecting Children?").click()
    panel = page.get_by_role("tabpanel")
    panel.get_by_role("button", name="Run query").click()
    panel.get_by_role("table").get_by_text("Family Safeguarding").first.wait_for(timeout=15_000)
    shot(page, "editor")


def test_readable_on_a_phone(page, site, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("", "id/programme/sfpc"):
        page.goto(site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        shot(page, f"phone-{path.replace('/', '-') or 'home'}")


def test_keyboard_focus_is_visible(page, site):
    page.goto(site)
    page.keyboard.press("Tab")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none"
