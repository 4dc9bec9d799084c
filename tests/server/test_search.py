"""Search forgives case, punctuation, spacing and abbreviations."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from cscip_kg.server.search_index import initials, squashed, words
from tests.server.live import fetch
from tests.server.structure import assert_accessible_page, parse

MODEL = "https://w3id.org/cscip-kg/id/model/"


def test_normalising_names():
    assert squashed("Mocking-Bird") == squashed("mocking bird") == squashed("MOCKINGBIRD") == "mockingbird"
    assert words("Coram’s ‘permanence improvement’ project") == ["corams", "permanence", "improvement", "project"]
    assert words("Café   Crèche!") == ["cafe", "creche"]
    assert "fdac" in initials("Family Drug and Alcohol Court")
    assert "nwd" in initials("No Wrong Door")
    assert initials("Mockingbird") == set()


def search(server: str, text: str) -> list[dict[str, str]]:
    answer = fetch(f"{server}search.json?q={quote(text)}")
    assert answer.status == 200 and answer.media_type == "application/json"
    results: list[dict[str, str]] = json.loads(answer.body)["results"]
    return results


@pytest.mark.parametrize(("text", "iri"), [
    ("Mockingbird", MODEL + "mockingbird"),
    ("mocking bird", MODEL + "mockingbird"),
    ("MOCKING-BIRD", MODEL + "mockingbird"),
    ("FDAC", MODEL + "family-drug-and-alcohol-court"),
    ("fdac", MODEL + "family-drug-and-alcohol-court"),
    ("NWD", MODEL + "no-wrong-door"),
    ("no wrong-door", MODEL + "no-wrong-door"),
    ("sfpc", "https://w3id.org/cscip-kg/id/programme/sfpc"),
    ("  Strengthening   Families, Protecting Children ", "https://w3id.org/cscip-kg/id/programme/sfpc"),
])
def test_forgiving_search_finds_the_entity_among_the_first_results(server, text, iri):
    found = [r["iri"] for r in search(server, text)]
    assert iri in found[:3], (text, found[:5])


def test_derived_acronyms_work_without_an_alt_label(server):
    # "SWSP" is nobody's altLabel: it comes from the initials of "Social work systems and practice".
    assert "https://w3id.org/cscip-kg/id/theme/social-work-systems-and-practice" in [r["iri"] for r in search(server, "SWSP")]


def test_results_say_what_kind_of_thing_and_which_name_matched(server):
    first = search(server, "FDAC")[0]
    assert first["kind"] == "model" and first["matched"] == "FDAC" and first["href"] == "/id/model/family-drug-and-alcohol-court"


def test_search_page_escapes_what_was_typed_and_links_results(server):
    answer = fetch(f"{server}search?q={quote('<script>alert(1)</script> mockingbird')}", headers={"Accept": "text/html"})
    assert answer.status == 200 and "<script>alert" not in answer.text
    page = parse(fetch(f"{server}search?q=mocking+bird", headers={"Accept": "text/html"}).text)
    assert_accessible_page(page)
    assert "/id/model/mockingbird" in page.links()
    assert fetch(f"{server}search?q=").status == 200
