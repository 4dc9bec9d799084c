"""Designed entity pages and tables for people, read through Flask's test client over a real build."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient

from cscip_kg.build import CompiledGraph
from tests.helpers import select
from tests.server.structure import Structure, assert_accessible_page, parse


def page(client: FlaskClient, path: str) -> str:
    answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 200, (path, answer.data[:300])
    return answer.get_data(as_text=True)


def summary(html: str) -> str:
    """The words of the summary block, tags removed."""
    found = re.search(r'<div class="summary-text">(.*?)</div>', html, re.S)
    assert found, "no summary"
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split()).replace(" .", ".").replace(" ,", ",")


def section(html: str, id_: str) -> Structure:
    """The section with that id, nested sections (a map, a timeline) included."""
    found = re.search(rf'<section id="{id_}"', html)
    assert found, f"no section {id_}"
    depth = 0
    for tag in re.finditer(r"<(/?)section\b", html[found.start():]):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return parse(html[found.start():found.start() + tag.start()])
    raise AssertionError(f"section {id_} is never closed")


def visible(html: str) -> str:
    """The page without its folded property table (what a reader sees before opening it)."""
    return re.sub(r"<details\b[^>]*>.*?</details>", "", html, flags=re.S)


def column(structure: Structure, label: str) -> list[str]:
    return [" ".join(e.text.split()) for e in structure.all("td", data_label=label)]


def test_a_model_page_opens_with_its_innovator_and_round_1_grant_and_lists_adoptions_once(client, compiled: CompiledGraph):
    html = page(client, "/id/model/family-safeguarding")
    words = summary(html)
    assert words.startswith("Family Safeguarding is a practice model")
    assert "Hertfordshire County Council" in words and "CSCIP round 1" in words and "£4.8m" in words
    adopters = {r["o"] for r in select(compiled, """SELECT DISTINCT ?o WHERE {
        ?o cscip:qualifiedAdoption/cscip:adoptedModel model:family-safeguarding }""")}
    assert f"{len(adopters)} organisations took it up" in words
    who = column(section(visible(html), "lineage"), "Organisation")
    assert len(who) == len(set(who)) == len(adopters), who
    # once, in the adoptions table; not again as "adopts model" (the evidence-at-adoption table names each adopter too)
    shown = re.sub(r'<section id="evidence-at-adoption".*?</section>', "", visible(html), flags=re.S)
    assert shown.count(">Walsall</a>") == 1
    assert "Strengthening Families, Protecting Children" in column(section(visible(html), "lineage"), "Through")


def test_no_project_page_opens_with_a_bare_kind(client, compiled: CompiledGraph):
    projects = select(compiled, "SELECT ?p ?label WHERE { ?p a cscip:Project ; rdfs:label ?label }")
    assert len(projects) > 100
    for row in projects:
        html = page(client, "/id/project/" + row["p"].rsplit("/", 1)[1])
        words = summary(html)
        assert "A project, project." not in html
        assert words.startswith(f"{row['label']} is a project"), words[:120]
        assert_accessible_page(parse(html))


@pytest.mark.parametrize("path", ["/id/model/no-wrong-door", "/id/project/lifelong-links", "/id/programme/sfpc",
                                  "/id/programme/cscip-round-1", "/id/programme/sfip-fdac", "/id/organisation/leeds",
                                  "/id/grant/round-1-hertfordshire", "/id/report/family-safeguarding-round-1",
                                  "/id/theme/residential-care"])
def test_every_kind_has_a_summary_sections_and_the_folded_table(client, path):
    html = page(client, path)
    structure = parse(html)
    assert_accessible_page(structure)
    assert summary(html) and structure.all("p", **{"class": "badge"})
    assert "Sources" in structure.texts("h2") and "All the facts, as data" in structure.texts("h2")
    assert structure.all("details") and structure.all("table", **{"class": "props"})


def test_money_reads_as_pounds_with_the_exact_figure_on_hover_and_in_the_csv(client):
    html = page(client, "/queries/round1-models-fed-sfpc")
    assert re.search(r'<data value="4800000" title="£4,800,000 exactly[^"]*">£4.8m</data>', html), html[:2000]
    assert ">4800000<" not in html and ">false<" not in html
    text = client.get("/api/queries/round1-models-fed-sfpc.csv").get_data(as_text=True)
    assert "4800000" in {row["amount"] for row in csv.DictReader(io.StringIO(text))}
    grant = page(client, "/id/grant/round-1-hertfordshire")
    assert 'value="4800000"' in grant and "£4.8m" in summary(grant)


def test_query_tables_have_words_for_headings_and_booleans(client):
    structure = parse(page(client, "/queries/grants-by-round"))
    headings = structure.texts("th")
    assert {"Round", "Strand", "Grant", "Project", "Amount"} <= set(headings)
    assert not {"roundLabel", "statedAs", "upTo", "amount"} & set(headings)
    assert all(not text.startswith("grant:") for text in column(structure, "Grant"))
    themes = parse(page(client, "/queries/projects-by-theme"))
    assert set(column(themes, "Ended without evaluation")) <= {"yes", "no"}


def test_rows_that_differ_only_in_their_sources_are_one_row(client):
    structure = parse(page(client, "/queries/authority-profile?organisation=organisation:hertfordshire"))
    rows = list(zip(column(structure, "Role"), column(structure, "What"), column(structure, "Details"), strict=True))
    assert len(rows) == len(set(rows)), rows


def test_every_stated_by_link_goes_to_the_original_page(client, compiled: CompiledGraph):
    urls = {r["url"] for r in select(compiled, "SELECT ?url WHERE { ?s cscip:originalURL ?url }")}
    for path in ("/id/model/family-safeguarding", "/queries/adopters-of-model?model=model:family-safeguarding",
                 "/id/organisation/walsall"):
        html = visible(page(client, path))
        cells = re.findall(r'<td data-label="Stated by"[^>]*>(.*?)</td>', html, re.S)
        assert cells, path
        for cell in cells:
            links = re.findall(r'<a href="([^"]+)"', cell)
            assert links and set(links) <= urls, (path, cell)
    project = page(client, "/id/project/family-safeguarding")
    cited = "https://innovationcsc.co.uk/projects/implement-family-safeguarding-in-other-authorities-and-extend-within-hertfordshire/"
    assert f'href="{cited}"' in project


def test_reports_link_the_pages_that_give_their_document(client):
    html = page(client, "/id/report/family-safeguarding-round-1")
    # Its own address (data/report-pages) first, then the other pages the sources cite for the evaluation.
    assert "Read it at BASW: family safeguarding hertfordshire evaluation report (a page that publishes the report)" in summary(html)
    assert "The sources also cite vdocument.in" in summary(html)
    assert 'href="https://www.basw.co.uk/resources/family-safeguarding-hertfordshire-evaluation-report"' in html
    assert "Where to read it: " in summary(page(client, "/id/report/no-wrong-door"))  # cited pages only
    assert "The sources give no address for the document itself." in summary(page(client, "/id/report/adopt"))
    model = section(page(client, "/id/model/family-safeguarding"), "evaluations")
    assert "https://www.basw.co.uk/resources/family-safeguarding-hertfordshire-evaluation-report" in model.links()


def test_walsalls_page_shows_family_safeguarding_through_sfpc(client):
    html = page(client, "/id/organisation/walsall")
    assert "Family Safeguarding through Strengthening Families, Protecting Children" in summary(html)
    lineage = section(html, "lineage")
    assert "Family Safeguarding" in column(lineage, "Took up")
    assert "Strengthening Families, Protecting Children" in column(lineage, "Through")


def test_entity_pages_escape_what_they_show(client):
    html = page(client, "/id/organisation/hertfordshire")
    assert "<script>" not in html.replace('<script type="application/ld+json">', "")


def test_a_summary_says_where_the_sources_disagree(client):
    words = summary(page(client, "/id/project/b-positive-pathways"))
    assert "Sources disagree: " in words
    assert "£1.6m for 2 years" in words and "£3.2m over 2 years" in words


def test_an_organisations_funding_keeps_led_and_partnered_grants_apart(client):
    funding = section(page(client, "/id/organisation/hertfordshire"), "funding")
    text = " ".join(funding.texts("p"))
    assert "Grants to the 2 projects it led: £16.4m." in text and "it was a partner in" in text


def test_lineage_links_read_in_the_ontologys_words_and_tell_shared_names_apart(client):
    found = section(page(client, "/id/project/family-safeguarding-round-2"), "lineage")
    rows = set(zip(column(found, "Direction"), column(found, "Link"), column(found, "With"), strict=True))
    # The model and the project it scales up share a name; each gets its kind.
    assert {("came from", "implements model", "Family Safeguarding (model)"),
            ("came from", "scales up", "Family Safeguarding (project)")} <= rows, rows
    # Beneath the table of who took it up, not replaced by it.
    assert "Bracknell Forest Council" in column(found, "Organisation")


@pytest.mark.parametrize(("path", "empty"), [("/id/organisation/walsall", False), ("/id/grant/round-1-hertfordshire", False),
                                             ("/id/organisation/what-works-for-childrens-social-care", True)])
def test_the_lineage_section_says_it_is_empty_only_when_it_shows_nothing(client, path, empty):
    found = section(page(client, path), "lineage")
    said = "The sources record no lineage links for it." in " ".join(found.texts("p"))
    listed = [c for c in found.texts("caption") if c.startswith(("Lineage links", "Models it took up"))]
    assert said == empty and bool(listed) != empty, (path, listed)


@pytest.mark.parametrize(("path", "words"), [("/", "Children's Social Care Innovation Programme"),
                                             ("/id/model/family-safeguarding", "Family Safeguarding is a practice model"),
                                             ("/models/", "Children's Social Care Innovation Programme")])
def test_pages_carry_a_description_a_canonical_link_and_open_graph_tags(client, path, words):
    found = parse(page(client, path))
    meta = {e.attrs.get("name") or e.attrs.get("property"): e.attrs.get("content", "") for e in found.all("meta")}
    assert words in meta["description"] and meta["og:description"] == meta["description"], meta
    assert meta["og:title"] and meta["og:title"] in found.texts("title")[0]
    assert [e.attrs["href"] for e in found.all("link", rel="canonical")] == [f"http://localhost{path}"]


def folded_facts(html: str) -> list[tuple[str, list[str]]]:
    """The folded property table's rows as (value text, hrefs of its Stated by cell)."""
    table = re.search(r'<table class="props" aria-labelledby="says">(.*?)</table>', html, re.S)
    assert table, "no folded property table"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table[1], re.S):
        cells = re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S)
        if len(cells) == 2:
            text = " ".join(re.sub(r"<[^>]+>", " ", cells[0]).split())
            rows.append((text, re.findall(r'<a href="([^"]+)"', cells[1])))
    assert rows, "the folded property table has no rows"
    return rows


