"""Search forgives case, punctuation, spacing and abbreviations."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from cscip_kg.search_index import initials, squashed, words
from tests.server.live import fetch
from tests.server.structure import assert_accessible_page, parse


@pytest.fixture(scope="module")
def server(local: str) -> str:
    """These checks need no wire: the session app answers them in-process (tests/conftest.py)."""
    return local


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


def found(server: str, query: str) -> dict[str, object]:
    answer = fetch(f"{server}search.json?{query}")
    assert answer.status == 200, answer.text[:300]
    data: dict[str, object] = json.loads(answer.body)
    return data


@pytest.mark.parametrize(("text", "iri"), [
    ("mokingbird", MODEL + "mockingbird"),  # a letter missing
    ("family safegarding", MODEL + "family-safeguarding"),
    ("FDAC", MODEL + "family-drug-and-alcohol-court"),
    ("NWD", MODEL + "no-wrong-door"),
    ("SFPC", "https://w3id.org/cscip-kg/id/programme/sfpc"),
    ("Herts", "https://w3id.org/cscip-kg/id/organisation/hertfordshire"),  # a county's short form
    ("Leeds council", "https://w3id.org/cscip-kg/id/organisation/leeds"),  # "council" is not in its name's words alone
])
def test_typos_abbreviations_and_short_names_find_the_thing_first(server, text, iri):
    results = found(server, f"q={quote(text)}")["results"]
    assert results and results[0]["iri"] == iri, (text, [r["label"] for r in results[:5]])  # type: ignore[index]


def test_search_reports_the_true_total_and_pages_through_it(server):
    first = found(server, "q=council&size=20")
    total, pages = first["total"], first["pages"]
    assert isinstance(total, int) and total > 50 and pages == -(-total // 20)
    iris: list[str] = []
    for number in range(1, pages + 1):  # type: ignore[operator]
        iris += [r["iri"] for r in found(server, f"q=council&size=20&page={number}")["results"]]  # type: ignore[attr-defined]
    assert len(iris) == len(set(iris)) == total
    assert {"https://w3id.org/cscip-kg/id/organisation/leeds", "https://w3id.org/cscip-kg/id/organisation/walsall",
            "https://w3id.org/cscip-kg/id/organisation/wigan"} <= set(iris)


def test_search_facets_by_kind_add_up_and_filter(server):
    everything = found(server, "q=mockingbird")
    kinds = {k["kind"]: k["count"] for k in everything["kinds"]}  # type: ignore[attr-defined]
    assert sum(kinds.values()) == everything["total"] and kinds["model"] == 1
    projects = found(server, "q=mockingbird&kind=project")
    assert projects["total"] == kinds["project"] and {r["kind"] for r in projects["results"]} == {"project"}  # type: ignore[attr-defined]
    page = parse(fetch(f"{server}search?q=mockingbird", headers={"Accept": "text/html"}).text)
    assert f"{everything['total']} results for “mockingbird”" in page.texts("h2")
    assert "/search?q=mockingbird&kind=project" in page.links()


def test_bad_search_paging_is_a_400(server):
    assert fetch(f"{server}search.json?q=x&page=0").status == 400
    assert fetch(f"{server}search.json?q=x&size=1000").status == 400


def test_the_index_is_written_by_build(build_dir):
    import sqlite3

    db = sqlite3.connect(build_dir / "search.sqlite")
    try:
        assert db.execute("SELECT groups FROM word_groups WHERE word = 'mockingbird'").fetchone()[0]
    finally:
        db.close()


def test_a_page_past_the_last_is_a_404_saying_how_many_there_are(server):
    # It answered 200 with no results, which reads as "nothing found".
    pages = found(server, "q=council&size=20")["pages"]
    for path in (f"search.json?q=council&page={pages + 1}", f"search?q=council&page={pages + 1}"):
        answer = fetch(f"{server}{path}", headers={"Accept": "text/html"})
        assert answer.status == 404 and f"{pages} pages of 20" in answer.text, path
    assert fetch(f"{server}search.json?q=council&page={pages}").status == 200
    assert fetch(f"{server}search.json?q=zzzzqqqq&page=1").status == 200  # no results is one empty page, not an error


@pytest.mark.parametrize("typed", ["㎯" * 200, "abcdefghij " * 18, "x" * 200])
def test_a_long_query_is_searched_by_its_first_letters_never_a_500(server, typed):
    """200 characters may normalise to 1,000 letters ("㎯" is five): the sets' SQL once ran past SQLite's limit of terms."""
    answer = fetch(f"{server}search.json?q={quote(typed)}")
    assert answer.status == 200, answer.text[:300]
    assert isinstance(json.loads(answer.body)["results"], list)
