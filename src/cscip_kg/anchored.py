"""Lookups anchored on a known set of IRIs, written so the engine answers by index.

pyoxigraph (Oxigraph's optimizer, 0.5) evaluates ``VALUES ?x { <a> <b> … } ?x p ?o`` by scanning
every ``p`` triple and joining the block afterwards, so a page's label lookup cost what the whole
graph costs (four IRIs: 2.5 ms at ×1, 170–190 ms at ×100; bench/). An ``OPTIONAL`` of one pattern
whose subject the block binds is instead a lookup per row: the answer's cost, not the graph's.
(One UNION branch per IRI, the form used before, is a lookup too, but the engine's cost grows with
the square of the branches: 256 IRIs took 260 ms at ×1 and ×100 alike, against 11–14 ms this way;
bench/pagecost.py.) The rows are the same as the VALUES block's; tests/test_anchored.py checks it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["each_iri"]


def each_iri(variable: str, iris: Iterable[str], pattern: str) -> str:
    """A group pattern binding ``?variable`` to each IRI in turn, ``pattern`` evaluated with it fixed.

    ``pattern`` mentions ``?variable``; for the lookup to be per IRI it should be one triple pattern
    (inside a GRAPH if need be) with filters: an OPTIONAL of two or more patterns is evaluated over the
    whole graph before the join. Rows where ``pattern`` has no match are dropped, so projections and
    joins see the same rows as ``VALUES ?variable {…} pattern``; no IRIs gives no rows, as an empty
    VALUES block does.
    """
    chosen = sorted(set(iris))
    if not chosen:
        return "FILTER(false)"
    values = " ".join(f"<{iri}>" for iri in chosen)
    hit = f"?anchored_{variable}_hit"  # bound only where the pattern matched; never projected by the callers
    return f"{{ VALUES ?{variable} {{ {values} }} OPTIONAL {{ {pattern} BIND(true AS {hit}) }} FILTER(BOUND({hit})) }}"
