"""evidence-at-adoption: for each adopter of a model, the findings and whether they were public when it adopted."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cscip_kg.engine import Prepared
from cscip_kg.queries import load_catalogue
from tests.conftest import ROOT
from tests.helpers import select

NAMED = load_catalogue(ROOT / "queries")["evidence-at-adoption"]

# A small graph in the shape the build writes: adoption links in the lineage graph, a project implementing the
# model, its findings and the pages they were read on (dated, or not).
TINY = """
@prefix cscip: <https://w3id.org/cscip-kg/def/> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix ex: <http://example.org/> .
ex:early prov:qualifiedInfluence ex:l1 ; rdfs:label "Early" .
ex:l1 a cscip:LineageLink ; prov:influencer ex:model ; cscip:linkKind cscip:adoptsModel ; schema:startDate "2016-03"^^xsd:gYearMonth .
ex:late prov:qualifiedInfluence ex:l2 ; rdfs:label "Late" .
ex:l2 a cscip:LineageLink ; prov:influencer ex:model ; cscip:linkKind cscip:adoptsModel ; schema:startDate "2019-06-01"^^xsd:date .
ex:undated prov:qualifiedInfluence ex:l3 ; rdfs:label "Undated" .
ex:l3 a cscip:LineageLink ; prov:influencer ex:model ; cscip:linkKind cscip:adoptsModel ; cscip:datesStatedAs "from about 2018" .
ex:developer prov:qualifiedInfluence ex:l4 ; rdfs:label "Developer" .
ex:l4 a cscip:LineageLink ; prov:influencer ex:model ; cscip:linkKind cscip:developedBy .
ex:project cscip:implementsModel ex:model ; rdfs:label "Round 1 project" .
ex:measure skos:prefLabel "children on child protection plans" .
ex:f2017 a cscip:Finding ; cscip:findingOf ex:project ; cscip:measure ex:measure ; dcterms:source ex:page2017 .
ex:page2017 cscip:originalURL "http://example.org/2017" ; dcterms:issued "2017-07-07"^^xsd:date .
ex:f2016 a cscip:Finding ; cscip:findingOf ex:project ; cscip:measure ex:measure ; dcterms:source ex:page2016 .
ex:page2016 cscip:originalURL "http://example.org/2016" ; dcterms:date "2016"^^xsd:gYear .
ex:fnodate a cscip:Finding ; cscip:findingOf ex:project ; cscip:measure ex:measure ; dcterms:source ex:pagenodate .
ex:pagenodate cscip:originalURL "http://example.org/nodate" .
"""


def answers(store: ox.Store, model: str) -> dict[tuple[str, str], tuple[str, str]]:
    result = store.query(NAMED.bind({"model": model}))
    assert isinstance(result, ox.QuerySolutions)
    return {(row["adopterLabel"].value, row["finding"].value.rsplit("/", 1)[-1]):  # type: ignore[union-attr]
            (row["publicWhenAdopted"].value, row["why"].value) for row in result}  # type: ignore[union-attr]


def test_each_adopter_gets_each_finding_with_whether_it_was_public_then():
    store = ox.Store()
    store.load(TINY.encode(), ox.RdfFormat.TURTLE)
    found = answers(store, "http://example.org/model")
    assert {key: public for key, (public, _why) in found.items()} == {
        ("Early", "f2017"): "no",        # page 2017-07-07, adopted 2016-03
        ("Early", "f2016"): "unknown",   # page 2016 (a year), adopted 2016-03: same year, order unknown
        ("Early", "fnodate"): "unknown",
        ("Late", "f2017"): "yes",        # page 2017-07-07, adopted 2019-06-01
        ("Late", "f2016"): "yes",        # "2016" against "2019": the years compare
        ("Late", "fnodate"): "unknown",
        ("Undated", "f2017"): "unknown",
        ("Undated", "f2016"): "unknown",
        ("Undated", "fnodate"): "unknown",
    }  # the developer is no adopter
    assert found[("Early", "f2016")][1] == "the page and the adoption are dated in the same period"
    assert found[("Late", "fnodate")][1] == "the graph holds no date for the page stating the finding"
    assert found[("Undated", "f2017")][1] == "the adoption has no typed date in the sources"
    assert found[("Undated", "fnodate")][1].startswith("the graph holds no date for the page stating the finding, nor")


@pytest.fixture(scope="module")
def safeguarding(compiled) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = compiled.engine.query(Prepared(NAMED.bind({"model": "model:family-safeguarding"})))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else "") for n in names} for s in result]


def test_family_safeguarding_s_sfpc_adopters_see_the_hertfordshire_round_1_findings(safeguarding):
    sfpc = {r["adopter"].rsplit("/", 1)[-1] for r in safeguarding if r["programmeLabel"].startswith("Strengthening Families")}
    assert {"walsall", "lancashire", "telford-and-wrekin", "wandsworth", "swindon", "cambridgeshire"} <= sfpc
    hertfordshire_round_1 = {r["finding"] for r in safeguarding
                             if r["project"].endswith("/project/family-safeguarding") and r["placeLabel"].startswith("Hertfordshire")}
    assert len(hertfordshire_round_1) >= 10
    for adopter in sfpc:  # every finding about the model, for every adopter
        mine = {r["finding"] for r in safeguarding if r["adopter"].endswith("/" + adopter)}
        assert hertfordshire_round_1 <= mine, adopter


def test_an_unknown_date_is_said_never_guessed(safeguarding):
    for row in safeguarding:
        assert row["publicWhenAdopted"] in ("yes", "no", "unknown")
        assert row["why"], row
        if not row["published"]:
            assert row["publicWhenAdopted"] == "unknown" and "no date for the page" in row["why"]
        if not row["adopted"]:
            assert row["publicWhenAdopted"] == "unknown"
    walsall = [r for r in safeguarding if r["adopter"].endswith("/walsall")]
    assert walsall and all(r["adoptedStatedAs"] == "Trial estimated to finish Oct 2025" for r in walsall)


def test_a_round_2_adopter_had_the_january_2017_figures_and_not_the_later_pages(safeguarding):
    # Luton's round 2 adoption is dated May 2017 (the project's start); Community Care's page giving the council's
    # 49% is dated 9 January 2017, CYP Now's page giving the July 2017 report's days in care 2 November 2018.
    luton = {r["finding"].rsplit("/", 1)[-1]: r for r in safeguarding if r["adopter"].endswith("/organisation/luton")}
    before = luton["family-safeguarding-hertfordshire-child-protection-plans-49-council"]
    assert (before["adopted"], before["published"], before["publicWhenAdopted"], before["why"]) == (
        "2017-05", "2017-01-09", "yes", "the page is dated before the adoption")
    after = luton["family-safeguarding-hertfordshire-days-in-care-9-8"]
    assert (after["published"], after["publicWhenAdopted"]) == ("2018-11-02", "no")
    own = luton["family-safeguarding-round-2-looked-after-up-to-30"]  # its own evaluation, published in November 2020
    assert (own["published"], own["publicWhenAdopted"]) == ("2020-11", "no")
    undated = luton["family-safeguarding-hertfordshire-child-protection-plans-49"]  # the programme's page states no date
    assert (undated["published"], undated["publicWhenAdopted"]) == ("", "unknown")


def test_norfolk_had_north_yorkshire_s_figures_when_no_wrong_door_went_live(compiled):
    result = compiled.engine.query(Prepared(NAMED.bind({"model": "model:no-wrong-door"})))
    assert isinstance(result, ox.QuerySolutions)
    norfolk = {(s["finding"].value.rsplit("/", 1)[-1], s["publicWhenAdopted"].value)  # type: ignore[union-attr]
               for s in result if s["adopter"].value.endswith("/organisation/norfolk")}  # type: ignore[union-attr]
    # Harrogate News, 3 October 2019; Norfolk's No Wrong Door went live on 1 June 2021
    assert ("no-wrong-door-looked-after-18", "yes") in norfolk
    assert ("no-wrong-door-arrests-38", "unknown") in norfolk  # the page quoting Loughborough's report states no date


def test_sfpc_adopters_dated_by_their_own_pages_are_placed_and_the_rest_stay_unknown(safeguarding):
    # Walsall launched in September 2020 (its page of 11 November 2020), Telford and Wrekin went live on
    # 28 June 2021; no stored page read dates Swindon's start.
    def rows(adopter: str) -> dict[str, dict[str, str]]:
        return {r["finding"].rsplit("/", 1)[-1]: r for r in safeguarding
                if r["adopter"].endswith("/organisation/" + adopter) and r["programmeLabel"].startswith("Strengthening Families")}

    walsall, telford, swindon = rows("walsall"), rows("telford-and-wrekin"), rows("swindon")
    assert {r["adopted"] for r in walsall.values()} == {"2020-09"}
    assert {r["adopted"] for r in telford.values()} == {"2021-06-28"}
    council_49 = "family-safeguarding-hertfordshire-child-protection-plans-49-council"  # Community Care, 9 January 2017
    round_2 = "family-safeguarding-round-2-looked-after-up-to-30"  # the round 2 evaluation, November 2020
    assert (walsall[council_49]["publicWhenAdopted"], walsall[round_2]["publicWhenAdopted"]) == ("yes", "no")
    assert (telford[council_49]["publicWhenAdopted"], telford[round_2]["publicWhenAdopted"]) == ("yes", "yes")
    assert {r["publicWhenAdopted"] for r in swindon.values()} == {"unknown"}


def test_each_adoption_date_read_from_a_council_page_keeps_the_page_and_its_words(compiled):
    # data/evaluation-findings/adoption-dates.ttl: the date's own statement record names the page it was read on and
    # quotes it (stated), or says how the year was read from the page's own date (inferred).
    rows = select(compiled, """
        SELECT ?adoption ?date ?basis ?url ?words WHERE {
          ?adoption a cscip:Adoption ; schema:startDate ?date ; cscip:throughProgramme programme:sfpc .
          OPTIONAL { ?r rdf:subject ?adoption ; rdf:predicate schema:startDate ; rdf:object ?date ; cscip:basis ?basis ;
                        dcterms:source/cscip:originalURL ?url
                     OPTIONAL { ?r skos:note|cscip:inferenceNote ?words } } }""")
    dated = {r["adoption"].rsplit("/", 1)[-1]: r for r in rows}
    assert {"walsall-family-safeguarding-sfpc", "lancashire-family-safeguarding-sfpc", "telford-and-wrekin-family-safeguarding-sfpc",
            "coventry-family-valued-sfpc", "warrington-no-wrong-door-sfpc"} <= set(dated)
    for name, row in dated.items():
        if name == "norfolk-no-wrong-door-sfpc":  # dated by its secondary-facts row, whose words are its datesStatedAs
            continue
        assert row.get("url", "").startswith("http") and row.get("words"), name
        assert row["basis"].endswith("/stated") == (row["words"].startswith("The page:")), name
    assert dated["telford-and-wrekin-family-safeguarding-sfpc"]["words"].endswith("go live on 28 June 2021.'")
