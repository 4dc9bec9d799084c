"""The "What the evaluations found" section of model and project pages.

Each recorded ``cscip:Finding`` of the page's project (or of every project that
implements or adapts the page's model) becomes one row: the measure, the value
as the source states it, where and when, what it was compared with, whether the
independent evaluation or the project reported it, the source's own words and a
link to the page it was read on. The query is anchored on the entity's IRI, and the
one for findings another page disagrees with on the findings it found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox
from flask import url_for

from cscip_kg.anchored import each_iri
from cscip_kg.engine import Prepared
from cscip_kg.server.content.entity_pages import Facts, Section
from cscip_kg.server.rendering.basis import INFERRED, Basis, basis_in_words
from cscip_kg.server.rendering.humanize import count_words, truth
from cscip_kg.server.rendering.links import Cell, Link, Table
from cscip_kg.server.rendering.source_links import source_links

# Every OPTIONAL is one pattern on ?finding, or nests its second hop (a group of two is evaluated over
# the whole graph and joined: ARCHITECTURE.md, "Query shapes whose cost follows the entity"); the
# FILTERs keep the rows of the flat form, which bound ?min only with ?max and ?place only with its label.
_FINDINGS = """SELECT ?finding ?project ?projectLabel ?measure ?direction ?value ?min ?max ?unit ?words ?place ?placeLabel ?period
       ?comparison ?reportedBy ?statedAs ?source ?upTo ?moreThan ?approximate ?why WHERE {{
  {anchor}
  ?finding cscip:findingOf ?project .
  ?finding a cscip:Finding ; cscip:measure/skos:prefLabel ?measure ;
      cscip:direction/skos:prefLabel ?direction ; cscip:comparison/skos:prefLabel ?comparison ;
      cscip:reportedBy/skos:prefLabel ?reportedBy ; cscip:statedAs ?statedAs ; dcterms:source ?source .
  OPTIONAL {{ ?project rdfs:label ?projectLabel }}
  OPTIONAL {{ ?finding schema:unitText ?unit }}
  OPTIONAL {{ ?finding cscip:sizeStatedAs ?words }}
  OPTIONAL {{ ?finding schema:value ?value }}
  OPTIONAL {{ ?finding cscip:upTo ?upTo }}
  OPTIONAL {{ ?finding cscip:moreThan ?moreThan }}
  OPTIONAL {{ ?finding cscip:approximate ?approximate }}
  OPTIONAL {{ ?finding schema:minValue ?min OPTIONAL {{ ?finding schema:maxValue ?max }} FILTER(BOUND(?max)) }}
  OPTIONAL {{ ?finding dcterms:spatial ?place OPTIONAL {{ ?place rdfs:label ?placeLabel }} FILTER(BOUND(?placeLabel)) }}
  OPTIONAL {{ ?finding cscip:periodStatedAs ?period }}
  # A finding read as the project's although no source says so (an area-wide trend that began before it)
  OPTIONAL {{ ?said rdf:subject ?finding ; rdf:predicate cscip:findingOf ; rdf:object ?project ; cscip:basis cscip:inferred ;
              cscip:inferenceNote ?why }}
}}
ORDER BY ?projectLabel ?measure ?finding"""

# Another page's number for the same thing: the two findings' claims are a pair of conflicting claims.
# Asked apart, for the page's findings only: as an OPTIONAL subquery of _FINDINGS it was computed over
# every conflicting claim in the graph (55-80 ms at x100 against 4-8 ms at x1).
_DISAGREES = """SELECT ?finding (GROUP_CONCAT(DISTINCT ?says; separator="; ") AS ?disagrees) WHERE {{
  {anchor}
  ?claim cscip:claimStatus cscip:Conflicting ; cscip:claimSubject ?subject ; cscip:claimProperty ?property .
  ?other cscip:claimOfFinding ?otherFinding ; cscip:claimStatus cscip:Conflicting ; cscip:claimSubject ?subject ;
      cscip:claimProperty ?property ; cscip:claimValue ?value ; dcterms:source/rdfs:label ?page .
  ?finding cscip:measure ?measure . ?otherFinding cscip:measure ?measure ; schema:unitText ?unit .
  FILTER(?otherFinding != ?finding)
  BIND(CONCAT(STR(?value), IF(?unit = "%", "%", CONCAT(" ", ?unit)), " (", STR(?page), ")") AS ?says)
}} GROUP BY ?finding"""

ANCHORS = {
    "model": "VALUES ?how {{ cscip:implementsModel cscip:adaptsModel }} ?project ?how {iri} .",
    "project": "BIND({iri} AS ?project)",
}


def _text(row: ox.QuerySolution, name: str) -> str:
    term = row[name]
    return term.value if term is not None else ""


# How a qualified number is shown: a ceiling ("up to 30%"), a lower bound, or a number the source gives as
# approximate ("nearly 80%", "almost 50 per cent"), so that none reads as exact. The source's words are beside it.
QUALIFIER_WORDS = (("upTo", "up to "), ("moreThan", "over "), ("approximate", "approximately "))  # "over" as grants say


def amount(row: ox.QuerySolution) -> str:
    """"down 49 %", "saving £107,000", "up 1.2–2.1 £ million a year", "down up to 30%": the number as recorded,
    with its qualifier and unit; a result stated in words is shown in the source's words ("no change: “no impact”")."""
    if _text(row, "words"):
        return f"{_text(row, 'direction')}: “{_text(row, 'words')}”"
    value = _text(row, "value")
    number = f"{Decimal(value):,}" if value else f"{_text(row, 'min')}–{_text(row, 'max')}"
    unit = _text(row, "unit")
    shown = f"{number}{unit}" if unit == "%" else (f"£{number}{unit[1:]}" if unit.startswith("£") else f"{number} {unit}")
    qualifier = "".join(words for name, words in QUALIFIER_WORDS if truth(_text(row, name)))
    return f"{_text(row, 'direction')}: {qualifier}{shown}"


