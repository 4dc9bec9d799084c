"""The pages people use: home with figures from the graph, theme/programme/organisation pages, query pages, entity pages."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from flask import Flask

from cscip_kg.build import CompiledGraph
from cscip_kg.figures import Figures, Funding, Group
from cscip_kg.server.rendering.humanize import pounds
from cscip_kg.server.routes.pages import CHART_ROWS, charts
from tests.helpers import select
from tests.server.live import fetch, open_app
from tests.server.structure import Structure, assert_accessible_page, parse

PAGES = ["", "themes/", "id/theme/residential-care", "programmes/", "id/programme/sfpc", "organisations/", "id/organisation/leeds",
         "queries/", "queries/round1-models-fed-sfpc", "queries/projects-by-theme", "search?q=fdac", "lineage/model/no-wrong-door",
         "editor", "id/model/mockingbird", "id/project/family-safeguarding"]


ID = "https://w3id.org/cscip-kg/id/"


def html(server: str, path: str) -> Structure:
    answer = fetch(server + path, headers={"Accept": "text/html"})
    assert answer.status == 200 and answer.media_type == "text/html", (path, answer.text[:300])
    return parse(answer.text)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_landmarks_ordered_headings_and_labelled_fields(server, path):
    page = html(server, path)
    assert_accessible_page(page)
    assert page.all("meta", name="viewport")
    for link in page.links():
        assert not link.startswith(("//", "javascript:")), link
    for script in page.all("script"):
        assert script.attrs.get("src", "").startswith("/static/") or script.attrs.get("type") in ("application/json", "application/ld+json")


def test_home_figures_are_computed_from_the_graph(server, compiled: CompiledGraph):
    # A round 2 phase is counted with its project (cscip_kg.counting), and the programme's own
    # project count is shown as the sources' disagreement, not as the graph's node count.
    projects = select(compiled, """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a cscip:Project
                                     FILTER NOT EXISTS { ?p a cscip:ProjectPhase } }""")[0]["n"]
    page = html(server, "")
    figures = page.texts("li")
    disagreement = next(text for text in figures if text.startswith("94 or 95 or 98 projects"))
    assert "the sources disagree" in disagreement and f"This graph describes {projects}," in disagreement
    assert "98 in Children's Social Care Innovation Programme: insights and evaluation (GOV.UK guidance)" in disagreement
    grants = select(compiled, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a cscip:Grant }")[0]["n"]
    assert any(text.startswith(f"{grants} grants worth £") for text in figures), figures
    captions = page.texts("figcaption")
    assert {"Projects by funding round", "Grants and funding by funding round", "Projects by theme"} <= set(captions)
    assert "/id/theme/residential-care" in page.links()


def test_a_long_list_of_themes_charts_the_largest_and_links_the_rest(app: Flask) -> None:
    """At scale (hundreds of themes) a chart shows the largest few and one link to the full, sortable list."""
    # Ceilings run against the sums awarded, so a chart that ranked or drew them as money would put Theme 1 first.
    themes = [Group(f"{ID}theme/t{n}", f"Theme {n}", n, n % 3, Funding(Decimal(n * 1000), Decimal((41 - n) * 5000)))
              for n in range(1, 41)]
    found = Figures(0, [], 0, 0, len(themes), 0, Funding(Decimal(0)), 0, [], sorted(themes, key=lambda g: -g.projects))
    with app.test_request_context():
        by_projects, by_funding = charts(found)[2:]
    assert [bar.label for bar in by_projects.bars] == [f"Theme {n}" for n in range(40, 40 - CHART_ROWS, -1)]
    assert by_projects.more == 40 - CHART_ROWS and by_projects.more_href == "/themes/"
    funded = [g for g in themes if g.grants]
    assert len(by_funding.bars) == CHART_ROWS and by_funding.more == len(funded) - CHART_ROWS
    assert by_funding.bars[0].label == max(funded, key=lambda g: g.funding.awarded).label
    widths = [float(bar.width) for bar in by_funding.bars]
    assert widths == sorted(widths, reverse=True)  # bars drawn from the sums awarded, not from the ceilings


def test_no_sum_of_grants_reads_a_ceiling_as_money_awarded(server, compiled: CompiledGraph):
    """The data audit found "69 grants worth £148.7m": £13m of it were ceilings ("up to"), and Leeds' £9.6m is one
    award to round 2 and Partners in Practice together. The headline and the round chart now say which is which."""
    def pounds_of(query: str) -> Decimal:
        return Decimal(select(compiled, query)[0]["n"] or 0)

    exact = pounds_of("""SELECT (SUM(?v) AS ?n) WHERE { ?g a cscip:Grant ; schema:amount ?m . ?m schema:value ?v
                         FILTER NOT EXISTS { ?m cscip:upTo true } }""")
    ceilings = pounds_of("SELECT (SUM(?v) AS ?n) WHERE { ?g a cscip:Grant ; schema:amount ?m . ?m schema:value ?v ; cscip:upTo true }")
    assert ceilings > 0
    page = html(server, "")
    headline = next(text for text in page.texts("li") if " grants worth " in text)
    assert f"worth {pounds(exact)} as awarded" in headline and f"up to {pounds(ceilings)} more" in headline, headline
    assert "one award made under more than one programme at once" in headline and headline.endswith(".")
    chart = " ".join(page.texts("td"))
    assert "of it one award made under another programme too" in chart


def test_the_theme_funding_chart_reads_largest_first_in_plain_words(server):
    text = fetch(server, headers={"Accept": "text/html"}).text
    chart = text.split(">Grant funding by theme</figcaption>", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="num">£([0-9.]+)(m|k) \(([0-9]+) grants?\)</td>', chart)
    amounts = [float(n) * (1e6 if unit == "m" else 1e3) for n, unit, _count in cells]
    assert len(amounts) > 5 and amounts == sorted(amounts, reverse=True)
    assert "(1 grant)" in chart and "(1 grants)" not in text


def test_the_headline_question_is_one_click_from_home(server):
    links = html(server, "").links()
    assert {"/id/programme/sfpc", "/queries/round1-models-fed-sfpc"} <= set(links)
    sfpc = html(server, "id/programme/sfpc")
    assert "Which round 1 models fed Strengthening Families, Protecting Children?" in sfpc.texts("h2")
    cells = set(sfpc.texts("td"))
    assert {"Family Safeguarding", "Family Valued", "No Wrong Door", "Hertfordshire County Council"} <= cells
    assert [s for s in sfpc.all("svg", role="group") if "hexmap" in s.attrs.get("class", "")]  # who took part, mapped
    assert "/lineage/programme/sfpc" in sfpc.links()  # and the diagram of where it came from, one click on


def test_a_theme_page_lists_its_projects_and_links_them_as_csv(server, compiled: CompiledGraph):
    expected = {r["label"] for r in select(compiled, """SELECT ?label WHERE {
        ?p cscip:theme theme:residential-care ; rdfs:label ?label }""")}
    page = html(server, "id/theme/residential-care")
    csv_link = next(href for href in page.links() if href.startswith("/api/queries/projects-by-theme.csv"))
    rows = list(csv.DictReader(io.StringIO(fetch(server + csv_link.lstrip("/")).text)))
    assert {r["projectLabel"] for r in rows} == expected
    assert expected <= set(page.texts("td"))


def test_a_query_page_runs_with_a_parameter_and_shows_labels_linked_to_entities(server):
    page = html(server, "queries/projects-by-theme?theme=theme:residential-care")
    select_box = page.all("select", name="theme")[0]
    assert select_box.attrs["id"] == "param-theme"
    selected = [o for o in page.all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == ["theme:residential-care"]
    assert page.links().get("/id/theme/residential-care") == "Residential care"
    assert any(href.startswith("/api/queries/projects-by-theme.csv?theme=theme") for href in page.links())


def test_a_query_page_with_a_bad_parameter_says_which(server):
    answer = fetch(f"{server}queries/grants-by-round?round=nonsense", headers={"Accept": "text/html"})
    assert answer.status == 400 and "parameter &#39;round&#39;" in answer.text


def test_entity_pages_use_readable_labels_and_link_their_lineage(server):
    page = html(server, "id/project/family-safeguarding")
    headers = set(page.texts("th"))
    assert {"stated by", "name"} <= headers and "dcterms:source" not in headers
    assert "/lineage/project/family-safeguarding" in page.links()
    assert "/lineage/programme/sfpc" in html(server, "id/programme/sfpc").links()


def test_entity_pages_embed_schema_org_json_ld(server):
    page = html(server, "id/model/mockingbird")
    blocks = page.all("script", type="application/ld+json")
    assert len(blocks) == 1
    data = json.loads(blocks[0].text)
    assert data["@context"] == "https://schema.org" and data["name"] == "Mockingbird Family Model"
    assert data["@id"] == "https://w3id.org/cscip-kg/id/model/mockingbird" and "Mockingbird" in data["alternateName"]
    grant = json.loads(html(server, "id/grant/round-1-hertfordshire").all("script", type="application/ld+json")[0].text)
    assert grant["@type"] == "MonetaryGrant" and grant["amount"]["value"] == "4800000"


def test_profile_indexes_link_every_entity_of_their_kind(server, compiled: CompiledGraph):
    themes = select(compiled, "SELECT ?t WHERE { ?t a cscip:Theme }")
    links = html(server, "themes/").links()
    assert {f"/id/theme/{r['t'].rsplit('/', 1)[1]}" for r in themes} <= set(links)
    assert fetch(f"{server}id/theme/no-such-theme").status == 404


@pytest.mark.parametrize(("old", "new"), [("themes/residential-care", "id/theme/residential-care"),
                                          ("programmes/sfpc", "id/programme/sfpc"),
                                          ("organisations/walsall", "id/organisation/walsall")])
def test_an_old_overview_address_moves_to_the_entitys_one_page(app: Flask, old: str, new: str) -> None:
    """The overview pages were folded into the entity pages: their addresses answer 301, never a second page."""
    client = app.test_client()
    answer = client.get("/" + old, headers={"Accept": "text/html"})
    assert answer.status_code == 301 and answer.headers["Location"] == "/" + new
    assert client.get("/" + new, headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize("path", ["themes/no-such-theme", "organisations/no-such-place", "programmes/%3Cx%3E"])
def test_an_old_overview_address_of_nothing_is_not_found(app: Flask, path: str) -> None:
    assert app.test_client().get("/" + path).status_code == 404


def test_a_fresh_app_can_build_options_before_the_search_index(build_dir):
    # Options are computed from the search index, both cached per build: the first request of a
    # fresh app to a query page builds one inside the other and must not wait on itself.
    with open_app({"build": str(build_dir), "workers": 1}) as app:
        response = app.test_client().get("/queries/projects-by-theme", headers={"Accept": "text/html"})
        assert response.status_code == 200 and b"Residential care" in response.data


def test_the_home_page_says_what_its_charts_add_up_to(server, compiled: CompiledGraph):
    # The bars added up to fewer projects than the figure above them, with nothing saying why.
    with_round = select(compiled, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a cscip:Project ; cscip:round ?r }")[0]["n"]
    pairs = select(compiled, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?p ?t WHERE { ?p a cscip:Project ; cscip:theme ?t } }"
                   )[0]["n"]
    note = next(text for text in html(server, "").texts("p") if text.startswith("The charts count"))
    assert f"the {with_round} projects whose funding round" in note and f"({pairs} in all)" in note


def test_a_publishers_page_lists_what_it_published_rather_than_an_empty_table(server):
    page = html(server, "id/organisation/community-care")
    assert "What the authority-profile question answers about it" in " ".join(page.texts("caption"))
    assert "publisher" in page.texts("td")


def test_a_page_authority_profile_finds_nothing_about_answers_from_organisation_profile(server):
    """A partnership's members are organisation-profile's ("has member"); authority-profile lists memberships only."""
    page = html(server, "id/organisation/together4children")
    assert "What the organisation-profile question answers about it" in " ".join(page.texts("caption"))
    assert "has member" in page.texts("td")
    assert any(href.startswith("/api/queries/organisation-profile.csv?organisation=organisation") for href in page.links())


def test_a_funders_page_says_what_it_funded_and_names_no_other_scheme_a_gss_code(server, compiled: CompiledGraph):
    funded = select(compiled, """SELECT DISTINCT ?x WHERE { ?x schema:funder organisation:department-for-education }""")
    grants = select(compiled, """SELECT DISTINCT ?x WHERE { ?x schema:funder organisation:department-for-education ; a cscip:Grant }""")
    page = html(server, "id/organisation/department-for-education")
    text = " ".join(page.texts("p"))
    assert f"{len(grants)} grants" in text and "The sources name it as funder of" in text
    assert "The sources record no grants for it" not in text
    assert "GSS code" not in " ".join([*page.texts("p"), *page.texts("td")])
    assert page.texts("td").count("funder") == len(funded)
    walsall = html(server, "id/organisation/walsall")
    assert "GSS code E08000030" in " ".join(walsall.texts("p"))


def test_a_programme_that_spread_earlier_projects_does_not_count_their_grants_as_its_own(server):
    page = html(server, "id/programme/sfpc")
    text = " ".join(page.texts("p"))
    assert "It spread 3 projects funded before it, in CSCIP round 1" in text
    assert "which is no part of this programme's funding" in text
    assert "Grants recorded to its projects" not in page.texts("dt") and "Grants recorded to projects funded in it" not in page.texts("dt")


def test_how_we_know_an_organisations_kind_is_a_sentence_under_its_name(server):
    page = html(server, "id/organisation/department-for-education")
    kind = [p for p in page.texts("p") if p.startswith("Kind: ")]
    assert kind and kind[0].startswith("Kind: public body (stated by ")
