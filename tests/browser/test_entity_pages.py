"""Entity pages as a policy analyst meets them, in Debian's chromium at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PAGES = ["id/model/family-safeguarding", "id/project/family-safeguarding", "id/programme/sfpc", "id/organisation/walsall",
         "id/grant/round-1-hertfordshire", "id/report/family-safeguarding-round-1", "id/theme/residential-care",
         "queries/adopters-of-model?model=model:family-safeguarding"]


def test_a_model_page_answers_where_it_spread_before_any_table(page, site, screenshots: Path):
    page.goto(f"{site}id/model/family-safeguarding")
    first = page.locator(".summary-text p").first.inner_text()
    assert first == "Family Safeguarding is a practice model, developed by Hertfordshire County Council."
    money = page.locator(".summary-text data", has_text="£4.8m").first
    assert money.get_attribute("value") == "4800000" and "£4,800,000" in (money.get_attribute("title") or "")
    assert "11 organisations took it up" in page.locator(".summary-text").inner_text()
    # The complete property table is there for linked-data users, folded until asked for.
    assert not page.locator("table.props").first.is_visible()
    page.locator("#all-facts details summary").click()
    assert page.locator("table.props").first.is_visible()
    page.screenshot(path=str(screenshots / "entity-model-1280.png"), full_page=True)


def test_walsall_shows_family_safeguarding_through_sfpc(page, site):
    page.goto(f"{site}id/organisation/walsall")
    row = page.locator("#lineage table.results tr", has_text="Family Safeguarding")
    assert row.count() == 1 and "Strengthening Families, Protecting Children" in row.inner_text()
    for link in page.locator("#lineage td[data-label='Stated by'] a").all():
        assert (link.get_attribute("href") or "").startswith("https://")


@pytest.mark.parametrize("path", PAGES)
def test_entity_pages_fit_a_phone(page, site, screenshots: Path, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (path, width)
    assert page.locator("h1").is_visible()
    page.screenshot(path=str(screenshots / f"entity-phone-{path.split('?')[0].replace('/', '-')}.png"), full_page=True)
