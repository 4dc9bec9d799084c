"""Say how we know: the derived lineage graph is never shown as a source, and a derived row names the sources its
link cites, and a Basis cell says which sites state its row."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from cscip_kg.build import CompiledGraph
from cscip_kg.namespaces import ENTITY_KINDS, ID_BASE
from tests.helpers import select

BASE = "https://w3id.org/cscip-kg/"
LINEAGE = f"{BASE}graph/lineage"


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
             "/id/programme/cscip-round-1", "/organisations/what-works-for-childrens-social-care", "/programmes/sfpc"]
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
