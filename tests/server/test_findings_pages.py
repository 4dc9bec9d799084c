"""The "What the evaluations found" section of model and project pages, over a real build."""

from __future__ import annotations

import re

from tests.server.test_entity_pages import column, page, section


def test_family_safeguarding_model_page_shows_hertfordshires_round_1_findings_with_sources(client):
    html = page(client, "/id/model/family-safeguarding")
    found = section(html, "findings")
    changes = column(found, "Change as stated")
    assert {"decrease: 49%", "decrease: 66%", "decrease: 53%"} <= set(changes)
    words = column(found, "In the source's words")
    assert any("a 49% reduction in children on protection plans" in w for w in words)
    page_read = "https://innovationcsc.co.uk/projects/implement-family-safeguarding-in-other-authorities-and-extend-within-hertfordshire/"
    assert page_read in html
    assert set(column(found, "Reported by")) >= {"independent evaluation", "reported by the project", "not attributed"}
    assert "increase: £107,000" in changes


def test_a_project_page_shows_its_own_findings_and_a_project_without_any_says_so(client):
    found = section(page(client, "/id/project/no-wrong-door"), "findings")
    assert "decrease: 38%" in column(found, "Change as stated")
    html = page(client, "/id/project/family-safeguarding-round-2")
    found_empty = re.search(r'<section id="findings"(.*?)</section>', html, re.S)
    assert found_empty and "No findings are recorded yet for it." in found_empty[1]
    assert "<table" not in found_empty[1]
