"""The "What the evaluations found" section of model and project pages.

Each recorded ``cscip:Finding`` of the page's project (or of every project that
implements or adapts the page's model) becomes one row: the measure, the value
as the source states it, where and when, what it was compared with, whether the
independent evaluation or the project reported it, the source's own words and a
link to the page it was read on. The query is anchored on the entity's IRI.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
from flask import url_for

from cscip_kg.engine import Prepared
from cscip_kg.server.content.entity_pages import Facts, Section
from cscip_kg.server.rendering.humanize import count_words
from cscip_kg.server.rendering.links import Cell, Link, Table
from cscip_kg.server.rendering.source_links import source_links

_FINDINGS = """SELECT ?finding ?project ?projectLabel ?measure ?direction ?value ?min ?max ?unit ?place ?placeLabel ?period
       ?comparison ?reportedBy ?statedAs ?source WHERE {{
  {anchor}
  ?finding a cscip:Finding ; cscip:findingOf ?project ; cscip:measure/skos:prefLabel ?measure ;
      cscip:direction/skos:prefLabel ?direction ; cscip:comparison/skos:prefLabel ?comparison ;
      cscip:reportedBy/skos:prefLabel ?reportedBy ; schema:unitText ?unit ; cscip:statedAs ?statedAs ; dcterms:source ?source .
  OPTIONAL {{ ?project rdfs:label ?projectLabel }}
  OPTIONAL {{ ?finding schema:value ?value }}
  OPTIONAL {{ ?finding schema:minValue ?min ; schema:maxValue ?max }}
  OPTIONAL {{ ?finding dcterms:spatial ?place . ?place rdfs:label ?placeLabel }}
  OPTIONAL {{ ?finding cscip:periodStatedAs ?period }}
}}
ORDER BY ?projectLabel ?measure ?finding"""

ANCHORS = {
    "model": "VALUES ?how {{ cscip:implementsModel cscip:adaptsModel }} ?project ?how {iri} .",
    "project": "BIND({iri} AS ?project)",
}


def _text(row: ox.QuerySolution, name: str) -> str:
    term = row[name]
    return term.value if term is not None else ""


def amount(row: ox.QuerySolution) -> str:
    """"down 49 %", "saving £107,000", "up 1.2–2.1 £ million a year": the number as recorded, with its unit."""
    value = _text(row, "value")
    number = f"{Decimal(value):,}" if value else f"{_text(row, 'min')}–{_text(row, 'max')}"
    unit = _text(row, "unit")
    shown = f"{number}{unit}" if unit == "%" else (f"£{number}{unit[1:]}" if unit.startswith("£") else f"{number} {unit}")
    return f"{_text(row, 'direction')}: {shown}"


def findings_section(facts: Facts, kind: str) -> Section:
    section = Section("findings", "What the evaluations found")
    query = _FINDINGS.format(anchor=ANCHORS[kind].format(iri=facts.iri))
    result = facts.build.engine.query(Prepared(query))
    assert isinstance(result, ox.QuerySolutions)
    rows: list[list[Cell]] = []
    for row in result:
        where = ", ".join(t for t in (_text(row, "placeLabel"), _text(row, "period")) if t)
        cells: list[Cell] = [[Link(_text(row, "measure"))], [Link(amount(row))], [Link(where)] if where else [],
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
