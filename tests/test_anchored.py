"""each_iri answers exactly what the VALUES block it replaces answers (it is only faster)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cscip_kg.anchored import each_iri

EX = "http://example.org/"
DATA = f"""
<{EX}a> <{EX}label> "A" ; <{EX}other> "not this" .
<{EX}b> <{EX}label> "B1" , "B2" .
<{EX}c> <{EX}knows> <{EX}a> .
<{EX}d> <{EX}label> "D (not asked)" .
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE)
    return store


def rows(store: ox.Store, where: str) -> list[tuple[str, ...]]:
    result = store.query(f"SELECT ?x ?v WHERE {{ {where} }}")
    assert isinstance(result, ox.QuerySolutions)
    return sorted(tuple(str(row[name]) for name in ("x", "v")) for row in result)


@pytest.mark.parametrize("iris", [[f"{EX}a", f"{EX}b", f"{EX}c", f"{EX}missing"], [f"{EX}b"], []])
def test_same_rows_as_a_values_block(store: ox.Store, iris: list[str]) -> None:
    pattern = f"?x <{EX}label> ?v"
    values = " ".join(f"<{iri}>" for iri in iris)
    assert rows(store, each_iri("x", iris, pattern)) == rows(store, f"VALUES ?x {{ {values} }} {pattern}")


def test_a_pattern_may_mention_the_variable_twice(store: ox.Store) -> None:
    # ?xs is another variable, left alone; an IRI with no match for the pattern gives no row
    where = each_iri("x", [f"{EX}a", f"{EX}c"], f"?x <{EX}label> ?v . OPTIONAL {{ ?x <{EX}other> ?xs }}")
    assert "?xs" in where and rows(store, where) == [(f"<{EX}a>", '"A"')]


def test_no_iris_no_rows(store: ox.Store) -> None:
    assert rows(store, each_iri("x", [], f"?x <{EX}label> ?v")) == []
