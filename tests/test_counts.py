"""Counts that match the sources: a project's round 2 phase is never counted as a project of its own."""

from __future__ import annotations

import re
from collections import Counter

from cscip_kg.build import CompiledGraph
from cscip_kg.counting import NOT_A_PHASE
from cscip_kg.derived import FIGURE_QUERIES
from cscip_kg.engine import Prepared
from cscip_kg.queries import load_catalogue
from tests.helpers import select

# Projects per theme on the GOV.UK insights page (001), counted by the audit.
PAGE = {"adolescents-facing-complex-risks": 9, "alternative-delivery-and-finance-models": 8,
        "care-leavers-and-staying-close": 12, "child-sexual-exploitation-or-abuse": 3,
        "edge-of-care-and-children-in-need": 10, "female-genital-mutilation": 2, "fostering-and-adoption": 6,
        "looked-after-children": 5, "support-for-parents-facing-complex-risks": 9, "residential-care": 2,
        "social-work-systems-and-practice": 12, "young-peoples-mental-health": 7, "young-people-with-disabilities": 2}


def _rows(project, compiled: CompiledGraph, name: str) -> list[dict[str, str]]:
    named = load_catalogue(project.queries_dir)[name]
    result = compiled.engine.query(Prepared(named.bind({})))
    return [{v.value: (row[v.value].value if row[v.value] is not None else "") for v in result.variables} for row in result]


def test_projects_by_theme_totals_the_pages_87(project, compiled):
    rows = _rows(project, compiled, "projects-by-theme")
    assert len(rows) == 87 == sum(PAGE.values())
    assert len({r["project"] for r in rows}) == 87
    assert Counter(r["theme"].rsplit("/", 1)[1] for r in rows) == PAGE
    # A phase's report counts for its project: Firstline has a round 1 and a round 2 evaluation.
    firstline = next(r for r in rows if r["project"].endswith("/project/firstline"))
    assert firstline["evaluations"] == "2"


def test_every_phase_belongs_to_one_project_and_has_no_theme(compiled):
    rows = select(compiled, """SELECT ?phase (COUNT(DISTINCT ?of) AS ?n) WHERE { ?phase a cscip:ProjectPhase .
        OPTIONAL { ?phase cscip:continues|cscip:scalesUp ?of . ?of a cscip:Project FILTER NOT EXISTS { ?of a cscip:ProjectPhase } } }
        GROUP BY ?phase""")
    assert len(rows) == 8 and all(r["n"] == "1" for r in rows), rows
    assert select(compiled, "SELECT ?p WHERE { ?p a cscip:ProjectPhase ; cscip:theme ?t }") == []


def test_every_count_of_projects_uses_the_one_rule(project):
    # Any query counting projects names the phase rule; a new count that forgets it fails here.
    texts = {f"queries/{q.name}.rq": q.text for q in load_catalogue(project.queries_dir).values()}
    texts.update({f"figures.{n}": text for n, text in FIGURE_QUERIES.items()})
    counting = {n: t for n, t in texts.items() if re.search(r"COUNT\(DISTINCT \?project\)|\?project a cscip:Project", t)}
    assert {"queries/projects-by-theme.rq", "figures.totals", "figures.themes", "figures.rounds"} <= set(counting)
    for name, text in counting.items():
        assert "cscip:ProjectPhase" in text, name
    assert NOT_A_PHASE in FIGURE_QUERIES["totals"]