@pytest.mark.parametrize("path", ["/id/organisation/walsall", "/id/model/family-safeguarding", "/id/programme/sfpc",
                                  "/id/organisation/tyneside-alliance", "/id/organisation/north-tyneside",
                                  "/id/organisation/what-works-for-childrens-social-care"])
def test_the_folded_table_names_the_page_each_fact_was_read_on_not_secondary_facts(client, path):
    # A shared thing's edge in secondary-facts.md (an adoption shortcut, a GSS code, an evaluator, a member) is
    # stated by the page of the record standing for it, never by the compiled file or the derived lineage graph.
    for value, hrefs in folded_facts(page(client, path)):
        assert hrefs, (path, value)
        assert "/id/source/secondary-facts" not in hrefs and "/graph/lineage" not in hrefs, (path, value, hrefs)


def test_walsalls_facts_name_the_page_of_each(client):
    facts = folded_facts(page(client, "/id/organisation/walsall"))
    trial = "https://whatworks-csc.org.uk/research-project/family-safeguarding-model-trial-evaluation/"
    # adopts model (secondary-facts) and its lineage link: the adoption record's pages (the lineage link also
    # has the page that dated it), each an http(s) page, the trial page among them
    adopted = [hrefs for value, hrefs in facts if value == "Family Safeguarding"]
    assert len(adopted) == 2 and [trial] in adopted
    assert all(trial in hrefs and all(h.startswith("https://") for h in hrefs) for hrefs in adopted), adopted
    record = [hrefs for value, hrefs in facts
              if value == "Walsall: Family Safeguarding through Strengthening Families, Protecting Children (trial cohort)"]
    assert record == [[trial]]
    gss = [hrefs for value, hrefs in facts if value == "GSS code E08000030 (Walsall)"]
    assert len(gss) == 1 and len(gss[0]) == 1 and gss[0][0].startswith("https://github.com/") and "stats19" in gss[0][0].lower()


