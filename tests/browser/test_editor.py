"""The query editor (/editor) in a real browser: its tabs and editor by keyboard, its answers, and no other server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_pages_a11y import axe_violations

pytestmark = pytest.mark.slow


SFPC = "Which round 1 models fed Strengthening Families, Protecting Children?"


def editor_text(page) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(page.get_by_role("tabpanel").locator(".CodeMirror-line").all_inner_texts())


def replace_query(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tabpanel").locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_tabs_by_keyboard_then_run_with_ctrl_enter_and_leave_with_esc(page, site):
    page.goto(f"{site}editor")
    page.get_by_role("tab", name="Grants by round").click()
    page.keyboard.press("ArrowRight")
    lineage = page.get_by_role("tab", name="Lineage: where something came from and where it spread")
    assert lineage.get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.textContent").startswith("Lineage")
    assert "#+ title: Lineage" in editor_text(page)
    page.keyboard.press("End")
    assert page.get_by_role("tab").last.get_attribute("aria-selected") == "true"
    page.get_by_role("tab", name=SFPC).click()
    page.keyboard.press("Tab")  # the "New query tab" button
    page.keyboard.press("Tab")  # into the editor
    assert page.evaluate("document.activeElement.closest('.CodeMirror') !== null")
    page.keyboard.press("Control+Enter")
    page.get_by_role("tabpanel").get_by_role("table").get_by_text("Family Safeguarding").first.wait_for(timeout=15_000)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # out of the editor to the next control: YASQE's run button
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Run query"


def test_each_tab_keeps_its_own_text_and_answer(page, site):
    page.goto(f"{site}editor")
    page.get_by_role("button", name="New query tab").click()
    replace_query(page, "ASK WHERE { ?s ?p ?o }")
    page.get_by_role("tabpanel").get_by_role("button", name="Run query").click()
    page.get_by_role("tabpanel").get_by_text("Answer: yes").wait_for(timeout=15_000)
    page.get_by_role("tab", name=SFPC).click()
    assert "#+ title: Which round 1" in editor_text(page)
    assert page.get_by_role("tabpanel").get_by_text("Answer: yes").count() == 0
    page.get_by_role("tab").last.click()
    assert editor_text(page).startswith("ASK WHERE") and page.get_by_role("tabpanel").get_by_text("Answer: yes").count() == 1


def test_a_graph_answer_is_turtle(page, site):
    page.goto(f"{site}editor")
    page.get_by_role("button", name="New query tab").click()
    replace_query(page, "CONSTRUCT WHERE { <https://w3id.org/cscip-kg/id/model/family-safeguarding> ?p ?o }")
    page.get_by_role("tabpanel").get_by_role("button", name="Run query").click()
    page.get_by_role("tabpanel").locator("pre").get_by_text("model:family-safeguarding").first.wait_for(timeout=15_000)
    with page.expect_download() as saved:
        page.get_by_role("button", name="Download as Turtle").click()
    assert saved.value.suggested_filename == "results.ttl"
    assert "family-safeguarding" in Path(saved.value.path()).read_text(encoding="utf-8")


def test_download_as_csv_posts_the_query_rather_than_putting_it_in_the_address(page, site):
    # The authority profile is 10,355 characters: in a GET's address a default nginx (8 KB) answers 414.
    page.goto(f"{site}editor")
    page.get_by_role("tab", name="Authority profile").click()
    page.get_by_role("tabpanel").get_by_role("button", name="Run query").click()
    page.get_by_role("tabpanel").get_by_role("table").wait_for(timeout=30_000)
    with page.expect_request(lambda r: "format=csv" in (r.post_data or "")) as sent, page.expect_download() as saved:
        page.get_by_role("button", name="Download as CSV").click()
    assert sent.value.method == "POST" and sent.value.url == f"{site}sparql"
    assert saved.value.suggested_filename == "results.csv"
    header = Path(saved.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[0] and "," in header


def test_the_servers_prefixes_are_not_flagged_but_an_undeclared_one_is(page, site):
    page.goto(f"{site}editor")
    page.get_by_role("button", name="New query tab").click()
    replace_query(page, "SELECT ?m ?label WHERE { ?m a cscip:PracticeModel ; rdfs:label ?label }")
    panel = page.get_by_role("tabpanel")
    assert panel.locator(".parseErrorIcon").count() == 0
    assert "query_valid" in (panel.get_by_role("button", name="Run query").get_attribute("class") or "")
    replace_query(page, "SELECT ?m WHERE { ?m a nosuch:PracticeModel }")
    panel.locator(".parseErrorIcon").wait_for()
    assert "query_error" in (panel.get_by_role("button", name="Run query").get_attribute("class") or "")


def test_a_question_page_opens_its_tab_in_the_editor_by_name(page, site):
    page.goto(f"{site}queries/authority-profile")
    link = page.get_by_role("link", name="Open in the query editor")
    assert link.get_attribute("href") == "/editor?tab=authority-profile"
    link.click()
    assert page.get_by_role("tab", name="Authority profile").get_attribute("aria-selected") == "true"
    assert "#+ title: Authority profile" in editor_text(page)
    page.goto(f"{site}queries/authority-profile?organisation=organisation:north-yorkshire")
    link = page.get_by_role("link", name="Open in the query editor")
    assert len(link.get_attribute("href") or "") < 100
    link.click()
    assert page.get_by_role("tab", name="Your query").get_attribute("aria-selected") == "true"
    # (the whole text: CodeMirror draws only the lines on screen)
    assert "north-yorkshire" in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")


def test_on_a_phone_the_tabs_are_one_row_and_the_editor_is_on_the_first_screen(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}editor")
    tabs = page.get_by_role("tablist").bounding_box()
    assert tabs is not None and tabs["height"] < 80
    editor = page.get_by_role("tabpanel").locator(".CodeMirror").bounding_box()
    assert editor is not None and editor["y"] + 200 < 844  # its first lines on the first screen (the tabs had pushed it to ~1,060 px)
    page.get_by_role("tab", name="Query", exact=True).focus()
    page.keyboard.press("End")
    last = page.get_by_role("tab").last.bounding_box()
    assert last is not None and last["x"] >= 0 and last["x"] + last["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not axe_violations(page)


def test_shift_tab_leaves_the_editor_unless_text_is_selected(page, site):
    page.goto(f"{site}editor")
    page.get_by_role("tabpanel").locator(".CodeMirror").click()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "New query tab"
    page.get_by_role("tabpanel").locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.closest('.CodeMirror') !== null")


# Every address the page's scripts fetch, listed as each fetch starts (before the request reaches the network).
LIST_FETCHES = """() => { window.fetched = [];
const fetchAny = window.fetch;
window.fetch = function (resource) { window.fetched.push(String(resource.url || resource)); return fetchAny.apply(this, arguments); };
const open = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (method, url) { window.fetched.push(String(url)); return open.apply(this, arguments); }; }"""
# Two frames and a task: CodeMirror's hints update on an animation frame, YASQE's completers then fetch in promises.
SETTLED_FETCHES = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(
  () => done(window.fetched.map(address => new URL(address, location.href).origin))))))"""


