"""Hostile data is escaped wherever it is rendered; security headers everywhere; data faults never reach the server."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from cscip_kg.build import compile_graph, write_dumps
from cscip_kg.cli import main
from cscip_kg.loader import Project
from tests.conftest import ROOT
from tests.server.live import BROWSER, Page, fetch, local_fetch, open_app

HOSTILE = """<script>alert("x")</script> it's "quoted" </script><!-- & done"""
MODELS = Path("data/registry/models.ttl")
BASES = Path("data/registry/bases.ttl")


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    root = tmp_path_factory.mktemp("hostile")
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    escaped = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    # The label, and the statement record that says which source gives it (data/registry/bases.ttl).
    for relative in (MODELS, BASES):
        path = root / relative
        path.write_text(path.read_text(encoding="utf-8").replace(
            '"Mockingbird Family Model"@en', f'"{escaped}"@en'), encoding="utf-8")
    out = root / "build"
    write_dumps(compile_graph(Project(root)), out)
    with open_app({"build": str(out), "workers": 1}) as app:
        yield app.test_client()


# The model's own page, a page linking to it, its lineage diagram (SVG inline), search results and the SPARQL page.
@pytest.mark.parametrize("path", ["id/model/mockingbird", "id/project/mockingbird-family-model", "lineage/model/mockingbird",
                                  "search?q=mockingbird", "sparql"])
def test_hostile_labels_are_escaped_in_pages(hostile_client, path):
    answer = local_fetch(hostile_client, path, headers={"Accept": BROWSER})
    assert answer.status == 200
    assert "<script>alert" not in answer.text
    page = Page()
    page.feed(answer.text)
    assert "h1" in page.started
    # The only inline scripts allowed are JSON-LD data blocks, and the label cannot break out of them; code comes
    # only as this server's own static files, with nothing inline.
    strings: set[str] = set()
    for attributes, content in re.findall(r"<script([^>]*)>(.*?)</script>", answer.text, re.DOTALL | re.IGNORECASE):
        if re.fullmatch(r' src="/static/[\w./-]+\?v=[0-9a-f]+"( defer)?', attributes):
            assert content == ""
            continue
        assert 'type="application/ld+json"' in attributes
        assert "<" not in content
        strings |= _strings(json.loads(content))
    if path == "id/model/mockingbird":
        assert HOSTILE in strings  # the data block still carries the label, intact


def _strings(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def test_the_hostile_label_is_text_in_the_standalone_svg(hostile_client):
    answer = local_fetch(hostile_client, "lineage/model/mockingbird.svg")
    assert answer.status == 200 and answer.media_type == "image/svg+xml"
    root = ET.fromstring(answer.body)  # well-formed: nothing broke out of a text node or attribute
    svg = "{http://www.w3.org/2000/svg}"
    assert not list(root.iter(f"{svg}script"))
    assert HOSTILE in {"".join(node.itertext()) for node in root.iter(f"{svg}text")} | {
        "".join(node.itertext()) for node in root.iter(f"{svg}title")}


def test_the_hostile_label_is_shown_as_text(hostile_client):
    answer = local_fetch(hostile_client, "id/model/mockingbird", headers={"Accept": BROWSER})
    page = Page()
    page.feed(answer.text)
    assert page.text["h1"] == HOSTILE
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in answer.text


@pytest.mark.parametrize("path", ["", "id/model/mockingbird", "sparql?query=ASK%7B%7D", "sparql?query=nonsense", "download/",
                                  "download/cscip-kg.ttl", "no/such/page", ".well-known/void"])
def test_security_headers_on_every_response(server, path):
    headers = fetch(server + path, headers={"Accept": BROWSER}).headers
    assert "default-src 'self'" in headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", "")
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("Referrer-Policy") == "no-referrer"


def test_a_failed_build_leaves_the_running_server_serving_the_last_good_one(project_copy, build_dir, tmp_path):
    out = tmp_path / "build"
    shutil.copytree(build_dir, out)  # the last good build: the session's, of these same inputs (a build costs seconds)
    runner = CliRunner()
    with open_app({"build": str(out), "workers": 1}) as app:
        before = local_fetch(app.test_client(), "id/model/no-wrong-door.nt").body
        models = project_copy.root / MODELS
        models.write_text(models.read_text(encoding="utf-8") + "\nthis is not turtle .\n", encoding="utf-8")
        result = runner.invoke(main, ["--root", str(project_copy.root), "build", "--out", str(out)])
        assert result.exit_code == 1 and "models.ttl" in result.output
        assert local_fetch(app.test_client(), "id/model/no-wrong-door.nt").body == before
    with open_app({"build": str(out), "workers": 1}) as app:  # and a restart serves the last good build too
        assert local_fetch(app.test_client(), "id/model/no-wrong-door.nt").body == before


def test_an_unreadable_data_file_is_named(project_copy):
    (project_copy.root / MODELS).write_bytes(b"\xff\xfe not utf-8")
    result = CliRunner().invoke(main, ["--root", str(project_copy.root), "build", "--out", str(project_copy.root / "b")])
    assert result.exit_code == 1
    assert "models.ttl" in result.output and "cannot read file" in result.output
