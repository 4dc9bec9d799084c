"""Headline figures for the home page, computed from the graph once per build.

Counts and sums come from queries, never from numbers typed into a template:
when data/ grows, the home page follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from cscip_kg.counting import NOT_A_PHASE, as_project
from cscip_kg.engine import Prepared
from cscip_kg.server.state import Build

_TOTALS = f"""SELECT
  (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants) (COUNT(DISTINCT ?model) AS ?models)
  (COUNT(DISTINCT ?theme) AS ?themes) (COUNT(DISTINCT ?report) AS ?reports)
WHERE {{
  {{ ?project a cscip:Project {NOT_A_PHASE} }} UNION {{ ?grant a cscip:Grant }} UNION {{ ?model a cscip:PracticeModel }}
  UNION {{ ?theme a cscip:Theme }} UNION {{ ?report a cscip:EvaluationReport }}
}}"""
# How many projects the programme had, as each source counts them: they disagree (claims).
_PROJECT_CLAIMS = """SELECT ?value ?source ?sourceLabel WHERE {
  ?claim a cscip:Claim ; cscip:claimSubject programme:cscip ; cscip:claimProperty cscip:numberOfProjects ;
         cscip:claimValue ?value ; dcterms:source ?source .
  ?source rdfs:label ?sourceLabel .
} ORDER BY ?value ?sourceLabel"""
_FUNDING = "SELECT (SUM(?v) AS ?total) WHERE { ?g a cscip:Grant ; schema:amount/schema:value ?v }"
# A phase counts as its project in the phase's round: that project was active in the round.
_BY_ROUND = f"""SELECT ?round ?label (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants)
       (SUM(COALESCE(?amount, 0)) AS ?funding) WHERE {{
  ?round a cscip:FundingRound ; rdfs:label ?label .
  {{ ?item a cscip:Project ; cscip:round ?round . {as_project("?item")} }}
  UNION {{ ?grant a cscip:Grant ; cscip:round ?round ; schema:amount/schema:value ?amount }}
}} GROUP BY ?round ?label ORDER BY ?label"""
# A phase has no theme of its own: its grants count under its project's theme.
_BY_THEME = f"""SELECT ?theme ?label (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants)
       (SUM(COALESCE(?amount, 0)) AS ?funding) WHERE {{
  ?theme a cscip:Theme ; skos:prefLabel ?label .
  ?project a cscip:Project ; cscip:theme ?theme . {NOT_A_PHASE}
  OPTIONAL {{ ?grant schema:fundedItem ?funded ; schema:amount/schema:value ?amount . {as_project("?funded")} }}
}} GROUP BY ?theme ?label ORDER BY DESC(?projects) ?label"""


@dataclass(frozen=True)
class Group:
    iri: str
    label: str
    projects: int
    grants: int
    funding: Decimal


@dataclass(frozen=True)
class Count:
    """One source's count of something, where sources disagree."""

    value: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    projects: int  # projects described here, by the one counting rule (cscip_kg.counting)
    project_claims: list[Count]  # how many projects the programme had, per source
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


def _claims(build: Build, query: str) -> list[Count]:
    by_value: dict[str, list[str]] = {}
    for row in _rows(build, query):
        by_value.setdefault(row["value"], []).append(row["sourceLabel"])
    return [Count(value, tuple(sources)) for value, sources in sorted(by_value.items(), key=lambda item: Decimal(item[0]))]


def compute(build: Build) -> Figures:
    totals = _rows(build, _TOTALS)[0]
    funding = _rows(build, _FUNDING)[0]["total"] or "0"
    return Figures(int(totals["projects"]), _claims(build, _PROJECT_CLAIMS), int(totals["grants"]), int(totals["models"]),
                   int(totals["themes"]), int(totals["reports"]), Decimal(funding), _groups(build, _BY_ROUND, "round"),
                   _groups(build, _BY_THEME, "theme"))


def pounds(amount: Decimal) -> str:
    """£100.8m, £4.85m, £950,000: how the sources and readers write money."""
    if amount >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.01")).normalize()
        return f"£{millions:f}m"
    return f"£{amount:,.0f}"
