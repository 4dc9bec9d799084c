"""Following a fact to the page it was read on, and staying on this server from the editor (Debian chromium)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

TRIAL = "https://whatworks-csc.org.uk/research-project/family-safeguarding-model-trial-evaluation/"


def test_walsalls_family_safeguarding_is_sourced_by_the_page_it_was_read_on(page, site):
    page.goto(f"{site}id/organisation/walsall")
    row = page.locator("#lineage table.results tr", has_text="Family Safeguarding")
    sources = [a.get_attribute("href") or "" for a in row.locator("td[data-label='Stated by'] a").all()]
    assert TRIAL in sources and all(href.startswith("https://") for href in sources), sources
    assert "secondary-facts" not in row.locator("td[data-label='Stated by']").inner_text()
    # The complete property table, unfolded: the adoption shortcut names the same page, not the compiled file.
    page.locator("#all-facts details summary").click()
    facts = page.locator("table.props tr", has=page.locator("a[href='/id/model/family-safeguarding']"))
    assert facts.count() == 2  # adopts model, and its lineage link
    for fact in facts.all():
        links = [a.get_attribute("href") or "" for a in fact.locator("td").last.locator("a").all()]
        assert TRIAL in links and all(link.startswith("https://") for link in links), links
    assert page.locator("table.props a[href$='/id/source/secondary-facts']").count() == 0


def test_a_model_walsall_took_up_opens_its_page(page, site):
    page.goto(f"{site}id/organisation/walsall")
    page.locator("#lineage td[data-label='Took up']").get_by_role("link", name="Family Safeguarding").click()
    page.wait_for_url("**/id/model/family-safeguarding")
    assert page.locator("h1").inner_text().startswith("Family Safeguarding")


def test_a_report_page_links_its_document(page, site):
    page.goto(f"{site}id/report/family-safeguarding-round-1")
    document = page.locator(".summary-text").get_by_role("link", name="BASW: family safeguarding hertfordshire evaluation report")
    assert document.first.get_attribute("href") == "https://www.basw.co.uk/resources/family-safeguarding-hertfordshire-evaluation-report"


def test_editor_results_link_to_this_servers_pages(page, site):
    page.goto(f"{site}editor")
    page.get_by_role("tab", name="Which round 1 models fed Strengthening Families, Protecting Children?").click()
    page.get_by_role("tabpanel").get_by_role("button", name="Run query").click()
    results = page.get_by_role("tabpanel").get_by_role("table")
    results.get_by_text("Family Safeguarding").first.wait_for(timeout=15_000)
    iris = results.locator("a.iri")
    assert iris.count() > 0
    local = 0
    for link in iris.all():
        href = link.get_attribute("href") or ""
        assert not href.startswith("https://w3id.org/"), href
        if not href.startswith("http"):  # minted here: this server's page, in this window (a datatype's stays out)
            local += 1
            assert href.startswith("/id/") and link.get_attribute("target") != "_blank", href
    assert local >= 3
    iris.filter(has_text="family-safeguarding").first.click()
    page.wait_for_url("**/id/**family-safeguarding")
    assert page.url.startswith(site)
