"""Headline figures for the home page, computed from the graph once per build.

Counts and sums come from queries, never from numbers typed into a template:
when data/ grows, the home page follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from cscip_kg.engine import Prepared
from cscip_kg.server.state import Build

_TOTALS = """SELECT
  (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants) (COUNT(DISTINCT ?model) AS ?models)
  (COUNT(DISTINCT ?theme) AS ?themes) (COUNT(DISTINCT ?report) AS ?reports)
WHERE {
  { ?project a cscip:Project } UNION { ?grant a cscip:Grant } UNION { ?model a cscip:PracticeModel }
  UNION { ?theme a cscip:Theme } UNION { ?report a cscip:EvaluationReport }
}"""
_FUNDING = "SELECT (SUM(?v) AS ?total) WHERE { ?g a cscip:Grant ; schema:amount/schema:value ?v }"
_BY_ROUND = """SELECT ?round ?label (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants)
       (SUM(COALESCE(?amount, 0)) AS ?funding) WHERE {
  ?round a cscip:FundingRound ; rdfs:label ?label .
  { ?project a cscip:Project ; cscip:round ?round }
  UNION { ?grant a cscip:Grant ; cscip:round ?round ; schema:amount/schema:value ?amount }
} GROUP BY ?round ?label ORDER BY ?label"""
_BY_THEME = """SELECT ?theme ?label (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants)
       (SUM(COALESCE(?amount, 0)) AS ?funding) WHERE {
  ?theme a cscip:Theme ; skos:prefLabel ?label .
  ?project a cscip:Project ; cscip:theme ?theme .
  OPTIONAL { ?grant schema:fundedItem ?project ; schema:amount/schema:value ?amount }
} GROUP BY ?theme ?label ORDER BY DESC(?projects) ?label"""


@dataclass(frozen=True)
class Group:
    iri: str
    label: str
    projects: int
    grants: int
    funding: Decimal


@dataclass(frozen=True)
class Figures:
    projects: int
    grants: int
    models: int
    themes: int
    reports: int
    funding: Decimal
    by_round: list[Group]
    by_theme: list[Group]


def _rows(build: Build, query: str) -> list[dict[str, str]]:
    result = build.engine.query(Prepared(query))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def _groups(build: Build, query: str, key: str) -> list[Group]:
    return [Group(r[key], r["label"], int(r["projects"] or 0), int(r["grants"] or 0), Decimal(r["funding"] or 0))
            for r in _rows(build, query)]


def compute(build: Build) -> Figures:
    totals = _rows(build, _TOTALS)[0]
    funding = _rows(build, _FUNDING)[0]["total"] or "0"
    return Figures(int(totals["projects"]), int(totals["grants"]), int(totals["models"]), int(totals["themes"]),
                   int(totals["reports"]), Decimal(funding), _groups(build, _BY_ROUND, "round"), _groups(build, _BY_THEME, "theme"))


def pounds(amount: Decimal) -> str:
    """£100.8m, £4.85m, £950,000: how the sources and readers write money."""
    if amount >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.01")).normalize()
        return f"£{millions:f}m"
    return f"£{amount:,.0f}"
