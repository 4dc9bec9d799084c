"""Small helpers for asking the compiled graph questions in tests."""

from __future__ import annotations

import pyoxigraph as ox

from cscip_kg.build import CompiledGraph
from cscip_kg.engine import Prepared


def select(compiled: CompiledGraph, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT as plain strings (IRIs and literal values)."""
    result = compiled.engine.query(Prepared(query))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else "") for n in names} for s in result]


def ask(compiled: CompiledGraph, query: str) -> bool:
    result = compiled.engine.query(Prepared(query))
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)
