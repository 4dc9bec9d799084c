"""Who took part in what, for the map and the timeline of spread: derived once, by the build.

``cscip-kg build`` runs a few queries (``compute``) and stores the answer in
``derived/spread.sqlite`` (spread_db.py); a server reads from it only what each map
needs instead of scanning the whole graph (at ×100 the scan took 13 s of a first request).
The queries: every involvement of an organisation (an adoption, a
participation, leading or partnering a project, developing a model), the GSS
code of each authority, the programmes with their parts and dates, and the
places with their own evaluated findings on a model (marked on both). The
map and the timeline sort these into stages in Python, so both agree.

A partnership's involvement is given to each of its members too (marked
``via``), because the map places councils, not partnerships.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from cscip_kg.backend import Backend
from cscip_kg.engine import Prepared


@dataclass(frozen=True)
class Routes:
    """Which programmes each adoption came through, so adopters can be grouped by programme."""
    through: Mapping[tuple[str, str], tuple[str, ...]]  # (organisation, model) → programme IRIs
    labels: Mapping[str, str]
    chains: Mapping[str, tuple[str, ...]]  # programme → itself and every programme it is part of

_RECORD = """OPTIONAL { ?record cscip:role ?role } OPTIONAL { ?record cscip:datesStatedAs ?dates }
    OPTIONAL { ?record schema:startDate ?start } OPTIONAL { ?record schema:endDate ?end }
    OPTIONAL { ?record cscip:claimStatus ?doubt }"""


def _guessed(subject: str, prop: str) -> str:
    """Binds ?guess when every source folder stating ``subject`` ``prop`` ?org keeps an inferred record about it
    (a lead read from a project's name): the rule lineage.py applies to a plain link, so a map and a lineage row agree."""
    record = f"rdf:subject {subject} ; rdf:predicate cscip:{prop} ; rdf:object ?org ; cscip:basis cscip:inferred"
    return (f"OPTIONAL {{ ?said {record} . FILTER NOT EXISTS {{ GRAPH ?g {{ {subject} cscip:{prop} ?org }} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?record {record} }} }} }} BIND(true AS ?guess) }}")


_INVOLVEMENTS = f"""SELECT DISTINCT ?org ?how ?programme ?role ?model ?project ?dates ?start ?end ?doubt ?guess WHERE {{
  {{ ?org cscip:qualifiedAdoption ?record . ?record cscip:adoptedModel ?model . BIND("adoption" AS ?how)
    OPTIONAL {{ ?record cscip:throughProgramme ?programme }} OPTIONAL {{ ?record cscip:throughProject ?project }} {_RECORD} }}
  UNION {{ ?org cscip:qualifiedParticipation ?record . ?record cscip:participatedIn ?programme . BIND("participation" AS ?how)
    {_RECORD} }}
  UNION {{ ?project a cscip:Project ; cscip:leadOrganisation ?org . BIND("lead" AS ?how) {_guessed("?project", "leadOrganisation")} }}
  UNION {{ ?project a cscip:Project ; cscip:partnerOrganisation ?org . BIND("partner" AS ?how)
    {_guessed("?project", "partnerOrganisation")} }}
  UNION {{ ?grant cscip:leadOrganisation ?org ; schema:fundedItem ?project . BIND("lead" AS ?how)
    {_guessed("?grant", "leadOrganisation")} }}
  UNION {{ ?grant cscip:partnerOrganisation ?org ; schema:fundedItem ?project . BIND("partner" AS ?how)
    {_guessed("?grant", "partnerOrganisation")} }}
  UNION {{ ?model cscip:developedBy ?org . BIND("developer" AS ?how) }}
}}"""

# The project's round and model come back as extra rows, so they are asked for apart and joined in Python.
_PROJECTS = """SELECT DISTINCT ?project ?round ?model ?start ?end WHERE {
  ?project a cscip:Project .
  OPTIONAL { ?project cscip:round ?round }
  OPTIONAL { ?project cscip:implementsModel|cscip:adaptsModel|cscip:scalesUp/cscip:implementsModel ?model }
  OPTIONAL { ?project schema:startDate ?start } OPTIONAL { ?project schema:endDate ?end }
}"""

_PLACES = """SELECT DISTINCT ?org ?code ?member WHERE {
  { ?org adms:identifier/skos:notation ?code . FILTER(STRSTARTS(STR(?code), "E")) }
  UNION { ?org org:hasMember ?member }
  UNION { ?membership org:organization ?org ; org:member ?member }
}"""

_PROGRAMMES = """SELECT DISTINCT ?programme ?whole ?start ?end WHERE {
  ?programme a ?kind . FILTER(?kind IN (cscip:Programme, cscip:FundingRound, cscip:Strand))
  OPTIONAL { ?programme dcterms:isPartOf ?whole }
  OPTIONAL { ?programme schema:startDate ?start } OPTIONAL { ?programme schema:endDate ?end }
}"""

# Places with their own evaluated findings: the place of a finding of a project that implemented or adapted a model.
_FINDINGS = """SELECT DISTINCT ?model ?place ?round WHERE {
  ?finding a cscip:Finding ; cscip:findingOf ?project ; dcterms:spatial ?place .
  ?project cscip:implementsModel|cscip:adaptsModel ?model .
  OPTIONAL { ?project cscip:round ?round }
}"""

_LABELS = """SELECT ?thing ?label WHERE {{ VALUES ?thing {{ {things} }} ?thing rdfs:label ?label }}"""

# The stages of spread, in order. A programme's stage is found by walking up dcterms:isPartOf to one of these
# registry programmes (their IRIs are never renumbered; see ARCHITECTURE.md's IRI policy).
STAGE_OF_PROGRAMME = {
    "cscip-round-1": "round1", "cscip-round-2": "round2", "cscip-round-3": "round2",
    "partners-in-practice": "pip", "sfpc": "sfpc", "sfip": "sfip",
}
STAGES = ("round1", "round2", "pip", "sfpc", "sfip")


@dataclass(frozen=True)
class Involvement:
    org: str
    how: str  # adoption, participation, lead, partner or developer
    programme: str | None
    role: str
    model: str | None
    project: str | None
    dates: str  # as the source words them
    start: str
    end: str
    claimed: bool = False  # a source says so with doubt (cscip:claimStatus)
    via: str | None = None  # the partnership it took part through
    inferred: bool = False  # no source states it: the graph's deduction (an inferred statement record)


@dataclass
class Spread:
    involvements: list[Involvement]
    codes: dict[str, str]  # organisation IRI → GSS code
    members: dict[str, set[str]]  # partnership IRI → member IRIs
    wholes: dict[str, str]  # programme IRI → the programme it is part of
    dates: dict[str, tuple[str, str]]  # programme or project IRI → (start, end) as typed dates
    labels: dict[str, str] = field(default_factory=dict)
    # model IRI → place with its own findings on the model → the rounds of the projects those findings are about
    evaluated: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    # GSS code → the organisation the map places there, when this is a part of the whole (spread_db.py): ``codes``
    # then holds only the part's organisations. None: worked out from ``codes``.
    places: dict[str, str] | None = field(default=None, compare=False, repr=False)

    def chain(self, programme: str | None) -> list[str]:
        """The programme and everything it is part of, innermost first."""
        found: list[str] = []
        while programme is not None and programme not in found:
            found.append(programme)
            programme = self.wholes.get(programme)
        return found

    def stage(self, programme: str | None) -> str | None:
        if programme not in self._stages:  # a few hundred programmes, asked once per involvement
            self._stages[programme] = next((STAGE_OF_PROGRAMME[slug] for iri in self.chain(programme)
                                            if (slug := iri.rsplit("/", 1)[-1]) in STAGE_OF_PROGRAMME), None)
        return self._stages[programme]

    @cached_property
    def _stages(self) -> dict[str | None, str | None]:
        return {}

    def label(self, iri: str | None) -> str:
        return self.labels.get(iri, iri.rsplit("/", 1)[-1]) if iri else ""

    # Indexes, built on first use, so that a model's or a programme's map and timeline cost what
    # that entity has, not every involvement in the graph.
    @cached_property
    def _by_model(self) -> dict[str, list[Involvement]]:
        found: dict[str, list[Involvement]] = {}
        for i in self.involvements:
            if i.model:
                found.setdefault(i.model, []).append(i)
        return found

    @cached_property
    def _by_programme(self) -> dict[str, list[Involvement]]:
        found: dict[str, list[Involvement]] = {}
        for i in self.involvements:
            for programme in self.chain(i.programme):
                found.setdefault(programme, []).append(i)
        return found

    @cached_property
    def _by_org(self) -> dict[str, list[Involvement]]:
        found: dict[str, list[Involvement]] = {}
        for i in self.involvements:
            found.setdefault(i.org, []).append(i)
        return found

    @cached_property
    def org_by_code(self) -> dict[str, str]:
        return self.places if self.places is not None else {code: org for org, code in self.codes.items()}

    def of_model(self, model: str) -> list[Involvement]:
        """The involvements in ``model``, in the order of ``involvements``."""
        return self._by_model.get(model, [])

    def in_programme(self, programme: str) -> list[Involvement]:
        """The involvements through ``programme`` or any of its parts (rounds, strands)."""
        return self._by_programme.get(programme, [])

    def of_org(self, org: str) -> list[Involvement]:
        return self._by_org.get(org, [])


def _rows(engine: Backend, text: str) -> Iterable[dict[str, str]]:
    result = engine.query(Prepared(text))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    for row in result:
        yield {name: row[name].value for name in names if row[name] is not None}


def compute(engine: Backend) -> Spread:
    projects: dict[str, dict[str, str]] = {}
    for row in _rows(engine, _PROJECTS):
        projects.setdefault(row["project"], {}).update({k: v for k, v in row.items() if k not in projects.get(row["project"], {})})
    wholes: dict[str, str] = {}
    dates: dict[str, tuple[str, str]] = {}
    for row in _rows(engine, _PROGRAMMES):
        if "whole" in row:
            wholes.setdefault(row["programme"], row["whole"])
        if "start" in row or "end" in row:
            dates.setdefault(row["programme"], (row.get("start", ""), row.get("end", "")))
    for iri, facts in projects.items():
        if "start" in facts or "end" in facts:
            dates[iri] = (facts.get("start", ""), facts.get("end", ""))
    codes: dict[str, str] = {}
    members: dict[str, set[str]] = {}
    for row in _rows(engine, _PLACES):
        if "code" in row:
            codes.setdefault(row["org"], row["code"])
        if "member" in row:
            members.setdefault(row["org"], set()).add(row["member"])
    involvements = sorted({_involvement(row, projects) for row in _rows(engine, _INVOLVEMENTS)}, key=repr)
    # A partnership's involvement is also each member's, so the map can place it.
    involvements += [Involvement(m, i.how, i.programme, i.role, i.model, i.project, i.dates, i.start, i.end, i.claimed, i.org,
                                 i.inferred)
                     for i in list(involvements) for m in sorted(members.get(i.org, ()))]
    spread = Spread(involvements, codes, members, wholes, dates)
    for row in _rows(engine, _FINDINGS):
        rounds = spread.evaluated.setdefault(row["model"], {}).setdefault(row["place"], set())
        if "round" in row:
            rounds.add(row["round"])
    spread.labels = _labels(engine, spread)
    return spread


def _involvement(row: dict[str, str], projects: dict[str, dict[str, str]]) -> Involvement:
    project = row.get("project")
    facts = projects.get(project, {}) if project else {}
    programme = row.get("programme") or facts.get("round")
    model = row.get("model") or facts.get("model")
    return Involvement(row["org"], row["how"], programme, row.get("role", ""), model, project,
                       row.get("dates", ""), row.get("start", ""), row.get("end", ""), "doubt" in row, inferred="guess" in row)


def _labels(engine: Backend, spread: Spread) -> dict[str, str]:
    things = {i.org for i in spread.involvements} | set(spread.codes) | set(spread.members) | set(spread.wholes)
    things |= {place for places in spread.evaluated.values() for place in places}
    things |= set(spread.wholes.values()) | set(spread.dates)
    for i in spread.involvements:
        things.update(x for x in (i.programme, i.model, i.project, i.via) if x)
    labels: dict[str, str] = {}
    ordered = sorted(things)
    for start in range(0, len(ordered), 400):
        values = " ".join(str(ox.NamedNode(iri)) for iri in ordered[start:start + 400])
        result = engine.query(Prepared(_LABELS.format(things=values)))
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            label = row["label"]
            assert isinstance(label, ox.Literal)
            if label.language in (None, "en") or row["thing"].value not in labels:
                labels[row["thing"].value] = label.value
    return labels


def adoption_routes(spread: Spread) -> Routes:
    """For the lineage diagram: which programmes each (organisation, model) adoption came through."""
    through: dict[tuple[str, str], tuple[str, ...]] = {}
    for i in spread.involvements:
        if i.how == "adoption" and i.model and i.programme and i.via is None:
            key = (i.org, i.model)
            through[key] = (*through.get(key, ()), i.programme) if i.programme not in through.get(key, ()) else through[key]
    chains = {p: tuple(spread.chain(p)) for p in {p for ps in through.values() for p in ps}}
    return Routes(through, dict(spread.labels), chains)
