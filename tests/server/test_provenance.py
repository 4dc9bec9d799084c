"""Say how we know: the derived lineage graph is never shown as a source, a derived row names the sources its link
cites, a Basis cell says which sites state its row; and /def/ lists the ontology's terms."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from cscip_kg.build import CompiledGraph
from cscip_kg.namespaces import ENTITY_KINDS, ID_BASE, compact
from cscip_kg.server.rendering.humanize import article
from tests.helpers import select

BASE = "https://w3id.org/cscip-kg/"
LINEAGE = f"{BASE}graph/lineage"
ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
TERM_TYPES = {f"{OWL}Class", f"{RDFS}Class", f"{OWL}ObjectProperty", f"{OWL}DatatypeProperty",
              f"{OWL}AnnotationProperty", f"{RDF}Property"}


def html(client: FlaskClient, path: str) -> str:
    answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 200, (path, answer.data[:300])
    return answer.get_data(as_text=True)


def words(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).replace("&#39;", "'").split())


def rows_with(page: str, text: str) -> list[str]:
    return [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if text in row]


@pytest.fixture(scope="module")
def pages(compiled: CompiledGraph) -> list[str]:
    """One entity of each kind, the lineage links' ends, and the pages the re-review named."""
    paths = ["/id/report/family-safeguarding-round-1", "/id/organisation/walsall", "/id/project/family-safeguarding",
             "/id/programme/cscip-round-1", "/id/organisation/what-works-for-childrens-social-care", "/id/programme/sfpc"]
    for kind in ENTITY_KINDS:
        rows = select(compiled, f'SELECT ?s WHERE {{ GRAPH <{LINEAGE}> {{ ?s ?p ?o }} '
                                f'FILTER(STRSTARTS(STR(?s), "{ID_BASE}{kind}/")) }} ORDER BY ?s LIMIT 2')
        paths += ["/" + row["s"][len(BASE):] for row in rows]
    return list(dict.fromkeys(paths))


def test_no_page_links_the_lineage_graph_as_a_source(client, pages):
    for path in pages:
        assert 'href="/graph/lineage"' not in html(client, path), path


def test_a_derived_row_names_the_sources_its_lineage_link_cites(client, compiled):
    link = select(compiled, f"""SELECT ?link ?source ?url WHERE {{ GRAPH <{LINEAGE}> {{
        <{ID_BASE}report/family-safeguarding-round-1> <http://www.w3.org/ns/prov#qualifiedInfluence> ?link .
        ?link <http://purl.org/dc/terms/source> ?source }}
        OPTIONAL {{ ?source <{BASE}def/originalURL> ?url }} }}""")
    assert link, "the report has no lineage link"
    page = html(client, "/id/report/family-safeguarding-round-1")
    row = rows_with(page, f'href="/id/link/{link[0]["link"].rsplit("/", 1)[-1]}"')
    assert row, "no row for the report's lineage link"
    assert "derived from" in words(row[0])
    assert all(f'href="{r["url"]}"' in row[0] for r in link if r["url"]), row[0]
    sources = re.search(r'<section id="sources".*?</section>', page, re.S)
    assert sources and "lineage" not in words(sources[0])


def test_an_inferred_lineage_link_says_why(client, compiled):
    inferred = select(compiled, f"""SELECT ?model ?project ?note WHERE {{ GRAPH <{LINEAGE}> {{
        ?model <http://www.w3.org/ns/prov#qualifiedInfluence> ?link . ?link <{BASE}def/basis> <{BASE}def/inferred> ;
        <http://www.w3.org/ns/prov#influencer> ?project ; <{BASE}def/inferenceNote> ?note }} }} ORDER BY ?model LIMIT 1""")
    assert inferred, "no inferred lineage link"
    page = html(client, "/" + inferred[0]["model"][len(BASE):])
    assert f"inferred by this graph: {inferred[0]['note']}" in page.replace("&#39;", "'")


def test_the_lineage_graph_page_says_it_is_derived(client):
    page = words(html(client, "/graph/lineage"))
    assert "derived by the build" in page and "No source states this graph" in page


def test_a_basis_cell_says_which_sites_state_its_row(client):
    page = html(client, "/id/organisation/hertfordshire")
    cells = re.findall(r'<td data-label="Basis">(.*?)</td>', page, re.S)
    assert cells and not [cell for cell in cells if words(cell) == "stated by the source"], cells
    assert any(words(cell).startswith("stated by ") and "." in words(cell) for cell in cells)


def test_the_ontology_page_lists_every_class_and_property_with_its_label(client):
    store = ox.Store()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    page = html(client, "/def/")
    assert "A ontology" not in words(page)
    for heading in ("Classes", "Lineage properties", "Object properties", "Datatype properties"):
        assert re.search(rf'<h2 id="[a-z]+-title">{heading}</h2>', page), heading
    terms = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(f"{RDF}type"), None)
             if q.object.value in TERM_TYPES and isinstance(q.subject, ox.NamedNode)}
    for term in terms:
        if term.startswith(f"{BASE}def/"):
            labels = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(term), ox.NamedNode(f"{RDFS}label"), None)]
            assert re.search(rf'<a href="/def/{term[len(BASE) + 4:]}"[^>]*>{re.escape(labels[0])}</a>',
                             page.replace("&#39;", "'")), term
        else:
            assert f"<code>{compact(term)}</code>" in page, term


@pytest.mark.parametrize(("words_", "expected"), [("ontology", "An"), ("evaluation report", "An"), ("class", "A"),
                                                 ("unitary authority", "A"), ("local authority", "A")])
def test_the_article_fits_the_word(words_, expected):
    assert article(words_) == expected
