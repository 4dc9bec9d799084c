"""Data is never markup: labels holding </script>, <!-- or tags stay text on every page and in the JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from cscip_kg.build import MANIFEST_FILE, STORE_FOLDER, TRIG_FILE, VOID_FILE
from cscip_kg.engine import materialise_default_graph
from cscip_kg.server import create_app
from tests.server.structure import parse

BASE = "https://w3id.org/cscip-kg/"
EVIL = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real app over a tiny hand-written build whose names are hostile."""
    folder: Path = tmp_path_factory.mktemp("evil") / "build"
    folder.mkdir()
    label = EVIL.replace("\\", "\\\\").replace('"', '\\"')
    trig = f"""@prefix cscip: <{BASE}def/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dcterms: <http://purl.org/dc/terms/> .
<{BASE}graph/registry> {{
  <{BASE}id/model/evil> a cscip:PracticeModel ; rdfs:label "{label}"@en ; skos:altLabel "EVL" ;
      dcterms:description "{label}" .
  <{BASE}id/project/evil> a cscip:Project ; rdfs:label "{label} project"@en ; cscip:implementsModel <{BASE}id/model/evil> .
  <{BASE}id/programme/evil> a cscip:Programme ; rdfs:label "{label} programme"@en ; cscip:spreadsModel <{BASE}id/model/evil> .
}}
"""
    (folder / TRIG_FILE).write_text(trig, encoding="utf-8")
    store = ox.Store(str(folder / STORE_FOLDER))
    store.bulk_load(trig.encode("utf-8"), format=ox.RdfFormat.TRIG)
    materialise_default_graph(store)
    del store  # closed, so the app can open it read-only
    (folder / VOID_FILE).write_text("", encoding="utf-8")
    (folder / MANIFEST_FILE).write_text(json.dumps({"version": "evil", "base_iri": BASE, "triples": 9}), encoding="utf-8")
    return create_app({"build": str(folder)}).test_client()


@pytest.mark.parametrize("path", ["/id/model/evil", "/lineage/model/evil", "/programmes/evil", "/search?q=EVL", "/"])
def test_hostile_labels_stay_text(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.data[:300]
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body and "<!-- <img" not in body
    page = parse(body)
    executable = [s for s in page.all("script") if s.attrs.get("type") not in ("application/json", "application/ld+json")]
    assert all(s.attrs.get("src") for s in executable)


def test_json_ld_cannot_close_its_script_element(client):
    body = client.get("/id/model/evil", headers={"Accept": "text/html"}).get_data(as_text=True)
    blocks = parse(body).all("script", type="application/ld+json")
    assert len(blocks) == 1
    data = json.loads(blocks[0].text)  # the whole block parsed: nothing ended it early
    assert data["name"] == EVIL and data["description"] == EVIL


def test_the_lineage_svg_is_escaped(client):
    response = client.get("/lineage/model/evil.svg")
    assert response.status_code == 200 and b"<script>" not in response.data
