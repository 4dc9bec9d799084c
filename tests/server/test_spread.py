"""The hex map and the timeline of spread, on the pages, checked against the graph."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cscip_kg.build import CompiledGraph
from cscip_kg.derived import DERIVED_FOLDER
from cscip_kg.opened import open_build
from cscip_kg.server.rendering import hexmap as maps
from cscip_kg.server.rendering.hexmap import ELSEWHERE, IN_GRAPH, STAGE_COLOURS, layout, model_map
from cscip_kg.server.rendering.spread_timeline import timeline, when
from cscip_kg.spread import Involvement, Spread, adoption_routes, compute
from cscip_kg.spread_db import SPREAD_DB, SpreadDB, open_slices
from tests.helpers import select
from tests.server.live import fetch
from tests.server.structure import assert_accessible_page, parse


@pytest.fixture(scope="module")
def server(local: str) -> str:
    """These checks need no wire: the session app answers them in-process (tests/conftest.py)."""
    return local


ID = "https://w3id.org/cscip-kg/id/"
SVG = "{http://www.w3.org/2000/svg}"


def page_text(server: str, path: str) -> str:
    answer = fetch(server + path, headers={"Accept": "text/html"})
    assert answer.status == 200, (path, answer.text[:300])
    return answer.text


def hexmap(text: str) -> ET.Element:
    found = re.search(r'<svg [^>]*class="hexmap".*?</svg>', text, re.S)
    assert found, "no hex map on the page"
    return ET.fromstring(found.group(0))  # well-formed XML: every text in it is escaped


def fills(svg: ET.Element) -> dict[str, str]:
    """href → fill of every linked hex."""
    found = {}
    for link in svg.iter(f"{SVG}a"):
        polygon = link.find(f"{SVG}polygon")
        assert polygon is not None
        found[link.get("href", "")] = polygon.get("fill", "")
    return found


def coloured(svg: ET.Element) -> dict[str, str]:
    return {href: fill for href, fill in fills(svg).items() if fill not in (IN_GRAPH, ELSEWHERE)}


def page_of(iri: str) -> str:
    return "/id/organisation/" + iri.rsplit("/", 1)[-1]


def test_the_sfpc_map_colours_every_authority_the_graph_says_took_part(server, compiled: CompiledGraph):
    rows = select(compiled, """SELECT DISTINCT ?org ?code WHERE {
      { ?org cscip:qualifiedAdoption ?a . ?a cscip:throughProgramme ?p }
      UNION { ?org cscip:qualifiedParticipation ?a . ?a cscip:participatedIn ?p }
      ?p dcterms:isPartOf* programme:sfpc .
      OPTIONAL { ?org adms:identifier/skos:notation ?code } }""")
    placed = {page_of(r["org"]) for r in rows if r["code"] in layout()}
    assert len(placed) >= 18  # the issue counts 18; the graph may hold more, never fewer
    text = page_text(server, "id/programme/sfpc")
    assert set(coloured(hexmap(text))) == placed
    for row in rows:
        if row["code"] not in layout():  # not placed: listed under the map instead
            assert page_of(row["org"]) in parse(text.split('class="unplaced"', 1)[1]).links()


def test_a_model_map_colours_each_authority_by_how_it_took_the_model_up(server, compiled: CompiledGraph):
    by_page = coloured(hexmap(page_text(server, "id/model/family-safeguarding")))
    assert by_page["/id/organisation/hertfordshire"] == STAGE_COLOURS["round1"]  # the innovator
    for council in ("luton", "peterborough", "bracknell-forest", "west-berkshire"):
        assert by_page[f"/id/organisation/{council}"] == STAGE_COLOURS["round2"]
    sfpc = select(compiled, """SELECT DISTINCT ?org WHERE { ?org cscip:qualifiedAdoption ?a .
      ?a cscip:adoptedModel model:family-safeguarding ; cscip:throughProgramme programme:sfpc ; cscip:role ?role .
      FILTER(?role != "innovator") }""")
    assert sfpc and all(by_page[page_of(r["org"])] == STAGE_COLOURS["sfpc"] for r in sfpc)
    assert len(by_page) == 11
    mockingbird = coloured(hexmap(page_text(server, "id/model/mockingbird")))
    assert STAGE_COLOURS["sfip"] in mockingbird.values() and STAGE_COLOURS["round2"] in mockingbird.values()


def test_every_hex_of_an_authority_in_the_graph_is_a_link_with_a_name(server, compiled: CompiledGraph):
    codes = {r["code"]: r["org"] for r in select(compiled, "SELECT ?org ?code WHERE { ?org adms:identifier/skos:notation ?code }")}
    svg = hexmap(page_text(server, ""))
    links = list(svg.iter(f"{SVG}a"))
    assert {a.get("href") for a in links} == {page_of(org) for code, org in codes.items() if code in layout()}
    labels = {r["org"]: r["label"] for r in select(compiled, "SELECT ?org ?label WHERE { ?org adms:identifier ?i ; rdfs:label ?label }")}
    for link in links:
        name = link.get("aria-label") or link.findtext(f"{SVG}title") or ""
        assert any(name.startswith(label) for org, label in labels.items() if page_of(org) == link.get("href")), name
    # The hexes of authorities the graph does not know are hidden, not links.
    hidden = svg.find(f"{SVG}g[@aria-hidden='true']")
    assert hidden is not None and len(hidden.findall(f"{SVG}g")) == len(layout()) - len(links)
    # Those outside the map's groups are links for the mouse, out of the tab order and of what a reader hears.
    aside = hidden.findall(f"{SVG}a")
    assert all(a.get("tabindex") == "-1" and a.get("aria-label") is None for a in aside)
    assert all(a.get("aria-label") for a in svg.findall(f"{SVG}a"))  # every keyboard stop has its name
    assert svg.get("role") == "group" and svg.findtext(f"{SVG}title")


def test_a_code_the_layout_lacks_is_listed_under_the_map_with_its_reason(server):
    text = page_text(server, "id/organisation/dorset")
    assert not coloured(hexmap(text))
    unplaced = " ".join(parse(text.split('class="unplaced"', 1)[1].split("</details>", 1)[0]).texts("p"))
    listed = " ".join(parse(text.split('class="unplaced"', 1)[1]).texts("li"))
    assert "Dorset County Council (E10000009)" in listed and "2020" in unplaced


def test_an_organisation_map_shows_where_it_is_and_a_partnership_its_members(server):
    walsall = hexmap(page_text(server, "id/organisation/walsall"))
    assert set(coloured(walsall)) == {"/id/organisation/walsall"}
    thick = [a.get("href") for a in walsall.iter(f"{SVG}a") if a.find(f"{SVG}polygon").get("stroke-width") == "3"]  # type: ignore[union-attr]
    assert thick == ["/id/organisation/walsall"]
    # One keyboard stop, Walsall itself: not ~150 "not in this map's groups" before the page goes on.
    assert [a.get("href") for a in walsall.findall(f"{SVG}a")] == ["/id/organisation/walsall"]
    assert len(walsall.findall(f"{SVG}g/{SVG}a")) > 100
    alliance = hexmap(page_text(server, "id/organisation/tyneside-alliance"))
    assert set(coloured(alliance)) == {"/id/organisation/north-tyneside", "/id/organisation/south-tyneside"}


def test_the_map_has_a_legend_and_a_table_twin(server):
    page = parse(page_text(server, "id/programme/sfip"))
    assert_accessible_page(page)
    legend = " ".join(page.texts("li"))
    assert "SFIP: Mockingbird family model" in legend and "Not in the graph" in legend
    table = [t for t in page.all("table") if "Who took part" in t.text]
    assert table and "Warrington" in table[0].text


def test_the_timeline_runs_through_the_stages_with_the_dates_the_sources_give(server):
    text = page_text(server, "id/model/family-safeguarding")
    page = parse(text)
    assert_accessible_page(page)
    stages = [h for h in page.texts("h3") if h.startswith(("Round", "Partners", "Strengthening", "Supporting"))]
    assert stages == ["Round 1: the innovation project", "Round 2: scale-up", "Partners in Practice",
                      "Strengthening Families, Protecting Children (SFPC)", "Supporting Families: Investing in Practice (SFIP)"]
    timeline = text.split('class="spread-timeline"', 1)[1]
    assert "2014–2016" in timeline and "until 1 Apr 2024" in timeline
    rows = re.findall(r'<tr><td data-label="Stage">(.*?)</tr>', timeline, re.S)
    walsall = [r for r in rows if "Walsall" in r]
    assert walsall and "trial cohort" in walsall[0] and "Trial estimated to finish Oct 2025" in walsall[0]
    assert any("Project started May 2017" in r for r in rows)  # West Berkshire's round 2 date, in the source's words


def test_a_stage_with_nothing_recorded_says_so(server):
    timeline = page_text(server, "id/model/mockingbird").split('class="spread-timeline"', 1)[1]
    sfpc = timeline.split("Strengthening Families, Protecting Children (SFPC)", 1)[1].split("</li>", 1)[0]
    assert "None recorded in the sources." in sfpc
    assert "from Sep 2020" in timeline  # a typed start date of an SFIP adoption, as a reader writes it


def test_every_text_in_the_map_is_escaped():
    evil = '</title><script>alert(1)</script>"'
    org, code = f"{ID}organisation/evil", next(iter(layout()))
    spread = Spread([Involvement(org, "adoption", f"{ID}programme/sfpc", evil, f"{ID}model/m", None, "", "", "")],
                    {org: code}, {}, {}, {}, {org: evil, f"{ID}model/m": evil})
    found = model_map(spread, f"{ID}model/m", lambda iri: '/x?a=1&b="2"')
    root = ET.fromstring(str(found.svg))
    assert not list(root.iter(f"{SVG}script")) and "<script>" not in str(found.svg)
    names = [a.get("aria-label", "") for a in root.iter(f"{SVG}a")]
    assert names == [f"{evil}: Strengthening Families, Protecting Children (SFPC) (adopted {evil} through sfpc as {evil})"]
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ['/x?a=1&b="2"']


def test_dates_read_as_a_reader_writes_them():
    assert when("2014", "2016") == "2014–2016"
    assert when("2016", "2020-03-31") == "2016 – 31 Mar 2020"
    assert when("2020-09", "") == "from Sep 2020"
    assert when("", "2024-04-01") == "until 1 Apr 2024"
    assert when("", "") == ""



def test_the_build_derives_the_spread_the_graph_gives(build_dir: Path) -> None:
    """derived/spread.sqlite (written by `build`) holds what the queries give now: pages read it, not the graph."""
    engine = open_build(build_dir).engine
    derived = open_slices(build_dir / DERIVED_FOLDER)
    assert isinstance(derived, SpreadDB)
    whole = derived.everything()
    assert whole == compute(engine)
    assert whole.involvements and whole.codes and whole.labels and whole.evaluated


def test_the_indexes_give_what_a_scan_gives(build_dir: Path) -> None:
    spread = SpreadDB(build_dir / DERIVED_FOLDER / SPREAD_DB).everything()
    models = {i.model for i in spread.involvements if i.model}
    assert len(models) > 5
    for model in models:
        assert spread.of_model(model) == [i for i in spread.involvements if i.model == model]
    for programme in set(spread.wholes) | set(spread.wholes.values()):
        assert spread.in_programme(programme) == [i for i in spread.involvements if programme in spread.chain(i.programme)]
    for org in {i.org for i in spread.involvements}:
        assert spread.of_org(org) == [i for i in spread.involvements if i.org == org]
    assert spread.org_by_code == {code: org for org, code in spread.codes.items()}


def test_each_map_read_from_its_own_slice_is_the_map_of_the_whole(build_dir: Path) -> None:
    """A model's, programme's or organisation's map and timeline, the reach map and the lineage diagrams' routes,
    each drawn from the part of derived/spread.sqlite it reads, are what the whole spread draws."""
    db = SpreadDB(build_dir / DERIVED_FOLDER / SPREAD_DB)
    whole = db.everything()

    def link(iri: str) -> str:
        return "/page/" + iri

    models = {i.model for i in whole.involvements if i.model}
    programmes = set(whole.wholes) | set(whole.wholes.values()) | {i.programme for i in whole.involvements if i.programme}
    organisations = {i.org for i in whole.involvements} | set(whole.codes) | set(whole.members)
    assert len(models) > 5 and len(programmes) > 5 and len(organisations) > 50
    for model in sorted(models):
        assert maps.model_map(db.model(model), model, link) == maps.model_map(whole, model, link), model
        assert timeline(db.model(model), model, link) == timeline(whole, model, link), model
    for programme in sorted(programmes):
        assert maps.programme_map(db.programme(programme), programme, link) == maps.programme_map(whole, programme, link)
    for organisation in sorted(organisations):
        found = maps.organisation_map(db.organisation(organisation), organisation, link)
        assert found == maps.organisation_map(whole, organisation, link), organisation
    assert maps.reach_map(db.reach(), link) == maps.reach_map(whole, link)
    routes, expected = db.routes(), adoption_routes(whole)
    assert routes.through == expected.through and routes.chains == expected.chains
    named = {p for chain in expected.chains.values() for p in chain}
    assert {p: routes.labels.get(p) for p in named} == {p: expected.labels.get(p) for p in named}


@pytest.mark.parametrize("path", ["id/model/attachment-theory", "id/programme/covid-19-vulnerable-children-package"])
def test_a_map_or_timeline_of_an_entity_that_took_part_in_nothing_is_titled_by_its_label(server, compiled: CompiledGraph, path):
    # The build labels only what took part in something; these three did not, and were titled by their IRI's slug.
    slug = path.rstrip("/").rsplit("/", 1)[1]
    label = select(compiled, f'SELECT ?l WHERE {{ ?x rdfs:label ?l FILTER(STRENDS(STR(?x), "/{slug}")) }}')[0]["l"]
    text = page_text(server, path)
    titles = re.findall(r"(?:Where|How|Who took part in) (.+?)(?: is| spread|$)", text, re.M)
    assert titles and all(slug not in title for title in titles), titles
    assert any(label in title for title in titles), (label, titles)


@pytest.mark.parametrize("path", ["id/organisation/rees-centre", "id/organisation/department-for-education"])
def test_an_organisation_with_no_code_and_no_members_with_one_draws_no_map(server, path):
    """A charity's or a department's map of England had nothing on it: the page leaves it out."""
    assert 'class="hexmap"' not in page_text(server, path)


def test_the_reach_maps_key_says_each_authority_is_counted_under_its_first_stage(server):
    legend = " ".join(parse(page_text(server, "")).texts("li"))
    assert "First in Strengthening Families, Protecting Children (SFPC):" in legend and "First in round 1" in legend
