"""Errors and edges for people: error pages in the site's layout, the dataset page, the API page, question pickers, editor tabs."""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import quote

import pytest

from tests.server.live import fetch, open_app
from tests.server.structure import assert_accessible_page, parse

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(("path", "status"), [
    ("no/such/page", 404), ("id/model/does-not-exist", 404), ("models/?sort=nope", 400), ("search?q=x&page=0", 400),
    ("id/model/mockingbird?format=nonsense", 400),
])
def test_error_pages_for_browsers_have_the_layout(server, path, status):
    answer = fetch(server + path, headers={"Accept": BROWSER})
    assert answer.status == status and answer.media_type == "text/html", (path, answer.text[:200])
    page = parse(answer.text)
    assert_accessible_page(page)
    assert page.all("html", lang="en") and page.texts("title")[0]
    assert page.all("form", role="search") and "/models/" in page.links()


def test_a_406_for_a_browser_is_a_page_too(server):
    answer = fetch(server + "api/", headers={"Accept": "text/html"})
    assert answer.status == 200
    # /sparql and /api/ keep their machine-readable errors whatever the Accept header says.
    assert fetch(server + "sparql?query=nonsense", headers={"Accept": BROWSER}).media_type != "text/html"
    assert fetch(server + "api/queries/nope", headers={"Accept": BROWSER}).media_type == "text/plain"


@pytest.mark.parametrize("path", ["no/such/page", "id/model/does-not-exist", "grants.json?sort=nope"])
def test_scripts_still_get_one_line_errors(server, path):
    answer = fetch(server + path)
    assert answer.status in (400, 404) and answer.media_type == "text/plain" and answer.text.count("\n") == 1


def test_well_known_void_is_a_page_for_a_browser_and_rdf_for_a_client(server):
    page = fetch(server + ".well-known/void", headers={"Accept": BROWSER})
    assert page.status == 200 and page.media_type == "text/html"
    structure = parse(page.text)
    assert_accessible_page(structure)
    assert "About the dataset" in structure.texts("h1")
    assert "https://creativecommons.org/licenses/by/4.0/" in structure.links()
    assert fetch(server + ".well-known/void", headers={"Accept": "text/html"}).status == 200
    assert fetch(server + ".well-known/void", headers={"Accept": "text/turtle"}).media_type == "text/turtle"


def test_the_api_page_lists_every_operation_with_a_working_example(server):
    page = parse(fetch(server + "api/", headers={"Accept": "text/html"}).text)
    assert_accessible_page(page)
    links = page.links()
    assert "/api/openapi.json" in links
    catalogue = json.loads(fetch(server + "api/queries").body)["queries"]
    for query in catalogue:
        example = next(link for link in links if link.startswith(f"/api/queries/{query['name']}.json"))
        assert fetch(server + example.lstrip("/")).status == 200, example
    assert any(link.startswith("/sparql?") for link in links) and any(link.startswith("/search.json") for link in links)


def test_question_pickers_have_no_two_options_alike(server):
    page = parse(fetch(server + "queries/lineage", headers={"Accept": "text/html"}).text)
    labels = Counter(" ".join(e.text.split()) for e in page.all("option"))
    assert len(labels) > 100 and max(labels.values()) == 1, [label for label, n in labels.items() if n > 1]
    groups = {e.attrs["label"] for e in page.all("optgroup")}
    assert {"Practice models", "Projects", "Organisations", "Programmes"} <= groups
    assert "Family Safeguarding (practice model)" in labels and "Family Safeguarding (project)" in labels


def test_editor_tabs_carry_their_questions_default_parameters(server):
    page = parse(fetch(server + "editor", headers={"Accept": "text/html"}).text)
    config = json.loads(page.all("script", id="editor-config")[0].text)
    lineage = next(e for e in config["examples"] if e["name"].startswith("Lineage"))
    assert "<https://w3id.org/cscip-kg/id/model/family-safeguarding>" in lineage["query"]
    assert not re.search(r"\?entity\b", lineage["query"].split("WHERE", 1)[1])
    answer = fetch(server + "sparql?query=" + quote(lineage["query"]),
                   headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(answer.body)["results"]["bindings"]
    expected = json.loads(fetch(server + "api/queries/lineage.json").body)["results"]["bindings"]
    assert len(rows) == len(expected) > 0


def editor_config(server: str, path: str) -> dict:  # type: ignore[type-arg]
    page = parse(fetch(server + path, headers={"Accept": "text/html"}).text)
    return json.loads(page.all("script", id="editor-config")[0].text)  # type: ignore[no-any-return]


def test_the_editor_opens_a_question_by_name_with_its_values_bound(server):
    named, plain = editor_config(server, "editor?tab=lineage"), editor_config(server, "editor")
    assert named["tab"] == "lineage" and named | {"tab": ""} == plain
    bound = editor_config(server, "editor?tab=lineage&entity=model:mockingbird")
    assert bound["tab"] == "" and "<https://w3id.org/cscip-kg/id/model/mockingbird>" in bound["query"]
    # A name it does not know, or a value it cannot bind, opens what it can rather than failing.
    assert editor_config(server, "editor?tab=no-such-question")["tab"] == ""
    assert editor_config(server, "editor?tab=lineage&nosuch=1")["tab"] == "lineage"


def test_a_failure_inside_a_page_is_a_500_page_without_a_traceback(build_dir):
    with open_app({"build": str(build_dir), "workers": 1}) as app:
        def broken() -> str:
            raise RuntimeError("secret detail")

        app.add_url_rule("/broken", "broken", broken)
        client = app.test_client()
        answer = client.get("/broken", headers={"Accept": BROWSER})
        text = answer.data.decode()
        assert answer.status_code == 500 and answer.content_type.startswith("text/html")
        assert "secret detail" not in text and "Traceback" not in text
        page = parse(text)
        assert_accessible_page(page)
        assert page.all("form", role="search")
        assert client.get("/broken").content_type.startswith("text/plain")


@pytest.mark.parametrize(("kind", "listing"), [("model", "/models/"), ("organisation", "/organisations/"), ("report", "/reports/")])
def test_an_iri_trimmed_to_its_kind_leads_to_the_list_of_that_kind(client, kind, listing):
    answer = client.get(f"/id/{kind}/", headers={"Accept": BROWSER})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(listing)
    assert client.get("/id/nonsense/").status_code == 404


def test_the_home_page_leads_to_where_models_spread(server):
    links = parse(fetch(server, headers={"Accept": BROWSER}).text).links()
    assert any(href.startswith("/models/?") and "sort=adopters" in href for href in links), links
    assert fetch(server + "models/?sort=adopters&desc=1").status == 200


@pytest.mark.parametrize("name", ["lineage", "adopters-of-model", "projects-by-theme", "authority-profile", "practice-area"])
def test_question_forms_speak_in_words_not_prefixed_names(server, name):
    # Labels and hints once read "entity (iri, default model:family-safeguarding)" and "(e.g. theme:residential-care)".
    page = parse(fetch(f"{server}queries/{name}", headers={"Accept": "text/html"}).text)
    words = " ".join(page.texts("label") + page.texts("small"))
    assert words and not re.search(r"\b(?:model|theme|organisation|programme|practice-area|measure):[a-z]", words), words
    assert "iri" not in words.split()
