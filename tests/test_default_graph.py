"""The default graph users query is a set: each triple once, however many sources state it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.build import write_store
from cscip_kg.engine import Engine, Prepared
from cscip_kg.opened import open_build

SUM_OVER_DEFAULT = "SELECT (SUM(?value) AS ?total) WHERE { ?grant a cscip:Grant ; schema:amount/schema:value ?value }"
# Each grant with each of its distinct amounts once, whichever sources state them.
SUM_OVER_DISTINCT_GRANTS = """SELECT (SUM(?value) AS ?total) WHERE {
  SELECT DISTINCT ?grant ?value WHERE { GRAPH ?g { ?grant a cscip:Grant } GRAPH ?h { ?grant schema:amount ?amount }
                                        GRAPH ?i { ?amount schema:value ?value } }
}"""
G = "https://w3id.org/cscip-kg/"
# Two sources state the same grants and amounts (as the registry and a grants list may); grant y's
# amount is a blank node, which one N-Quads document shares between graphs.
RDF_TYPE, AMOUNT, VALUE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<https://schema.org/amount>", "<https://schema.org/value>"
DECIMAL = "<http://www.w3.org/2001/XMLSchema#decimal>"
TWO_SOURCES = "".join(
    f"<{G}id/grant/x> {RDF_TYPE} <{G}def/Grant> <{graph}> .\n"
    f"<{G}id/grant/x> {AMOUNT} <{G}id/grant/x#amount> <{graph}> .\n"
    f'<{G}id/grant/x#amount> {VALUE} "250000"^^{DECIMAL} <{graph}> .\n'
    f"<{G}id/grant/y> {RDF_TYPE} <{G}def/Grant> <{graph}> .\n"
    f"<{G}id/grant/y> {AMOUNT} _:y <{graph}> .\n"
    f'_:y {VALUE} "1000"^^{DECIMAL} <{graph}> .\n'
    for graph in (f"{G}id/source/a", f"{G}id/source/b"))
NAMED_TRIPLES = 12


def _total(engine: Engine, query: str) -> Decimal:
    result = engine.query(Prepared(query))
    assert isinstance(result, ox.QuerySolutions)
    value = next(iter(result))["total"]
    assert isinstance(value, ox.Literal)
    return Decimal(value.value)


def test_a_grant_two_sources_state_is_summed_once(tmp_path: Path):
    built = Engine.from_nquads(TWO_SOURCES.encode("utf-8"))
    write_store(built, tmp_path / "store")
    for engine in (built, Engine.open(tmp_path / "store", "v")):  # in memory (CLI) and as `serve` opens it
        assert _total(engine, SUM_OVER_DEFAULT) == Decimal(251000) == _total(engine, SUM_OVER_DISTINCT_GRANTS)
        named = engine.query(Prepared("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        assert isinstance(named, ox.QuerySolutions) and next(iter(named))["n"] == ox.Literal(str(NAMED_TRIPLES), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")), "each source's graph keeps its own statements"


def test_sum_of_grant_amounts_over_the_real_graph_counts_each_grant_once(build_dir: Path):
    engine = open_build(build_dir).engine
    assert isinstance(engine, Engine)
    total = _total(engine, SUM_OVER_DEFAULT)
    assert total == _total(engine, SUM_OVER_DISTINCT_GRANTS) > 0


def test_the_default_graph_holds_each_triple_once(build_dir: Path):
    engine = open_build(build_dir).engine
    counts = []
    for query in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                  "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }",
                  "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"):
        result = engine.query(Prepared(query))
        assert isinstance(result, ox.QuerySolutions)
        counts.append(int(next(iter(result))["n"].value))  # type: ignore[union-attr]
    assert counts[0] == counts[1] < counts[2], counts
