"""Entity pages word their lineage links with the served ontology's terms, as the diagram does.

A copy of the project gets two new lineage properties in its ontology (one with an inverse label, one
without, reached through the first) and one link of each in its data; built into a temporary folder and
served by an app of its own, its pages show both links, both ways, in the ontology's words. No Python
names either property.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cscip_kg.build import compile_graph, write_dumps
from cscip_kg.loader import Project
from tests.server.live import open_app
from tests.server.structure import parse
from tests.server.test_entity_pages import column, page, section

ROOT = Path(__file__).resolve().parents[2]
NEW_TERMS = """
cscip:tookItsCueFrom a owl:ObjectProperty ;
    rdfs:subPropertyOf prov:wasInfluencedBy ;
    rdfs:label "took its cue from"@en ;
    cscip:inverseLabel "gave its cue to"@en ;
    skos:definition "A test-only lineage property: the project took its cue from the other."@en .

cscip:echoes a owl:ObjectProperty ;
    rdfs:subPropertyOf cscip:tookItsCueFrom ;
    rdfs:label "echoes"@en ;
    skos:definition "A test-only lineage property with no inverse label, a lineage property through its super-property."@en .
"""
NEW_LINKS = """
project:family-safeguarding-round-2 cscip:tookItsCueFrom project:no-wrong-door ;
    cscip:echoes project:mockingbird-family-model .
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    root = tmp_path_factory.mktemp("lineage-words")
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    with (root / "ontology" / "cscip.ttl").open("a", encoding="utf-8") as ontology:
        ontology.write(NEW_TERMS)
    with (root / "data" / "dfe-insights-2021" / "programmes.ttl").open("a", encoding="utf-8") as data:
        data.write(NEW_LINKS)
    write_dumps(compile_graph(Project(root)), root / "build")
    with open_app({"build": str(root / "build"), "workers": 1}) as app:
        yield app.test_client()


def links(client: FlaskClient, path: str) -> list[tuple[str, str, str]]:
    """(direction, words, with) of each row of the page's lineage links."""
    found = section(page(client, path), "lineage")
    return list(zip(column(found, "Direction"), column(found, "Link"), column(found, "With"), strict=True))


def test_a_new_lineage_property_shows_on_both_pages_in_the_ontologys_words(client: FlaskClient):
    later = links(client, "/id/project/family-safeguarding-round-2")
    assert ("came from", "took its cue from", "No Wrong Door") in later, later
    assert ("came from", "echoes", "Mockingbird Family Model") in later, later
    assert ("spread to", "gave its cue to", "Family Safeguarding (round 2)") in links(client, "/id/project/no-wrong-door")
    # Without an inverse label the link is read back in its own words, marked so (as the diagram does).
    assert ("spread to", "echoes (read the other way round)", "Family Safeguarding (round 2)") in \
        links(client, "/id/project/mockingbird-family-model")


def test_the_diagram_page_words_the_new_link_the_same_way(client: FlaskClient):
    lists = parse(page(client, "/lineage/project/family-safeguarding-round-2")).all("ul")
    words = " ".join(next(u for u in lists if u.attrs.get("class") == "lineage-links").text.split())
    # Read along the link or back, as the boxes fall: the ontology's words either way.
    assert "No Wrong Door (project) gave its cue to Family Safeguarding (round 2)" in words \
        or "Family Safeguarding (round 2) took its cue from No Wrong Door (project)" in words, words
    assert "echoes" in words


def test_only_lineage_properties_are_lineage_links(client: FlaskClient):
    # cscip:evaluator is a prov:wasAssociatedWith, which PROV-O makes a prov:wasInfluencedBy: not a lineage link.
    words = {w for _d, w, _o in links(client, "/id/project/family-safeguarding")}
    assert words and not any("evaluat" in w or "lead" in w or "partner" in w for w in words), words


def test_the_links_in_words_say_through_which_programme_in_which_role(client: FlaskClient):
    # The words once said only "adopted by Walsall", where the diagram frames Walsall under SFPC.
    html = page(client, "/lineage/model/family-safeguarding")
    items = [" ".join(li.split()) for li in parse(html).texts("li")]
    walsall = [t for t in items if "adopted by Walsall" in t]
    assert walsall and "through Strengthening Families, Protecting Children (trial cohort" in walsall[0]
    luton = next(t for t in items if "adopted by Luton" in t)
    assert "through CSCIP round 2 (round 2 scale-up authority" in luton
