"""The two- and three-hop facts an entity page needs beyond its description, each query anchored on it.

An entity page already has the entity's own statements and what points at it
(``describe``). What it lacks is one hop further: the lead and grant of the
projects that implement a model, the authority and programme of each adoption.
Each query here starts from the entity's IRI (never a scan of a whole class),
so a page stays cheap however large the graph grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cscip_kg.engine import Prepared
from cscip_kg.opened import Build
from cscip_kg.server.rendering.humanize import Money, money

# Oxigraph (pyoxigraph 0.5) evaluates a required pattern, or an OPTIONAL group of two or more patterns, that
# follows a path, UNION or VALUES on its own over the whole graph and joins afterwards; FILTER EXISTS and an
# OPTIONAL of one pattern whose subject is certainly bound (not bound only by an OPTIONAL) are looked up per row.
# So after the anchor every pattern is one of those (or a UNION of one pattern per branch): the type is an
# EXISTS, the label an OPTIONAL (every project and organisation has one: shapes/), and each two-hop fact a nested
# OPTIONAL (a round without a label still shows). No FILTER(BOUND(...)) on the label: with the VALUES anchor and
# the EXISTS, Virtuoso 7 then answered no row at all (the parity tests' model pages).
# At ×100, SFPC's projects 1.9 s → 3 ms, its members 2.5 s → 7 ms (bench/pagecost.py).
_PROJECTS = """SELECT ?project ?projectLabel ?how ?round ?roundLabel ?lead ?leadLabel ?grant ?grantLabel ?amount ?upTo ?moreThan
       ?statedAs ?report ?reportLabel ?ended ?leadGuessed ?howGuessed WHERE {{
  {anchor}
  FILTER EXISTS {{ ?project a cscip:Project }}
  OPTIONAL {{ ?project rdfs:label ?projectLabel }}
  OPTIONAL {{ ?project cscip:round ?round OPTIONAL {{ ?round rdfs:label ?roundLabel }} }}
  OPTIONAL {{ ?project cscip:leadOrganisation ?lead OPTIONAL {{ ?lead rdfs:label ?leadLabel }}
             OPTIONAL {{ ?leadGuessed rdf:subject ?project ; rdf:predicate cscip:leadOrganisation ; rdf:object ?lead ;
                         cscip:basis cscip:inferred }} }}
  # How the page's organisation is tied to the project, when only the graph's reading says so (a project's name)
  OPTIONAL {{ ?howGuessed rdf:subject ?project ; rdf:predicate ?how ; rdf:object {iri} ; cscip:basis cscip:inferred }}
  OPTIONAL {{ ?grant schema:fundedItem ?project
             OPTIONAL {{ ?grant rdfs:label ?grantLabel }}
             OPTIONAL {{ ?grant schema:amount ?money OPTIONAL {{ ?money schema:value ?amount }}
                        OPTIONAL {{ ?money cscip:upTo ?upTo }} OPTIONAL {{ ?money cscip:moreThan ?moreThan }}
                        OPTIONAL {{ ?money cscip:statedAs ?statedAs }} }} }}
  OPTIONAL {{ ?report cscip:evaluates ?project OPTIONAL {{ ?report rdfs:label ?reportLabel }} }}
  OPTIONAL {{ ?project cscip:endedWithoutEvaluation ?ended }}
}}"""

# How a project relates to the page's entity, by the anchor pattern that found it.
PROJECT_ANCHORS = {
    "model": "VALUES ?how {{ cscip:implementsModel cscip:adaptsModel cscip:combinesModel }} ?project ?how {iri} .",
    "theme": "?project cscip:theme {iri} .",
    "organisation": "VALUES ?how {{ cscip:leadOrganisation cscip:partnerOrganisation }} ?project ?how {iri} .",
    "programme": "{{ ?project (cscip:round|cscip:strand)/dcterms:isPartOf* {iri} }} UNION "
                 "{{ {iri} cscip:spreadsProject ?project BIND(cscip:spreadsProject AS ?how) }}",
    "project": "BIND({iri} AS ?project)",
    "grant": "{iri} schema:fundedItem ?project .",
    "report": "{iri} cscip:evaluates ?project .",
}

_RECORDS = """SELECT ?record ?org ?orgLabel ?model ?modelLabel ?programme ?programmeLabel ?project ?projectLabel
       ?role ?dates ?status ?basis ?note ?caveat ?source WHERE {{
  {anchor}
  {{ ?org cscip:qualifiedAdoption ?record }} UNION {{ ?org cscip:qualifiedParticipation ?record }}
  OPTIONAL {{ ?org rdfs:label ?orgLabel }}
  OPTIONAL {{ ?record cscip:adoptedModel ?model OPTIONAL {{ ?model rdfs:label ?modelLabel }} }}
  OPTIONAL {{ ?record cscip:throughProgramme|cscip:participatedIn ?programme OPTIONAL {{ ?programme rdfs:label ?programmeLabel }} }}
  OPTIONAL {{ ?record cscip:throughProject ?project OPTIONAL {{ ?project rdfs:label ?projectLabel }} }}
  OPTIONAL {{ ?record cscip:role ?role }}
  OPTIONAL {{ ?record cscip:datesStatedAs ?dates }}
  OPTIONAL {{ ?record cscip:claimStatus ?status }}
  OPTIONAL {{ ?record cscip:basis ?basis }}
  OPTIONAL {{ ?record cscip:inferenceNote ?note }}
  OPTIONAL {{ ?record <http://www.w3.org/2004/02/skos/core#editorialNote> ?caveat }}
  OPTIONAL {{ ?record dcterms:source ?source }}
}}"""

# Adoptions of a model and participations in a programme (or its rounds and strands).
RECORD_ANCHORS = {
    "model": "?record cscip:adoptedModel {iri} .",
    "programme": "?record (cscip:throughProgramme|cscip:participatedIn)/dcterms:isPartOf* {iri} .",
    "project": "?record cscip:throughProject {iri} .",
}


@dataclass
class ProjectFacts:
    iri: str
    label: str
    how: str = ""
    round: tuple[str, str] | None = None  # (iri, label)
    leads: dict[str, str] = field(default_factory=dict)
    inferred_leads: set[str] = field(default_factory=set)  # leads no source states (read from the project's name)
    tie_inferred: bool = False  # its tie to the page's entity (lead, partner, theme) rests only on the graph's reading
    grants: dict[str, tuple[str, Money]] = field(default_factory=dict)  # iri → (label, amount)
    reports: dict[str, str] = field(default_factory=dict)
    ended_without_evaluation: bool = False


@dataclass
class RecordFacts:
    """An adoption of a model, or a participation in a programme, by one organisation."""

    iri: str
    organisation: tuple[str, str]
    model: tuple[str, str] | None
    programme: tuple[str, str] | None
    project: tuple[str, str] | None
    role: str
    dates: str
    basis: str | None
    sources: list[str] = field(default_factory=list)
    note: str = ""  # why it was inferred (cscip:inferenceNote)
    caveat: str = ""  # a doubt about it (skos:editorialNote)


def _value(row: ox.QuerySolution, name: str) -> str | None:
    term = row[name]
    return term.value if term is not None else None


def _pair(row: ox.QuerySolution, name: str) -> tuple[str, str] | None:
    iri, label = _value(row, name), _value(row, name + "Label")
    return (iri, label or iri) if iri is not None else None


def _select(build: Build, template: str, anchor: str, iri: ox.NamedNode) -> ox.QuerySolutions:
    result = build.engine.query(Prepared(template.format(anchor=anchor.format(iri=iri), iri=iri)))
    assert isinstance(result, ox.QuerySolutions)
    return result


def projects(build: Build, kind: str, iri: ox.NamedNode) -> list[ProjectFacts]:
    """The projects tied to the entity, each once, with round, leads, grants and reports; by round, then name."""
    found: dict[str, ProjectFacts] = {}
    for row in _select(build, _PROJECTS, PROJECT_ANCHORS[kind], iri):
        key = row["project"].value
        facts = found.setdefault(key, ProjectFacts(key, _value(row, "projectLabel") or key))
        facts.how = facts.how or (_value(row, "how") or "")
        facts.round = facts.round or _pair(row, "round")
        lead, grant, report = _pair(row, "lead"), _value(row, "grant"), _pair(row, "report")
        if lead:
            facts.leads[lead[0]] = lead[1]
            if _value(row, "leadGuessed"):
                facts.inferred_leads.add(lead[0])
        facts.tie_inferred |= _value(row, "howGuessed") is not None
        if grant and grant not in facts.grants:
            amount = money(_value(row, "amount"), _value(row, "upTo"), _value(row, "moreThan"), _value(row, "statedAs"))
            if amount is not None:
                facts.grants[grant] = (_value(row, "grantLabel") or grant, amount)
        if report:
            facts.reports[report[0]] = report[1]
        facts.ended_without_evaluation |= _value(row, "ended") == "true"
    return sorted(found.values(), key=lambda p: ((p.round or ("", "~"))[1], p.label.lower()))


def records(build: Build, kind: str, iri: ox.NamedNode) -> list[RecordFacts]:
    """Adoptions of a model, or participations in a programme, each record once with all its sources."""
    found: dict[str, RecordFacts] = {}
    for row in _select(build, _RECORDS, RECORD_ANCHORS[kind], iri):
        key = row["record"].value
        if key not in found:
            organisation = _pair(row, "org")
            assert organisation is not None  # the pattern binds ?org
            found[key] = RecordFacts(key, organisation, _pair(row, "model"), _pair(row, "programme"), _pair(row, "project"),
                                     _value(row, "role") or "", _value(row, "dates") or "",
                                     _value(row, "basis") or _value(row, "status"), [],
                                     _value(row, "note") or "", _value(row, "caveat") or "")
        source = _value(row, "source")
        if source and source not in found[key].sources:
            found[key].sources.append(source)
    return sorted(found.values(), key=lambda r: ((r.programme or ("", "~"))[1], r.role, r.organisation[1].lower()))


# Claims first: the evaluator claims are few, and a VALUES block joined first makes the engine
# walk every claim for every report (×1: 32 ms → 3 ms for all 112 reports).
_DOCUMENTS = """SELECT DISTINCT ?report ?source WHERE {{
  {{ ?claim cscip:claimProperty cscip:evaluator ; cscip:claimSubject ?project ; dcterms:source ?source .
     ?source cscip:originalURL ?url .
     ?report cscip:evaluates ?project .
     VALUES ?report {{ {reports} }} }}
  UNION
  {{ VALUES ?report {{ {reports} }} ?report schema:url ?source }}
}}"""


def report_documents(build: Build, reports: list[str]) -> dict[str, list[str]]:
    """Report → where to read it: its own ``schema:url`` if the data gives one, and the pages the sources
    cite for the evaluation of the project it evaluates (copies of the report, its publisher's page)."""
    if not reports:
        return {}
    values = " ".join(str(ox.NamedNode(r)) for r in sorted(set(reports)))
    result = build.engine.query(Prepared(_DOCUMENTS.format(reports=values)))
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, list[str]] = {}
    for row in result:
        found.setdefault(row["report"].value, []).append(row["source"].value)
    return found


_DISPUTED = """SELECT ?claim ?label ?status WHERE {{
  ?claim cscip:claimSubject {iri} ; cscip:claimStatus ?status ; rdfs:label ?label .
  FILTER(?status != cscip:Stated)
}} ORDER BY ?label"""


def disputed(build: Build, iri: ox.NamedNode) -> list[tuple[str, str, str]]:
    """Claims about the entity that the sources disagree on or leave uncertain: (claim, label, status)."""
    result = build.engine.query(Prepared(_DISPUTED.format(iri=iri)))
    assert isinstance(result, ox.QuerySolutions)
    return [(row["claim"].value, row["label"].value, row["status"].value) for row in result]