def _disagreements(facts: Facts, findings: set[str]) -> dict[str, str]:
    """Finding IRI → what another page gives for the same thing ("66% (page)"), for the findings that have one."""
    if not findings:
        return {}
    anchor = each_iri("finding", findings, "?claim cscip:claimOfFinding ?finding")
    result = facts.build.engine.query(Prepared(_DISAGREES.format(anchor=anchor)))
    assert isinstance(result, ox.QuerySolutions)
    return {_text(row, "finding"): _text(row, "disagrees") for row in result}


def findings_section(facts: Facts, kind: str) -> Section:
    section = Section("findings", "What the evaluations found")
    result = facts.build.engine.query(Prepared(_FINDINGS.format(anchor=ANCHORS[kind].format(iri=facts.iri))))
    assert isinstance(result, ox.QuerySolutions)
    found = list(result)
    disagreeing = _disagreements(facts, {_text(row, "finding") for row in found})
    rows: list[list[Cell]] = []
    for row in found:
        where = ", ".join(t for t in (_text(row, "placeLabel"), _text(row, "period")) if t)
        disagrees = disagreeing.get(_text(row, "finding"), "")
        change = [Link(amount(row))] + ([Link(f"sources disagree: another page gives {disagrees}")] if disagrees else [])
        if _text(row, "why"):  # said where the figure is read, not only on the finding's own page
            change.append(Link(basis_in_words(Basis(INFERRED, _text(row, "why")))))
        measure = facts.link(_text(row, "finding"), _text(row, "measure"))
        cells: list[Cell] = [[measure], change, [Link(where)] if where else [],
                             [Link(_text(row, "comparison"))], [Link(_text(row, "reportedBy"))],
                             [Link(f"“{_text(row, 'statedAs')}”")], source_links(facts.build, [_text(row, "source")])]
        if kind == "model":
            cells.insert(0, [facts.link(_text(row, "project"), _text(row, "projectLabel") or _text(row, "project"))])
        rows.append(cells)
    columns = ["Measure", "Change as stated", "Where and when", "Compared with", "Reported by", "In the source's words", "Source"]
    if kind == "model":
        columns.insert(0, "Project")
    if rows:
        section.paragraphs.append([f"{count_words(len(rows), 'finding')} recorded, each as the page cited states it. "
                                   "Findings the independent evaluation reported are kept apart from those the project "
                                   "reported itself or that the page does not attribute."])
        section.table, section.caption = Table(columns, rows), "Findings and where they were read"
    else:
        section.paragraphs.append(["No findings are recorded yet for " + ("its projects." if kind == "model" else "it.")])
    if kind == "model":
        section.links.append(Link("Ask “What the evaluations found, for a practice model” for another model",
                                  url_for("query_pages.query_page", name="model-findings", model=facts.short)))
    return section


