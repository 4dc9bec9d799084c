"""Running named queries for the API and the pages, and turning results into tables.

Every query goes through ``build.engine.query``; parameters are bound by
``NamedQuery.bind``, so a bad value raises ``ParameterError`` naming the
parameter before anything is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from werkzeug.exceptions import NotFound

from cscip_kg.engine import Prepared, QueryResult
from cscip_kg.opened import Build
from cscip_kg.queries import NamedQuery
from cscip_kg.server.rendering.links import Link, Table
from cscip_kg.server.rendering.tables import people_table, term_cell


def named_query(build: Build, name: str) -> NamedQuery:
    query = build.catalogue.get(name)
    if query is None:
        raise NotFound(f"no named query {name!r}; see /api/queries")
    return query


def run(build: Build, query: NamedQuery, params: Mapping[str, str]) -> QueryResult:
    """Bind and evaluate; ParameterError propagates so the caller can answer 400."""
    return build.engine.query(Prepared(query.bind(params, build.prefixes)))


def table(build: Build, result: QueryResult, headings: Mapping[str, str] | None = None) -> Table:
    """A results table for people (see ``people_table``); CONSTRUCT answers as subject, predicate, object."""
    if isinstance(result, ox.QueryBoolean):
        return Table(["Answer"], [[[Link("yes" if bool(result) else "no")]]])
    if isinstance(result, ox.QueryTriples):
        rows = [[[term_cell(build, t, None)] for t in (tr.subject, tr.predicate, tr.object)] for tr in result]
        return Table(["Subject", "Predicate", "Object"], rows)
    return people_table(build, [v.value for v in result.variables], list(result), headings or {})
