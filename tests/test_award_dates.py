"""Award dates: every grant dated as the sources give it, at their precision, never a made-up day."""

from __future__ import annotations

import datetime as dt

from cscip_kg.build import CompiledGraph
from tests.helpers import select

PREFIXES = """
PREFIX cscip: <https://w3id.org/cscip-kg/def/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def _dates(compiled: CompiledGraph) -> list[dict[str, str]]:
    return select(compiled, PREFIXES + """
        SELECT ?grant ?date ?precision ?value ?notBefore ?notAfter ?wording ?basis ?note WHERE {
          ?grant a cscip:Grant ; cscip:awardDate ?date .
          ?date cscip:datePrecision ?precision ; cscip:datesStatedAs ?wording ; cscip:basis ?basis .
          OPTIONAL { ?date cscip:dateValue ?value } OPTIONAL { ?date cscip:notBefore ?notBefore }
          OPTIONAL { ?date cscip:notAfter ?notAfter } OPTIONAL { ?date cscip:inferenceNote ?note }
        }""")


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_every_grant_has_an_award_date(compiled: CompiledGraph):
    grants = {r["grant"] for r in select(compiled, PREFIXES + "SELECT ?grant WHERE { ?grant a cscip:Grant }")}
    dated = {r["grant"] for r in _dates(compiled)}
    assert len(grants) == 69
    assert grants - dated == set()


def test_a_day_is_only_one_the_source_words_give(compiled: CompiledGraph):
    days = [r for r in _dates(compiled) if _local(r["precision"]) == "dayPrecision"]
    assert len(days) == 12  # 11 tranche announcements and Contextual Safeguarding's own of the next day
    for row in days:
        day = dt.date.fromisoformat(row["value"])
        # The source's wording names that day, e.g. "R2 (20 Mar 2017)" for 2017-03-20.
        assert f"{day.day} {day:%b} {day.year}" in row["wording"], row
        assert _local(row["basis"]) == "stated", row


def test_round_1_grants_are_dated_only_by_their_round_or_a_stated_bound(compiled: CompiledGraph):
    round_1 = [r for r in _dates(compiled) if _local(r["grant"]).startswith("round-1-")]
    assert {_local(r["precision"]) for r in round_1} == {"spanPrecision"}
    spans = [r for r in round_1 if r["wording"] == "Round 1 took place between 2014 and 2016."]
    assert len(spans) == 53
    for row in spans:
        assert (row["notBefore"], row["notAfter"]) == ("2014", "2016")
        assert _local(row["basis"]) == "inferred" and row["note"], row
    bounds = {_local(r["grant"]): r["notAfter"] for r in round_1 if r not in spans}
    assert bounds == {"round-1-pause": "2014-10-31", "round-1-north-yorkshire": "2014-10-31"}


def test_every_inferred_date_says_why(compiled: CompiledGraph):
    inferred = [r for r in _dates(compiled) if _local(r["basis"]) == "inferred"]
    assert inferred and all(r["note"] for r in inferred)


# The pages that state each announcement day and name the projects announced on it (secondary-facts.md §0's
# tranche rows; Contextual Safeguarding's own news item of the next day). A project's own page that gives only
# its start ("Project start date: May 2017") does not state the day, so it is not cited for it.
DAY_PAGES = {
    "2017-03-20": {"govopps-innovative-projects-to-get-36-million-funding-boost", "cypnow-children-s-services-trusts-get-share-of-36m"},
    "2017-03-21": {"bedfordshire-news-mirror-university-to-work-with-hackney-council-to-safeguard"},
    "2017-07-06": {"spring-consortium-projects-being-funded", "cypnow-barnardos-fgm-centre-among-recipients-of-gbp30m-innovation"},
}


def test_an_announcement_day_cites_only_pages_that_state_it(compiled: CompiledGraph):
    rows = select(compiled, PREFIXES + """
        SELECT ?date ?value ?source WHERE {
          ?grant cscip:awardDate ?date . ?date cscip:datePrecision cscip:dayPrecision ; cscip:dateValue ?value ;
            dcterms:source ?source }""")
    cited: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        cited.setdefault((_local(row["date"]), row["value"]), set()).add(_local(row["source"]))
    assert len(cited) == 12
    assert {date: pages for (date, day), pages in cited.items() if not pages <= DAY_PAGES[day]} == {}
    tyneside = "https://w3id.org/cscip-kg/id/award-date/round-3-elm-house-staying-close-north-tyneside-reported-2017-08-10"
    reported = select(compiled, PREFIXES + f"SELECT ?source WHERE {{ <{tyneside}> dcterms:source ?source }}")
    assert [_local(r["source"]) for r in reported] == ["news-guardian-837k-grant-north-tyneside"]  # dated 10 August 2017
