"""Data is never markup: labels holding </script>, <!-- or tags stay text on every page and in the JSON-LD."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from cscip_kg.build import MANIFEST_FILE, QUERIES_FOLDER, STORE_FOLDER, TRIG_FILE, VOID_FILE, dataset_engine, write_store
from cscip_kg.derived import write_derived
from cscip_kg.lineage import add_lineage
from cscip_kg.opened import embedded
from cscip_kg.search_db import SEARCH_FILE
from cscip_kg.search_write import write_search_db
from tests.server.live import open_app
from tests.server.structure import parse

BASE = "https://w3id.org/cscip-kg/"
ROOT = Path(__file__).resolve().parents[2]
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
    # As `cscip-kg build` makes it: the lineage graph derived from the data, the named queries alongside.
    dataset = Dataset()
    prologue, _, body = trig.partition(f"<{BASE}graph/registry> {{")
    dataset.graph(URIRef(f"{BASE}graph/registry")).parse(data=prologue + body.rsplit("}", 1)[0], format="turtle")
    ontology = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        ontology.parse(path, format="turtle")
    add_lineage(dataset, ontology)
    engine = dataset_engine(dataset)
    engine.store.dump(folder / TRIG_FILE, ox.RdfFormat.TRIG)
    shutil.copytree(ROOT / "queries", folder / QUERIES_FOLDER)
    (folder / VOID_FILE).write_text("", encoding="utf-8")
    graphs = write_store(engine, folder / STORE_FOLDER)
    write_derived(engine, folder)
    (folder / MANIFEST_FILE).write_text(json.dumps({"version": "evil", "base_iri": BASE, "triples": 9, "graphs": graphs}),
                                        encoding="utf-8")
    write_search_db(embedded(folder, "evil", BASE), folder / SEARCH_FILE, BASE)
    with open_app({"build": str(folder), "workers": 1}) as app:
        yield app.test_client()


@pytest.mark.parametrize("path", ["/id/model/evil", "/lineage/model/evil", "/id/programme/evil", "/search?q=EVL", "/"])
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
