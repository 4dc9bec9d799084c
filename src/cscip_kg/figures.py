"""Headline figures for the home page, computed from the graph once per build.

Counts and sums come from queries (cscip_kg.derived.FIGURE_QUERIES), never from
numbers typed into a template: when data/ grows, the home page follows. The build
answers them once; the server reads the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cscip_kg.derived import read_answers
from cscip_kg.opened import Build


@dataclass(frozen=True)
class Funding:
    """Grant amounts added up: as awarded, apart from ceilings ("up to"), and how much of either is a combined award
    that several programmes fund (the sources do not split it between them)."""

    awarded: Decimal
    ceilings: Decimal = Decimal(0)
    shared: Decimal = Decimal(0)

    @property
    def most(self) -> Decimal:
        return self.awarded + self.ceilings


@dataclass(frozen=True)
class Group:
    iri: str
    label: str
    projects: int
    grants: int
    funding: Funding


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
    funding: Funding
    capped: int  # grants whose sources give only a ceiling
    by_round: list[Group]
    by_theme: list[Group]


def _groups(found: list[dict[str, str]], key: str) -> list[Group]:
    return [Group(r[key], r["label"], int(r["projects"] or 0), int(r["grants"] or 0), _funding(r, "funding")) for r in found]


def _funding(row: dict[str, str], awarded: str) -> Funding:
    return Funding(*(Decimal(row[column] or 0) for column in (awarded, "ceilings", "shared")))


def _claims(found: list[dict[str, str]]) -> list[Count]:
    by_value: dict[str, list[str]] = {}
    for row in found:
        by_value.setdefault(row["value"], []).append(row["sourceLabel"])
    return [Count(value, tuple(sources)) for value, sources in sorted(by_value.items(), key=lambda item: Decimal(item[0]))]


def compute(build: Build) -> Figures:
    # Precomputed by the build (each is a scan of the whole graph), read once: at ×100 a reading took 4 ms.
    answers = read_answers(build.folder)
    totals = answers["totals"][0]
    funding = answers["grant_funding"][0]
    return Figures(int(totals["projects"]), _claims(answers["project_claims"]), int(totals["grants"]),
                   int(totals["models"]), int(totals["themes"]), int(totals["reports"]), _funding(funding, "total"),
                   int(funding["capped"] or 0), _groups(answers["rounds"], "round"), _groups(answers["themes"], "theme"))
