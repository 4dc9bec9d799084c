"""/api/queries and /api/openapi.json: every named query as JSON and CSV, described from the query files."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote

import pytest

from cscip_kg.queries import load_catalogue
from tests.conftest import ROOT
from tests.server.live import fetch


@pytest.fixture(scope="module")
def server(local: str) -> str:
    """These checks need no wire: the session app answers them in-process (tests/conftest.py)."""
    return local


CATALOGUE = load_catalogue(ROOT / "queries")
JSON_RESULTS = "application/sparql-results+json"


def rows_of_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_catalogue_lists_every_query_file_with_its_parameters(server):
    answer = fetch(f"{server}api/queries")
    listed = {q["name"]: q for q in json.loads(answer.body)["queries"]}
    assert set(listed) == set(CATALOGUE)
    for name, query in CATALOGUE.items():
        assert listed[name]["title"] == query.title
        assert [p["name"] for p in listed[name]["parameters"]] == [p.name for p in query.parameters]


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_answers_as_json_and_csv_by_suffix_and_by_accept(server, name):
    by_suffix = fetch(f"{server}api/queries/{name}.json")
    assert by_suffix.status == 200 and by_suffix.media_type == JSON_RESULTS, by_suffix.text
    variables = json.loads(by_suffix.body)["head"]["vars"]
    by_accept = fetch(f"{server}api/queries/{name}", headers={"Accept": "text/csv"})
    assert by_accept.status == 200 and by_accept.media_type == "text/csv"
    assert next(csv.reader(io.StringIO(by_accept.text))) == variables
    assert fetch(f"{server}api/queries/{name}.csv").body == by_accept.body
    assert fetch(f"{server}api/queries/{name}?format=csv").body == by_accept.body


def test_a_parameter_narrows_the_answer(server):
    every = rows_of_csv(fetch(f"{server}api/queries/projects-by-theme.csv").body)
    one = rows_of_csv(fetch(f"{server}api/queries/projects-by-theme.csv?theme=theme:residential-care").body)
    assert 0 < len(one) < len(every)
    assert {r["theme"] for r in one} == {"https://w3id.org/cscip-kg/id/theme/residential-care"}
    full_iri = quote("https://w3id.org/cscip-kg/id/theme/residential-care", safe="")
    assert rows_of_csv(fetch(f"{server}api/queries/projects-by-theme.csv?theme={full_iri}").body) == one


def test_the_headline_question_through_the_api(server):
    rows = rows_of_csv(fetch(f"{server}api/queries/round1-models-fed-sfpc.csv").body)
    assert {r["modelLabel"] for r in rows} == {"Family Safeguarding", "Family Valued", "No Wrong Door"}
    sfip = rows_of_csv(fetch(f"{server}api/queries/round1-models-fed-sfpc.csv?programme=programme:sfip").body)
    assert {r["modelLabel"] for r in sfip} != {r["modelLabel"] for r in rows}


@pytest.mark.parametrize(("query", "parameter"), [
    ("grants-by-round?round=not%20an%20iri", "round"),
    ("grants-by-round?colour=blue", "colour"),
    ("lineage?entity=javascript:alert(1)", "entity"),
    ("projects-by-theme?theme=a&theme=b", "theme"),
])
def test_bad_parameters_are_400_naming_the_parameter(server, query, parameter):
    answer = fetch(f"{server}api/queries/{query}")
    assert answer.status == 400
    body = json.loads(answer.body)
    assert body["parameter"] == parameter and parameter in body["error"]


def test_unknown_query_and_unacceptable_format(server):
    assert fetch(f"{server}api/queries/no-such-query").status == 404
    assert fetch(f"{server}api/queries/lineage", headers={"Accept": "image/png"}).status == 406
    assert fetch(f"{server}api/queries/lineage.csv?format=json").status == 400


def test_openapi_has_an_operation_per_query_file_generated_from_its_header(server):
    answer = fetch(f"{server}api/openapi.json")
    assert answer.status == 200 and answer.media_type == "application/json"
    document = json.loads(answer.body)
    assert document["openapi"].startswith("3.")
    operations = {path.rsplit("/", 1)[1]: item["get"] for path, item in document["paths"].items() if path.startswith("/api/queries/")}
    assert set(operations) == set(CATALOGUE)
    for name, query in CATALOGUE.items():
        operation = operations[name]
        assert operation["operationId"] == name and operation["summary"] == query.title
        declared = {p["name"]: p for p in operation["parameters"]}
        for parameter in query.parameters:
            assert declared[parameter.name]["in"] == "query"
            assert declared[parameter.name]["required"] is parameter.required
            if parameter.default is not None:
                assert declared[parameter.name]["schema"]["default"] == parameter.default
        assert {"200", "400"} <= set(operation["responses"])
        assert set(operation["responses"]["200"]["content"]) == {JSON_RESULTS, "text/csv"}


def test_openapi_describes_sparql_search_entities_and_lineage_and_each_answers(server):
    document = json.loads(fetch(f"{server}api/openapi.json").body)
    assert document["servers"] and document["servers"][0]["url"]
    examples = {"/sparql": "sparql?query=ASK%20%7B%7D", "/search.json": "search.json?q=FDAC",
                "/id/{kind}/{slug}": "id/model/family-safeguarding.ttl",
                "/lineage/{kind}/{slug}.json": "lineage/model/family-safeguarding.json"}
    assert set(examples) <= set(document["paths"])
    for path, example in examples.items():
        operation = document["paths"][path]["get"]
        assert operation["summary"] and operation["responses"]["200"]["content"]
        assert {p["name"] for p in operation["parameters"] if p["in"] == "path"} == set(re.findall(r"\{(\w+)\}", path))
        assert fetch(f"{server}{example}").status == 200, example
