"""What the build derives from the graph once, so that no request has to scan the whole graph.

Today: the answers of the home page's figure queries (totals, funding, by round,
by theme), written to ``derived/answers.json`` as rows of plain strings. Other
things derived at build time (the search index, the lineage graph) belong next
to ``write_derived``, each in its own function, written into the same staging
folder before it is swapped in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.engine import Engine, Prepared

DERIVED_FOLDER = "derived"
ANSWERS_FILE = "answers.json"
Rows = list[dict[str, str]]

# The home page's figures. Counts and sums come from queries, never from numbers typed into a
# template: when data/ grows, the home page follows (at the next build).
FIGURE_QUERIES = {
    "totals": """SELECT
  (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants) (COUNT(DISTINCT ?model) AS ?models)
  (COUNT(DISTINCT ?theme) AS ?themes) (COUNT(DISTINCT ?report) AS ?reports)
WHERE {
  { ?project a cscip:Project } UNION { ?grant a cscip:Grant } UNION { ?model a cscip:PracticeModel }
  UNION { ?theme a cscip:Theme } UNION { ?report a cscip:EvaluationReport }
}""",
    "funding": "SELECT (SUM(?v) AS ?total) WHERE { ?g a cscip:Grant ; schema:amount/schema:value ?v }",
    "by_round": """SELECT ?round ?label (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants)
       (SUM(COALESCE(?amount, 0)) AS ?funding) WHERE {
  ?round a cscip:FundingRound ; rdfs:label ?label .
  { ?project a cscip:Project ; cscip:round ?round }
  UNION { ?grant a cscip:Grant ; cscip:round ?round ; schema:amount/schema:value ?amount }
} GROUP BY ?round ?label ORDER BY ?label""",
    "by_theme": """SELECT ?theme ?label (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants)
       (SUM(COALESCE(?amount, 0)) AS ?funding) WHERE {
  ?theme a cscip:Theme ; skos:prefLabel ?label .
  ?project a cscip:Project ; cscip:theme ?theme .
  OPTIONAL { ?grant schema:fundedItem ?project ; schema:amount/schema:value ?amount }
} GROUP BY ?theme ?label ORDER BY DESC(?projects) ?label""",
}


def rows(engine: object, query: str) -> Rows:
    """A SELECT's answer as rows of plain strings ("" for unbound); ``engine`` is any Backend."""
    result = engine.query(Prepared(query))  # type: ignore[attr-defined]
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def write_derived(engine: Engine, staging: Path) -> None:
    """Everything derived at build time, into ``staging`` (the build folder before its swap)."""
    folder = staging / DERIVED_FOLDER
    folder.mkdir(exist_ok=True)
    _write_answers(engine, folder)


def _write_answers(engine: Engine, folder: Path) -> None:
    answers = {name: rows(engine, query) for name, query in FIGURE_QUERIES.items()}
    (folder / ANSWERS_FILE).write_text(json.dumps(answers, indent=1) + "\n", encoding="utf-8")


def read_answers(build_folder: Path) -> dict[str, Rows]:
    """The answers the build precomputed, or {} for a build without them (the caller queries instead)."""
    path = build_folder / DERIVED_FOLDER / ANSWERS_FILE
    if not path.is_file():
        return {}
    answers = json.loads(path.read_text(encoding="utf-8"))
    return answers if isinstance(answers, dict) else {}
