"""Lineage diagrams: nodes and edges from the graph, drawn as escaped SVG in columns."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cscip_kg.build import CompiledGraph, dataset_engine
from cscip_kg.lineage import add_lineage
from cscip_kg.lineage_view import COLUMNS, Edge, Lineage, Node, lineage
from cscip_kg.opened import Build
from cscip_kg.queries import load_catalogue
from cscip_kg.rdf_namespaces import CSCIP, PROV
from cscip_kg.server.rendering.lineage_svg import LayoutUnavailable, legend, render, run_dot
from tests.helpers import select
from tests.server.live import fetch
from tests.server.structure import assert_accessible_page, parse


@pytest.fixture(scope="module")
def server(local: str) -> str:
    """These checks need no wire: the session app answers them in-process (tests/conftest.py)."""
    return local


ID = "https://w3id.org/cscip-kg/id/"
SVG = "{http://www.w3.org/2000/svg}"
QUERIES = Path(__file__).resolve().parents[2] / "queries"


def lineage_json(server: str, path: str) -> dict[str, list[dict[str, object]]]:
    answer = fetch(f"{server}lineage/{path}.json")
    assert answer.status == 200, answer.text
    found: dict[str, list[dict[str, object]]] = json.loads(answer.body)
    return found


def test_sfpc_lineage_runs_from_round_1_projects_through_models_to_the_programme(server):
    found = lineage_json(server, "programme/sfpc")
    edges = {(e["source"], e["relation"], e["target"]) for e in found["edges"]}
    for model, project in [("family-safeguarding", "family-safeguarding"), ("family-valued", "family-valued"),
                           ("no-wrong-door", "no-wrong-door")]:
        assert (f"{ID}programme/sfpc", "spreadsModel", f"{ID}model/{model}") in edges
        assert (f"{ID}project/{project}", "implementsModel", f"{ID}model/{model}") in edges
    columns = {n["iri"]: COLUMNS[n["column"]] for n in found["nodes"]}  # type: ignore[index]
    assert columns[f"{ID}project/family-safeguarding"] == "Original projects"
    # A round 1 project that combined models is still an original project: its round says when it came.
    assert columns[f"{ID}project/family-valued"] == "Original projects"
    assert columns[f"{ID}model/family-safeguarding"] == "Practice models"
    assert columns[f"{ID}programme/sfpc"] == "Programmes"
    # Its adopters came through it; a sibling (the round 2 continuation of a project it spreads) did not.
    assert columns[f"{ID}organisation/walsall"] == "Adopters"
    assert f"{ID}project/family-safeguarding-round-2" not in columns
    assert f"{ID}organisation/bath-and-north-east-somerset" not in columns  # an SFIP FGC authority


def test_mockingbird_lineage_reaches_its_round_2_project_combinations_and_sfip(server):
    iris = {n["iri"] for n in lineage_json(server, "model/mockingbird")["nodes"]}
    assert {f"{ID}project/mockingbird-family-model", f"{ID}project/b-positive-pathways", f"{ID}programme/sfip"} <= iris


def test_an_organisation_lineage_starts_from_the_projects_it_led(server):
    found = lineage_json(server, "organisation/north-yorkshire")
    assert f"{ID}model/no-wrong-door" in {n["iri"] for n in found["nodes"]}


def test_the_svg_is_a_group_of_links_with_a_title_and_a_box_per_node(server):
    answer = fetch(f"{server}lineage/model/mockingbird.svg")
    assert answer.status == 200 and answer.media_type == "image/svg+xml"
    root = ET.fromstring(answer.body)
    # A group, not an image: role="img" would hide the links inside it (axe: nested-interactive).
    assert root.get("role") == "group" and "Mockingbird" in (root.findtext(f"{SVG}title") or "")
    nodes = lineage_json(server, "model/mockingbird")["nodes"]
    assert len(root.findall(f".//{SVG}rect[@class='box']")) == len(nodes)
    assert {a.get("href") for a in root.iter(f"{SVG}a")} >= {"/id/model/mockingbird", "/id/programme/sfip"}


def test_every_box_is_a_focusable_link_with_an_accessible_name_and_its_whole_label(server):
    root = ET.fromstring(fetch(f"{server}lineage/programme/sfpc.svg").body)
    links = list(root.iter(f"{SVG}a"))
    assert links
    for link in links:
        assert link.get("href") and link.get("tabindex") in (None, "0"), link.attrib  # focusable: never tabindex=-1
        name = link.get("aria-label", "")
        # The text as a browser reads it (no space added between lines): a wrapped label must keep its word breaks,
        # or the visible text no longer matches the accessible name (axe label-content-name-mismatch).
        drawn = " ".join("".join(t.itertext()) for t in link.iter(f"{SVG}text"))
        assert name and drawn and name.startswith(" ".join(drawn.split())), (name, drawn)  # wrapped, never cut
        assert "…" not in drawn


def test_a_programmes_diagram_sets_its_own_adopters_apart_from_other_programmes(server, compiled: CompiledGraph):
    root = ET.fromstring(fetch(f"{server}lineage/programme/sfpc.svg").body)
    own = {r["org"].rsplit("/", 1)[-1] for r in select(compiled, """SELECT DISTINCT ?org WHERE {
        ?org cscip:qualifiedAdoption/cscip:throughProgramme programme:sfpc }""")}
    frames = [t for t in root.iter(f"{SVG}text") if "".join(t.itertext()).startswith("Through")]
    assert [" ".join(" ".join(t.itertext()).split()) for t in frames] == ["Through Strengthening Families, Protecting Children"]
    boxes = {a.get("href", "").rsplit("/", 1)[-1] for a in root.iter(f"{SVG}a") if a.get("href", "").startswith("/id/organisation/")}
    # Lineage reaches a programme's adopters through that programme only: the SFIP family group conferencing
    # authorities (Birmingham among them) adopted a model SFPC spread, but not through SFPC, so they are not drawn.
    assert boxes == own
    assert "birmingham" not in boxes


def test_a_models_diagram_frames_its_adopters_by_the_programme_they_came_through(server):
    root = ET.fromstring(fetch(f"{server}lineage/model/family-safeguarding.svg").body)
    frames = {" ".join(" ".join(t.itertext()).split()) for t in root.iter(f"{SVG}text") if "".join(t.itertext()).startswith("Through")}
    assert frames == {"Through CSCIP round 2", "Through Strengthening Families, Protecting Children"}


def test_without_graphviz_the_diagram_says_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no `dot` in it
    run_dot.cache_clear()
    nodes = {"a": Node("a", "A", {"PracticeModel"}, set(), 2), "b": Node("b", "B", {"Project"}, set(), 1)}
    with pytest.raises(LayoutUnavailable, match="graphviz"):
        render(Lineage("a", nodes, [Edge("b", "implementsModel", "a")]), "Lineage of A", lambda iri: None)


def test_the_page_shows_the_diagram_and_the_same_links_in_words(server):
    page = parse(fetch(f"{server}lineage/model/mockingbird", headers={"Accept": "text/html"}).text)
    assert_accessible_page(page)
    assert page.all("svg", role="group")
    assert any("Supporting Families: Investing in Practice" in item for item in page.texts("li"))
    assert {"/lineage/model/mockingbird.svg", "/lineage/model/mockingbird.json"} <= set(page.links())


@pytest.mark.parametrize("path", ["model/no-such-model", "theme/residential-care", "model/bad%3Ename"])
def test_unknown_entities_and_kinds_are_404(server, path):
    assert fetch(f"{server}lineage/{path}").status == 404


def test_every_text_in_the_svg_is_escaped():
    evil = '</text><script>alert(1)</script><a href="javascript:x">'
    nodes = {"a": Node("a", evil, {"PracticeModel"}, set(), 2), "b": Node("b", "B & C", {"Project"}, set(), 1)}
    svg = render(Lineage("a", nodes, [Edge("b", "implementsModel", "a")]), f"Lineage of {evil}", lambda iri: None)
    root = ET.fromstring(svg)  # still well-formed XML
    assert not list(root.iter(f"{SVG}script")) and "<script>" not in svg
    assert evil[:20] in (root.findtext(f"{SVG}title") or "")


def _fixture_build(compiled: CompiledGraph, tmp_path, inverse: str | None) -> Build:
    """The real ontology plus one new lineage property (one line, and its label), and two projects it links."""
    dataset = Dataset()
    ontology = Graph()
    for triple in compiled.loaded.ontology:
        ontology.add(triple)
    new = CSCIP.tookItsCueFrom
    ontology.add((new, RDFS.subPropertyOf, PROV.wasInfluencedBy))
    ontology.add((new, RDFS.label, Literal("took its cue from", lang="en")))
    if inverse:
        ontology.add((new, CSCIP.inverseLabel, Literal(inverse, lang="en")))
    for triple in ontology:
        dataset.graph(URIRef("https://w3id.org/cscip-kg/graph/ontology")).add(triple)
    data = dataset.graph(URIRef(f"{ID}source/fixture"))
    for slug, label in (("early", "Early project"), ("late", "Late project")):
        data.add((URIRef(f"{ID}project/{slug}"), RDF.type, CSCIP.Project))
        data.add((URIRef(f"{ID}project/{slug}"), RDFS.label, Literal(label, lang="en")))
    data.add((URIRef(f"{ID}project/late"), new, URIRef(f"{ID}project/early")))
    add_lineage(dataset, ontology)
    engine = dataset_engine(dataset, compiled.engine.prefixes)
    return Build(tmp_path, "fixture", "https://w3id.org/cscip-kg/", 0, engine, [], {}, load_catalogue(QUERIES))


@pytest.mark.parametrize("inverse", [None, "gave its cue to"])
def test_a_lineage_property_added_to_the_ontology_is_drawn_with_its_label(compiled: CompiledGraph, tmp_path, inverse):
    build = _fixture_build(compiled, tmp_path, inverse)
    for focus in ("late", "early"):
        drawn = lineage(build, ox.NamedNode(f"{ID}project/{focus}"))
        assert [(e.relation, e.label, e.inverse) for e in drawn.edges] == [("tookItsCueFrom", "took its cue from", inverse or "")]
        root = ET.fromstring(render(drawn, "Lineage", lambda iri: None))
        said = {" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text")} | {
            p.findtext(f"{SVG}title") for p in root.iter(f"{SVG}path")}
        # Read along the link or against it, as the boxes fall: the ontology's words either way, never "linked to".
        backwards = inverse or "took its cue from (read right to left)"
        along, against = "Late project took its cue from Early project", f"Early project {backwards} Late project"
        assert along in said or against in said, said
        assert [k.words for k in legend(drawn)] in (["took its cue from"], [backwards])


def test_a_link_no_source_states_says_so_where_a_reader_meets_it(server):
    """SFPC "spreads" the three round 1 projects by the graph's reading of SCIE (the data audit): the lineage page's
    words, the programme page's lineage table and its summary sentence say so, not only the facts table."""
    words = parse(fetch(f"{server}lineage/programme/sfpc", headers={"Accept": "text/html"}).text)
    inferred = [item for item in words.texts("li") if "inferred by this graph, not stated by a source" in item]
    assert len(inferred) >= 3, inferred
    page = parse(fetch(f"{server}id/programme/sfpc", headers={"Accept": "text/html"}).text)
    cells = page.texts("td")  # the lineage table's rows: direction, link, with, how we know
    known = {(cells[i + 1], cells[i + 2]): cells[i + 3] for i in range(len(cells) - 3) if cells[i] == "came from"}
    spreads = [why for (link, _with), why in known.items() if link == "spreads project"]
    assert len(spreads) == 3 and all(why.startswith("inferred by this graph: SCIE names the innovator") for why in spreads), known
    assert all(why.startswith("stated by") for (link, _with), why in known.items() if link == "spreads model")
    assert "(this graph's inference: no source says so)" in " ".join(page.texts("p"))
    # The other end of the same links: a round 1 project's page reads the derived link as the programme's page does.
    project = parse(fetch(f"{server}id/project/no-wrong-door", headers={"Accept": "text/html"}).text).texts("td")
    spread_by = [project[i + 3] for i in range(len(project) - 3) if project[i] == "spread to" and project[i + 1] == "spread by"]
    assert spread_by and all(why.startswith("inferred by this graph: SCIE names the innovator") for why in spread_by), spread_by
