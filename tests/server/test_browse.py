"""Browse pages: sorted, faceted, paged tables whose CSV and JSON twins hold exactly the rows shown."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from cscip_kg.build import CompiledGraph
from cscip_kg.derived import DERIVED_FOLDER, LISTINGS_FOLDER, read_listing, rows
from cscip_kg.listing_queries import LISTING_QUERIES, RECORD, UNIT
from cscip_kg.server.rendering.humanize import pounds
from tests.helpers import select
from tests.server.live import open_app
from tests.server.structure import assert_accessible_page, parse

ID = "https://w3id.org/cscip-kg/id/"
LISTS = ["models", "projects", "grants", "organisations", "reports", "programmes", "themes"]
HTML = {"Accept": "text/html"}


def as_json(client: FlaskClient, path: str) -> dict[str, Any]:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.content_type == "application/json", (path, answer.data[:300])
    found: dict[str, Any] = json.loads(answer.data)
    return found


@pytest.mark.parametrize("name", LISTS)
def test_every_list_is_a_page_with_totals_and_twins(client, name):
    answer = client.get(f"/{name}/", headers=HTML)
    assert answer.status_code == 200 and answer.content_type.startswith("text/html")
    page = parse(answer.data.decode())
    assert_accessible_page(page)
    data = as_json(client, f"/{name}.json")
    assert data["total"] > 0 and len(data["rows"]) == min(data["total"], data["size"])
    assert f"{data['total']} rows" in " ".join(page.texts("p"))
    assert {f"/{name}.csv", f"/{name}.json"} <= set(page.links())


def test_grants_sorted_by_amount_put_the_largest_first(client, compiled: CompiledGraph):
    largest = select(compiled, "SELECT (MAX(?v) AS ?m) WHERE { ?g a cscip:Grant ; schema:amount/schema:value ?v }")[0]["m"]
    rows = as_json(client, "/grants.json?sort=amount&desc=1")["rows"]
    assert rows[0]["amount"] == float(largest)
    amounts = [r["amount"] for r in rows if r["amount"] is not None]
    assert amounts == sorted(amounts, reverse=True)
    ascending = [r["amount"] for r in as_json(client, "/grants.json?sort=amount&desc=0")["rows"] if r["amount"] is not None]
    assert ascending == sorted(ascending)
    page = parse(client.get("/grants/?sort=amount&desc=1", headers=HTML).data.decode())
    first_amount = next(e for e in page.all("td") if e.attrs.get("data-label") == "Amount")
    assert first_amount.text.strip() == pounds(Decimal(largest))


def test_a_filtered_csv_holds_the_same_rows_as_the_page(client, compiled: CompiledGraph):
    query = f"round={ID}programme/cscip-round-1&theme={ID}theme/residential-care&sort=amount&desc=1"
    page = parse(client.get(f"/grants/?{query}", headers=HTML).data.decode())
    shown = [e.text.strip() for e in page.all("td") if e.attrs.get("data-label") == "Grant"]
    expected = select(compiled, """SELECT DISTINCT ?g WHERE { ?g a cscip:Grant ; cscip:round programme:cscip-round-1 ;
        schema:fundedItem/cscip:theme theme:residential-care }""")
    assert len(shown) == len(expected) > 0
    assert f"/grants.csv?{query}" in page.links()
    answer = client.get(f"/grants.csv?{query}")
    assert answer.status_code == 200 and answer.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.data.decode())))
    assert [r["item"] for r in rows] == shown
    assert {r["item_iri"] for r in rows} == {r["g"] for r in expected}
    assert all(Decimal(r["amount"]) == Decimal(r["amount"]).to_integral() for r in rows)  # the exact figure, not £4.8m


def test_facets_count_the_filtered_rows_and_pages_add_up(client):
    data = as_json(client, "/projects.json?size=25")
    rounds = {f["value"]: f["count"] for f in data["facets"]["round"]}
    round1 = f"{ID}programme/cscip-round-1"
    filtered = as_json(client, f"/projects.json?round={round1}&size=25")
    assert filtered["total"] == rounds[round1]
    seen = []
    for number in range(1, filtered["pages"] + 1):
        seen += [r["item"][0]["iri"] for r in as_json(client, f"/projects.json?round={round1}&size=25&page={number}")["rows"]]
    assert len(seen) == len(set(seen)) == filtered["total"]
    evaluated = {f["value"]: f["count"] for f in data["facets"]["evaluated"]}
    assert evaluated["yes"] + evaluated["no"] == data["total"]


def test_a_filtered_page_keeps_the_order_of_the_whole_list(client):
    # The rows are sorted once per build and a filter keeps a subsequence (listing_index.py).
    for query in ("sort=reports&desc=1", "sort=item&desc=0", "sort=evaluated&desc=1"):
        whole = [r["item"][0]["iri"] for r in as_json(client, f"/projects.json?{query}&size=500")["rows"]]
        kept = [r["item"][0]["iri"] for r in as_json(client, f"/projects.json?{query}&size=500&evaluated=yes")["rows"]]
        assert kept and kept == [iri for iri in whole if iri in set(kept)], query


def test_a_facet_link_adds_its_value_after_the_facet_s_chosen_ones(client):
    chosen = as_json(client, "/models.json?evaluated=yes")["facets"]["round"][0]["value"]
    # page 2 of 10 rows: one that exists (a page past the last is a 404)
    args = urlencode([("round", chosen), ("evaluated", "yes"), ("page", "2"), ("size", "10")])
    other = next(f["value"] for f in as_json(client, f"/models.json?{args}")["facets"]["round"] if f["value"] != chosen)
    html = client.get(f"/models/?{args}", headers=HTML).get_data(as_text=True)
    # As MultiDict.add has it: the other round joins the chosen one, ahead of evaluated; page goes; the chosen one toggles off.
    adding = [("round", chosen), ("round", other), ("evaluated", "yes"), ("size", "10")]
    removing = [("evaluated", "yes"), ("size", "10")]
    for expected in (adding, removing):
        assert f'href="/models/?{escape(urlencode(expected))}"' in html, expected


def test_bad_browse_parameters_are_400_naming_them(client):
    for query, words in (("sort=nope", "sort"), ("colour=red", "colour"), ("page=0", "page"), ("size=100000", "size")):
        answer = client.get(f"/grants/?{query}", headers=HTML)
        assert answer.status_code == 400 and words in answer.data.decode(), query
        assert client.get(f"/grants.json?{query}").content_type.startswith("text/plain")


def test_basis_facet_until_the_basis_terms_land(client):
    # A qualified adoption with cscip:claimStatus counts as claimed; the rest as stated.
    facets = {f["value"] for f in as_json(client, "/organisations.json")["facets"]["basis"]}
    assert "stated" in facets


def test_every_report_address_is_shown_where_reports_are_listed(client, compiled: CompiledGraph):
    addresses = {r["report"]: r["url"] for r in select(compiled, "SELECT ?report ?url WHERE { ?report schema:url ?url }")}
    assert len(addresses) == 3  # docs/report-addresses.md gives the count and why the rest have none
    rows = as_json(client, "/reports.json?size=500")["rows"]
    shown = {row["item"][0]["iri"]: [d["iri"] for d in row["document"]] for row in rows if row["document"]}
    assert shown == {report: [url] for report, url in addresses.items()}
    html = client.get("/reports/?size=500", headers=HTML).get_data(as_text=True)
    assert all(f'href="{url}"' in html for url in addresses.values())


@pytest.mark.parametrize("name", LISTS)
def test_the_build_writes_each_listing_with_the_rows_its_query_gives(build_dir: Path, compiled: CompiledGraph, name):
    written = read_listing(build_dir, name)
    assert written, f"the build wrote no rows for {name}"
    asked = rows(compiled.engine, LISTING_QUERIES[name])

    def key(row: dict[str, str]) -> str:
        return json.dumps(row, sort_keys=True)
    assert sorted(written, key=key) == sorted(asked, key=key)


def test_browse_pages_read_the_listing_the_build_wrote(build_dir: Path, tmp_path: Path):
    copy = tmp_path / "build"
    shutil.copytree(build_dir, copy)
    listings = copy / DERIVED_FOLDER / LISTINGS_FOLDER
    table = json.loads((listings / "themes.json").read_text(encoding="utf-8"))
    item = table["variables"].index("item")
    iri = table["rows"][0][item].split(RECORD)[0].split(UNIT)[0]
    table["rows"][0][item] = f"{iri}{UNIT}Written by the build"
    (listings / "themes.json").write_text(json.dumps(table), encoding="utf-8")
    with open_app({"build": str(copy), "workers": 1, "cache_mb": 0}) as app:
        assert "Written by the build" in app.test_client().get("/themes/", headers=HTML).get_data(as_text=True)


def test_programmes_count_grants_not_projects_and_roll_up_to_their_programme(client, compiled: CompiledGraph):
    # A round's projects carry cscip:round as its grants do; the count once took both (round 1: 113 for 53 grants).
    rows = {r["item"][0]["iri"].rsplit("/", 1)[1]: r["grants"] for r in as_json(client, "/programmes.json?size=100")["rows"]}
    expected = {r["p"].rsplit("/", 1)[1]: int(r["n"]) for r in select(compiled, """
        SELECT ?p (COUNT(DISTINCT ?g) AS ?n) WHERE { ?p a ?kind . VALUES ?kind { cscip:Programme cscip:FundingRound cscip:Strand }
          OPTIONAL { ?g a cscip:Grant ; (cscip:round|cscip:strand)/dcterms:isPartOf* ?p } } GROUP BY ?p""")}
    assert rows == expected
    assert rows["cscip-round-1"] == as_json(client, "/grants.json?round=https://w3id.org/cscip-kg/id/programme/cscip-round-1")["total"]
    assert rows["cscip"] == rows["cscip-round-1"] + rows["cscip-round-2"] + rows["cscip-round-3"] > 0
    assert rows["partners-in-practice-round-1"] == 0  # its page says the sources record no grants for it


def test_a_browse_page_past_the_last_is_a_404_saying_how_many_there_are(client):
    pages = as_json(client, "/grants.json")["pages"]
    for path in (f"/grants/?page={pages + 1}", f"/grants.json?page={pages + 1}"):
        answer = client.get(path, headers=HTML)
        assert answer.status_code == 404 and f"page={pages + 1}" in answer.data.decode(), path
    assert client.get(f"/grants.json?page={pages}").status_code == 200


@pytest.mark.parametrize(("name", "link"), [("models", "?project cscip:implementsModel|cscip:adaptsModel|cscip:combinesModel ?item"),
                                            ("themes", "?project cscip:theme ?item")])
def test_a_round_filter_keeps_every_entity_with_a_project_in_that_round(client, compiled: CompiledGraph, name, link):
    """A model whose projects are partly without a round still lists the rounds of the others (Signs of Safety)."""
    for round_ in ("cscip-round-1", "cscip-round-2"):
        expected = {r["item"] for r in select(compiled, f"""SELECT DISTINCT ?item WHERE {{ {link} .
            ?project cscip:round programme:{round_} }}""")}
        rows = as_json(client, f"/{name}.json?round={ID}programme/{round_}&size=500")["rows"]
        assert {row["item"][0]["iri"] for row in rows} == expected, round_
    signs = next(r for r in as_json(client, "/models.json?size=500")["rows"] if r["item"][0]["iri"] == f"{ID}model/signs-of-safety")
    assert f"{ID}programme/cscip-round-1" in {item["iri"] for item in signs["round"]}


def test_the_organisations_list_counts_projects_as_the_organisations_page_does(client):
    """The list once counted a project and its grant as two things led (Hertfordshire: 4 against its page's 2)."""
    rows = as_json(client, "/organisations.json?size=500")["rows"]
    for slug in ("hertfordshire", "leeds", "north-yorkshire"):
        row = next(r for r in rows if r["item"][0]["iri"] == f"{ID}organisation/{slug}")
        text = client.get(f"/id/organisation/{slug}", headers=HTML).get_data(as_text=True)
        words = " ".join(re.sub(r"<[^>]+>", " ", text).split())
        led = re.search(r"It led (\w+) projects? and was a partner in (\w+) other", words)
        assert led, slug
        numbers = [0 if n == "no" else int(n) for n in led.groups()]
        assert [row["leads"], row["partners"]] == numbers, slug