def test_an_organisations_models_link_to_their_pages(client):
    html = page(client, "/id/organisation/walsall")
    took_up = [e for e in section(html, "lineage").all("td", data_label="Took up")]
    assert {" ".join(e.text.split()) for e in took_up} == {"Family Safeguarding", "Family Drug and Alcohol Court"}
    links = section(html, "lineage").links()
    assert links["/id/model/family-safeguarding"] == "Family Safeguarding"
    assert links["/id/model/family-drug-and-alcohol-court"] == "Family Drug and Alcohol Court"
    assert re.search(r'It took up <a href="/id/model/family-drug-and-alcohol-court"', html)


def test_a_strand_whose_statements_need_no_record_still_answers(client):
    # A shared thing with statements in a compiled graph but no record linked to it there (a round 1 strand).
    assert "CSCIP round 1" in page(client, "/id/programme/cscip-round-1-adolescents")


def test_a_round_names_its_projects_leads_among_its_organisations(client: FlaskClient, compiled: CompiledGraph):
    # Round 1's 53 projects have leads; the key facts once counted only participation records there (0).
    leads = {r["o"] for r in select(compiled, """SELECT DISTINCT ?o WHERE {
        ?p a cscip:Project ; cscip:round programme:cscip-round-1 ; cscip:leadOrganisation ?o }""")}
    html = page(client, "/id/programme/cscip-round-1")
    found = re.search(r"<dt>Organisations named</dt><dd>\s*(?:<[^>]+>)*\s*(\d+)", html)
    assert found, "no count of organisations named"
    assert int(found[1]) >= len(leads) > 0


