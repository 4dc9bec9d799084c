"""Entity pages as a policy analyst meets them, in Debian's chromium at desktop and phone widths."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_a_model_page_answers_where_it_spread_before_any_table(page, site, shot):
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
    shot(page, "entity-model-1280")


def test_walsall_shows_family_safeguarding_through_sfpc(page, site):
    page.goto(f"{site}id/organisation/walsall")
    row = page.locator("#lineage table.results tr", has_text="Family Safeguarding")
    assert row.count() == 1 and "Strengthening Families, Protecting Children" in row.inner_text()
    for link in page.locator("#lineage td[data-label='Stated by'] a").all():
        assert (link.get_attribute("href") or "").startswith("https://")


# Every entity page type at 390 px (no sideways scroll, its h1 shown, no axe serious/critical violation) is in
# test_pages_a11y.PAGE_TYPES.