@dataclass
class _Adopter:
    label: str
    iri: str
    through: str
    adopted: str
    typed: bool
    counts: Counter[str] = field(default_factory=Counter)
    undated_pages: int = 0


def _adopters(facts: Facts) -> list[_Adopter]:
    """evidence-at-adoption's rows for this model, one entry per adoption (organisation and programme)."""
    named = facts.build.catalogue["evidence-at-adoption"]
    result = facts.build.engine.query(Prepared(named.bind({"model": facts.iri.value}, facts.build.prefixes)))
    assert isinstance(result, ox.QuerySolutions)
    found: dict[tuple[str, str], _Adopter] = {}
    for row in result:
        through = _text(row, "programmeLabel")
        adopted = " ".join(x for x in (_text(row, "adopted"), _text(row, "adoptedStatedAs")) if x)
        key = (_text(row, "adopter"), through)
        entry = found.setdefault(key, _Adopter(_text(row, "adopterLabel"), key[0], through, adopted, bool(_text(row, "adopted"))))
        entry.counts[_text(row, "publicWhenAdopted")] += 1
        entry.undated_pages += not _text(row, "published")
    return sorted(found.values(), key=lambda a: (a.label.lower(), a.through))


def adoption_evidence_section(facts: Facts) -> Section | None:
    """For each adopter of the model, how many of its findings were public when it took the model up; None if none apply."""
    adopters = _adopters(facts)
    if not adopters:
        return None
    section = Section("evidence-at-adoption", "The evidence when each adopter took it up")
    link = Link("Every finding against every adoption, with the dates compared",
                url_for("query_pages.query_page", name="evidence-at-adoption", model=facts.short))
    section.links.append(link)
    known = [a for a in adopters if a.counts["yes"] or a.counts["no"]]
    if not known:
        section.paragraphs.append([f"Whether these findings were public when each of the "
                                   f"{count_words(len(adopters), 'adopter')} took the model up cannot be told from the graph: "
                                   f"{_why_unknown(adopters)}. Dates are never guessed, from a page's address or a programme's dates."])
        return section
    section.paragraphs.append(["For each adoption, how many of the findings above were on a page dated before it, how "
                               "many after, and how many cannot be placed (a date missing, or the same year or month)."])
    rows: list[list[Cell]] = [[[facts.link(a.iri, a.label)], [Link(a.through)] if a.through else [],
                               [Link(a.adopted or "no date in the sources")],
                               [Link(str(a.counts["yes"]))], [Link(str(a.counts["no"]))], [Link(str(a.counts["unknown"]))]]
                              for a in adopters]
    section.table = Table(["Adopter", "Through", "Adopted", "Public then", "Published later", "Cannot be placed"], rows,
                          numeric=frozenset({3, 4, 5}))
    section.caption = "Findings public when each adopter took the model up"
    return section


def _why_unknown(adopters: list[_Adopter]) -> str:
    """Why no finding can be placed before or after an adoption, in words."""
    rows = sum(a.counts.total() for a in adopters)
    undated = sum(a.undated_pages for a in adopters)
    untyped = sum(1 for a in adopters if not a.typed)
    parts = []
    if undated:
        parts.append(f"it holds no date for {'the pages' if undated == rows else 'some of the pages'} that state them")
    if untyped:
        parts.append(("none of the adoptions has a typed date" if untyped == len(adopters) else
                      f"{untyped} of the {len(adopters)} adoptions have no typed date")
                     + " (the sources' own words are in the table of who took it up)")
    return ", and ".join(parts) or "each page is dated in the same year or month as the adoption"