def test_a_disagreement_about_a_findings_figure_says_what_was_measured_and_comes_after_the_summary(client: FlaskClient):
    # It once opened the page as "value: sources disagree: 66 / 67", no unit, no subject, above the summary.
    html = page(client, "/id/project/no-wrong-door")
    assert html.index('class="summary"') < html.index('class="disputes"')
    disputes = " ".join(re.sub(r"<[^>]+>", " ", re.search(r'class="disputes".*?</section>', html, re.S)[0]).split())
    assert "figures its evaluations gave" in disputes
    assert "a 68% reduction in children going missing" in disputes and "missing incidents halved, from 503 to 253" in disputes
    assert "<dt>value</dt>" not in html


def test_the_headline_table_comes_before_the_details_of_disagreements(client: FlaskClient):
    """SFPC's page answers "which round 1 models fed it" before the long list of what the sources dispute."""
    html = page(client, "/id/programme/sfpc")
    assert html.index('class="summary"') < html.index('id="fed-title"') < html.index('class="disputes"')
    assert 'href="#disputes"' in html


def test_an_organisations_evaluations_do_not_contradict_its_funding_table(client):
    """Coventry was a partner in Lifelong Links, whose report its Funding table lists: its Evaluations section once
    said "The sources list no evaluation report for it" beneath that."""
    html = page(client, "/id/organisation/coventry")
    assert "Lifelong Links evaluation report" in " ".join(column(section(html, "funding"), "Evaluation reports"))
    words = " ".join(section(html, "evaluations").texts("p"))
    assert "no evaluation report of a project it led" in words and "partner in are listed under Funding" in words
    assert "no evaluation report for it" not in words


def test_a_lead_or_partnership_only_the_graph_reads_is_marked_where_it_is_counted(client):
    """Newham's lead of Newham Delivery for Children is read from the project's name (an inferred record): the summary
    that counts its projects, and the Funding table's How and Led by cells, say so, not only the facts table."""
    html = page(client, "/id/organisation/newham")
    assert "It led 2 projects (1 of them inferred by this graph)" in summary(html)
    how = column(section(html, "funding"), "How")
    assert "lead (inferred by this graph, not stated by a source)" in how and "lead" in how
    led = column(section(page(client, "/id/organisation/coventry"), "funding"), "Led by")
    assert all("inferred" not in cell for cell in led)  # Coventry's partnerships: the projects' own leads are stated