def test_writing_a_query_asks_no_other_server(page, site):
    # YASQE's class and property completers would ask LOV (lov.linkeddata.es) here: the fixture fails on any such
    # request that reaches the network, and the page's own list of fetches has any it starts, with no wait.
    page.goto(f"{site}editor")
    page.evaluate(LIST_FETCHES)  # (once loaded: YASQE's completers look fetch up each time they run)
    page.get_by_role("button", name="New query tab").click()
    replace_query(page, "SELECT * WHERE { ?s a foaf:Pe")
    page.keyboard.press("Control+Space")
    page.keyboard.press("Enter")
    page.keyboard.type(" . ?s foaf:na")
    assert set(page.evaluate(SETTLED_FETCHES)) <= {site.rstrip("/")}


def test_answers_are_accessible_and_fit_a_phone(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}editor")
    page.get_by_role("tab", name=SFPC).click()
    page.get_by_role("tabpanel").get_by_role("button", name="Run query").click()
    page.get_by_role("tabpanel").get_by_role("table").get_by_text("Family Safeguarding").first.wait_for(timeout=15_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not axe_violations(page)


def test_a_query_given_in_the_address_opens_in_its_own_tab(page, site):
    page.goto(f"{site}editor?query=ASK%20%7B%20%3Fs%20cscip%3AimplementsModel%20%3Fm%20%7D")
    assert page.get_by_role("tab", name="Your query").get_attribute("aria-selected") == "true"
    text = editor_text(page)
    assert text.startswith("PREFIX cscip: <https://w3id.org/cscip-kg/def/>") and "ASK { ?s cscip:implementsModel ?m }" in text
    page.get_by_role("tabpanel").get_by_role("button", name="Run query").click()
    page.get_by_role("tabpanel").get_by_text("Answer: yes").wait_for(timeout=15_000)


def test_an_answers_iri_that_is_no_web_address_stays_text(page, site):
    """An answer may hold a javascript: IRI; only this server's IRIs and http(s) addresses become links."""
    page.goto(f"{site}editor")
    page.get_by_role("button", name="New query tab").click()
    replace_query(page, 'SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <https://example.org/a> } }')
    page.get_by_role("tabpanel").get_by_role("button", name="Run query").click()
    table = page.get_by_role("tabpanel").get_by_role("table")
    table.get_by_text("https://example.org/a").wait_for(timeout=15_000)
    hrefs = table.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["https://example.org/a"]
    assert table.get_by_text("javascript:alert(1)").count() == 1
