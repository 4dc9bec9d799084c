"""The remote backend sends a query as a query, whatever words its text holds.

SPARQLWrapper guesses a request's form with a regular expression: the first of
SELECT, ASK, …, ADD, MOVE, LOAD, … anywhere in the text once its PREFIX lines
and (every other) comment line are cut, case-insensitive and inside words. So
"address" reads as ADD, "moved" as MOVE, "download" as LOAD, and the query went
out as an update. The form is ours to say: the engine's own parse knows it.
Checked on a real Oxigraph server holding a small graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cscip_kg.engine import Prepared
from cscip_kg.remote import Publication, RemoteEngine
from cscip_kg.store import graph_url, send
from tests.store.oxigraph import Oxigraph

pytestmark = pytest.mark.slow

GRAPH = "https://w3id.org/cscip-kg/graph/words"
DATA = (b'<https://w3id.org/cscip-kg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> '
        b'"moved to a new address; download and add" .\n')
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

# Each is a query; SPARQLWrapper 2.0 takes each for an update (the name says which keyword it finds first).
QUERIES = {
    "comment-move": f"# Where it went\n# It moved to a new address\nSELECT ?label WHERE {{ ?x <{LABEL}> ?label }}",
    "prefix-add": f"PREFIX : <http://example.org/address/>\nSELECT ?label WHERE {{ ?x <{LABEL}> ?label }}",
    "comment-load": f"# one\n# a download link\nASK {{ ?x <{LABEL}> ?label }}",
    "construct-drop": f"# one\n# dropped\nCONSTRUCT {{ ?x <{LABEL}> ?label }} WHERE {{ ?x <{LABEL}> ?label }}",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteEngine]:
    server = Oxigraph(Path(tmp_path_factory.mktemp("query-form"))).start()
    try:
        config = server.config()
        send(config, graph_url(config.gsp_url, GRAPH), "PUT", DATA, "application/n-triples")
        yield RemoteEngine(config, Publication("v", {GRAPH: 1}), {})
    finally:
        server.stop()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_query_whose_words_look_like_update_keywords_is_answered(name, engine):
    result = engine.query(Prepared(QUERIES[name]))
    if name.startswith("construct"):
        assert isinstance(result, ox.QueryTriples)
        assert [t.object.value for t in result] == ["moved to a new address; download and add"]
    elif name == "comment-load":
        assert isinstance(result, ox.QueryBoolean) and bool(result)
    else:
        assert isinstance(result, ox.QuerySolutions)
        assert [row["label"].value for row in result] == ["moved to a new address; download and add"]


def test_a_literal_s_words_are_data(engine):
    # On one line, SPARQLWrapper's PREFIX pattern runs on to the literal's "x: <…>" and cuts the SELECT with it;
    # the literal's "address" is then the first keyword it finds.
    text = ('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?label WHERE { ?x rdfs:label ?label '
            'FILTER(?label != "see: <elsewhere>, the new address") }')
    result = engine.query(Prepared(text))
    assert isinstance(result, ox.QuerySolutions)
    assert [row["label"].value for row in result] == ["moved to a new address; download and add"]
