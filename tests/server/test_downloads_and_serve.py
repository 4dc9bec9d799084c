"""Dumps under /download/, the VoID/DCAT description, and `cscip-kg serve` itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cscip_kg.build import DUMPS, MANIFEST_FILE, QUERIES_FOLDER, STORE_FOLDER, write_dumps
from cscip_kg.cli import main
from cscip_kg.derived import ANSWERS_FILE, DERIVED_FOLDER, LISTINGS_FOLDER
from cscip_kg.source_catalogue import SOURCES_DB
from cscip_kg.spread_db import SPREAD_DB
from tests.server.live import fetch, local_fetch, open_app, page

FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
}
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"


def manifest(build_dir: Path) -> dict[str, object]:
    return json.loads((build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))


def test_download_index_links_every_dump(server):
    answer = fetch(f"{server}download/")
    assert answer.status == 200
    for name, _fmt, _media in DUMPS:
        assert f'href="/download/{name}"' in answer.text


@pytest.mark.parametrize(("name", "media_type"), [(name, media) for name, _fmt, media in DUMPS])
def test_each_dump_is_served_whole_in_its_media_type(server, build_dir, name, media_type):
    answer = fetch(f"{server}download/{name}")
    assert answer.status == 200 and answer.media_type == media_type
    parsed = {quad.triple for quad in ox.parse(answer.body, format=FORMATS[media_type])}
    assert len(parsed) == manifest(build_dir)["triples"]


def test_unknown_download_is_404(server):
    assert fetch(f"{server}download/..%2Fmanifest.json").status == 404
    assert fetch(f"{server}download/secrets.txt").status == 404


def test_void_and_dcat_description_at_well_known(server, build_dir):
    answer = fetch(f"{server}.well-known/void", headers={"Accept": "text/turtle"})
    assert answer.status == 200 and answer.media_type == "text/turtle"
    graph = {quad.triple for quad in ox.parse(answer.body, format=ox.RdfFormat.TURTLE)}
    dataset = ox.NamedNode("https://w3id.org/cscip-kg/dataset")
    types = {t.object.value for t in graph if t.subject == dataset and t.predicate.value.endswith("#type")}
    assert {VOID + "Dataset", DCAT + "Dataset"} <= types
    dumps = {t.object.value for t in graph if t.subject == dataset and t.predicate.value == VOID + "dataDump"}
    assert dumps == {f"https://w3id.org/cscip-kg/download/{name}" for name, _f, _m in DUMPS}
    triples = next(t.object.value for t in graph if t.subject == dataset and t.predicate.value == VOID + "triples")
    assert int(triples) == manifest(build_dir)["triples"]


def test_dataset_iri_gives_data_to_machines_and_the_home_page_to_people(server):
    assert fetch(f"{server}dataset", headers={"Accept": "application/n-triples"}).media_type == "application/n-triples"
    people = fetch(f"{server}dataset", headers={"Accept": "text/html"})
    assert people.status == 200 and people.media_type == "text/html"  # after the 303 to /


def test_home_page_links_the_dcat_description(server):
    home = page(server, "")
    assert ("text/turtle", "/.well-known/void") in home.alternates
    assert {"/.well-known/void", "/download/", "/sparql"} <= set(home.links)


def test_serve_without_a_build_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--build", str(tmp_path / "nothing"), "--port", "0"])
    assert result.exit_code == 1
    assert "no build in" in result.output and "cscip-kg build" in result.output


def _edit_manifest(build: Path, **changes: object) -> None:
    manifest = json.loads((build / MANIFEST_FILE).read_text(encoding="utf-8"))
    (build / MANIFEST_FILE).write_text(json.dumps({**manifest, **changes}), encoding="utf-8")


@pytest.mark.parametrize(("broken", "expected"), [
    (lambda d: (d / MANIFEST_FILE).write_text("{not json", encoding="utf-8"), "unreadable build manifest"),
    (lambda d: (d / MANIFEST_FILE).write_text('{"version": 1}', encoding="utf-8"), "not a cscip-kg build manifest"),
    (lambda d: (d / STORE_FOLDER / "CURRENT").write_text("MANIFEST-999999\n", encoding="utf-8"), "broken build"),
    (lambda d: shutil.rmtree(d / STORE_FOLDER), "broken build"),
    # A build made before a page's query existed: refused at start, not a 500 on that page.
    (lambda d: (d / QUERIES_FOLDER / "evidence-at-adoption.rq").unlink(), "no named query evidence-at-adoption"),
    # A build made before a derived file existed: refused with "rebuild", never patched up by scanning the graph.
    (lambda d: shutil.rmtree(d / DERIVED_FOLDER / LISTINGS_FOLDER), "older cscip-kg, without derived/listings/"),
    (lambda d: (d / DERIVED_FOLDER / SPREAD_DB).write_bytes(b""), "without derived/spread.sqlite (layout"),
    (lambda d: (d / DERIVED_FOLDER / SOURCES_DB).unlink(), "without derived/sources.sqlite (layout"),
    (lambda d: (d / DERIVED_FOLDER / ANSWERS_FILE).write_text("{}", encoding="utf-8"), "without derived/answers.json"),
    (lambda d: _edit_manifest(d, graphs=None), "without the graphs' sizes in manifest.json"),
], ids=["bad-json", "bad-manifest", "bad-store", "no-store", "stale-queries", "older-listings", "older-spread",
        "older-sources", "older-answers", "older-manifest"])
def test_serve_on_a_broken_build_names_the_problem(build_dir, tmp_path, broken, expected, request):
    copy = tmp_path / "build"
    shutil.copytree(build_dir, copy)
    broken(copy)
    result = CliRunner().invoke(main, ["serve", "--build", str(copy), "--port", "0"])
    assert result.exit_code == 1
    assert expected in result.output and "Traceback" not in result.output
    if request.node.callspec.id.startswith("older-"):  # a build by an older cscip-kg: the message says how to rebuild
        assert f"rebuild it with `cscip-kg build --out {copy.resolve()}`" in result.output, result.output


def test_a_build_for_another_base_serves_its_own_iris(compiled, tmp_path):
    base = "https://kg.example.org/cscip/"
    out = tmp_path / "build"
    write_dumps(compiled, out, base)
    with open_app({"build": str(out), "workers": 1}) as app:
        client = app.test_client()
        answer = local_fetch(client, "id/model/no-wrong-door", headers={"Accept": "application/n-triples"})
        assert answer.status == 200
        subjects = {quad.subject for quad in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)}
        assert ox.NamedNode(f"{base}id/model/no-wrong-door") in subjects
        assert not any(s.value.startswith("https://w3id.org/") for s in subjects if isinstance(s, ox.NamedNode))
        query = local_fetch(client, "sparql?query=ASK%7Bmodel%3Ano-wrong-door%20a%20cscip%3APracticeModel%7D",
                      headers={"Accept": "application/sparql-results+json"})
        assert json.loads(query.body)["boolean"] is True
        term = local_fetch(client, "def/PracticeModel.ttl")
        assert term.status == 200
        assert ox.NamedNode(f"{base}def/PracticeModel") in {q.subject for q in ox.parse(term.body, format=ox.RdfFormat.TURTLE)}


def test_build_refuses_a_base_that_is_not_an_http_iri(project, tmp_path):
    result = CliRunner().invoke(main, ["--root", str(project.root), "build", "--out", str(tmp_path / "b"), "--base-iri", "kg.example.org"])
    assert result.exit_code == 2 and "--base-iri" in result.output
    assert not (tmp_path / "b").exists()
