"""Lookups anchored on a known set of IRIs, written so the engine answers by index.

pyoxigraph evaluates ``VALUES ?x { <a> <b> … } ?x p ?o`` by scanning every ``p``
triple and joining the block afterwards, so a page's label lookup cost what the
whole graph costs (four IRIs: 2.5 ms at ×1, 170–190 ms at ×100; bench/). One
UNION branch per IRI, with the IRI written into its pattern, is an index lookup
each: the answer's cost, not the graph's (the same 150-IRI lookup at ×100:
3.1 s as VALUES, 60–90 ms as branches). The rows are the same; tests/test_anchored.py checks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = ["each_iri"]


def each_iri(variable: str, iris: Iterable[str], pattern: str) -> str:
    """A group pattern binding ``?variable`` to each IRI in turn, ``pattern`` evaluated with it fixed.

    ``pattern`` mentions ``?variable``; each branch writes the IRI in its place and binds
    the variable after it, so projections and joins see the same rows as a VALUES block.
    No IRIs gives a pattern with no solutions, as an empty VALUES block does.
    """
    name = re.compile(rf"[?$]{re.escape(variable)}\b")
    # a callable replacement, so nothing in an IRI is read as a backreference
    branches = [f"{{ {name.sub(_written(iri), pattern)} BIND(<{iri}> AS ?{variable}) }}" for iri in sorted(set(iris))]
    return " UNION ".join(branches) if branches else "FILTER(false)"


def _written(iri: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: f"<{iri}>"
