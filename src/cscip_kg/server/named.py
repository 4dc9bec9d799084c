"""Running named queries for the API and the pages, and turning results into tables.

Every query goes through ``build.engine.query``; parameters are bound by
``NamedQuery.bind``, so a bad value raises ``ParameterError`` naming the
parameter before anything is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.exceptions import NotFound

from cscip_kg.engine import Prepared, QueryResult
from cscip_kg.queries import NamedQuery
from cscip_kg.server.state import Build
from cscip_kg.server.views import Link, href, short

LABEL_SUFFIX = "Label"


def named_query(build: Build, name: str) -> NamedQuery:
    query = build.catalogue.get(name)
    if query is None:
        raise NotFound(f"no named query {name!r}; see /api/queries")
    return query


def run(build: Build, query: NamedQuery, params: Mapping[str, str]) -> QueryResult:
    """Bind and evaluate; ParameterError propagates so the caller can answer 400."""
    return build.engine.query(Prepared(query.bind(params, build.prefixes)))


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Link]]


def table(build: Build, result: QueryResult) -> Table:
    """A results table for people: IRIs become links, shown by their label when a ``?xLabel`` column has it.

    A ``?xLabel`` column that labels an IRI column ``?x`` is folded into it, so a
    reader sees "Family Safeguarding" linked to its page rather than two columns.
    """
    if isinstance(result, ox.QueryBoolean):
        return Table(["answer"], [[Link("yes" if bool(result) else "no")]])
    if isinstance(result, ox.QueryTriples):
        rows = [[_cell(build, t, None) for t in (tr.subject, tr.predicate, tr.object)] for tr in result]
        return Table(["subject", "predicate", "object"], rows)
    names = [v.value for v in result.variables]
    folded = {n + LABEL_SUFFIX for n in names if n + LABEL_SUFFIX in names}
    shown = [n for n in names if n not in folded]
    rows = []
    for solution in result:
        rows.append([_cell(build, solution[n], solution[n + LABEL_SUFFIX] if n + LABEL_SUFFIX in folded else None)
                     for n in shown])
    return Table(shown, rows)


def _cell(build: Build, term: object, label: object) -> Link:
    if isinstance(term, ox.NamedNode):
        text = label.value if isinstance(label, ox.Literal) else short(term.value, build.prefixes)
        return Link(text, href(build, term.value), term.value)
    if isinstance(term, ox.Literal):
        return Link(term.value)
    return Link("" if term is None else str(term))
