"""What the build derives from the graph once, so that no request has to scan the whole graph.

Today: the answers of the home page's figure queries (totals, funding, by round,
by theme), written to ``derived/answers.json``, and of the browse pages' listing
queries (listing_queries.py), one file each in ``derived/listings/``, all as rows
of plain strings, and who took part in what for the maps and timelines of spread
(``spread_db.derive``: SQLite, so that each map reads only its own part), and the source documents
every "Stated by" link names (``source_catalogue.write``, looked up by key). Other things derived at build time (the search index, the
lineage graph) belong next to ``write_derived``, each in its own function,
written into the same staging folder before it is swapped in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from cscip_kg import source_catalogue, spread_db
from cscip_kg.counting import NOT_A_PHASE, as_project
from cscip_kg.engine import Engine, Prepared
from cscip_kg.layout import sqlite_format
from cscip_kg.listing_queries import LISTING_QUERIES

DERIVED_FOLDER = "derived"
ANSWERS_FILE = "answers.json"
LISTINGS_FOLDER = "listings"  # <name>.json: {"variables": [...], "rows": [[...], ...]}
Rows = list[dict[str, str]]

# A grant's amount in parts: ?exact as awarded, ?cap a ceiling ("up to", with ?capped the grant: IF on the unbound
# ?none is an error, which leaves ?capped unbound for an exact amount), and ?pooled the awarded amount of one combined
# award that several programmes fund (Leeds' £9.6m: Innovation and Partners in Practice together),
# which a source does not split between them.
_PARTS = """?grant schema:amount ?money . ?money schema:value ?amount .
  OPTIONAL { ?money cscip:upTo ?upTo } BIND(COALESCE(?upTo, false) AS ?ceiling)
  BIND(IF(?ceiling, 0, ?amount) AS ?exact) BIND(IF(?ceiling, ?amount, 0) AS ?cap) BIND(IF(?ceiling, ?grant, ?none) AS ?capped)
  OPTIONAL { SELECT ?grant (COUNT(DISTINCT ?funder) AS ?funders) WHERE { ?grant cscip:fundedBy ?funder } GROUP BY ?grant }
  BIND(IF(COALESCE(?funders, 0) > 1, ?exact, 0) AS ?pooled)"""

# The home page's figures. Counts and sums come from queries, never from numbers typed into a
# template: when data/ grows, the home page follows (at the next build).
FIGURE_QUERIES = {
    # Projects are counted by the one rule of counting.py: a phase is its project, never one more.
    "totals": f"""SELECT
  (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants) (COUNT(DISTINCT ?model) AS ?models)
  (COUNT(DISTINCT ?theme) AS ?themes) (COUNT(DISTINCT ?report) AS ?reports)
WHERE {{
  {{ ?project a cscip:Project {NOT_A_PHASE} }} UNION {{ ?grant a cscip:Grant }} UNION {{ ?model a cscip:PracticeModel }}
  UNION {{ ?theme a cscip:Theme }} UNION {{ ?report a cscip:EvaluationReport }}
}}""",
    # How many projects the programme had, as each source counts them: they disagree (claims).
    "project_claims": """SELECT ?value ?source ?sourceLabel WHERE {
  ?claim a cscip:Claim ; cscip:claimSubject programme:cscip ; cscip:claimProperty cscip:numberOfProjects ;
         cscip:claimValue ?value ; dcterms:source ?source .
  ?source rdfs:label ?sourceLabel .
} ORDER BY ?value ?sourceLabel""",
    # A ceiling ("up to £1.7m") is no sum awarded: it is added up apart, so no total reads a bound as money paid.
    "grant_funding": f"""SELECT (SUM(?exact) AS ?total) (SUM(?cap) AS ?ceilings) (COUNT(DISTINCT ?capped) AS ?capped)
       (SUM(?pooled) AS ?shared) WHERE {{ ?grant a cscip:Grant . {_PARTS} }}""",
    # A phase counts as its project in the phase's round: that project was active in the round.
    # The round is matched inside each branch: joined from outside, pyoxigraph evaluated the
    # phase OPTIONAL over every project once per round, quadratic (×100: over 15 min, now 1 s).
    "rounds": f"""SELECT ?round ?label (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants)
       (SUM(COALESCE(?exact, 0)) AS ?funding) (SUM(COALESCE(?cap, 0)) AS ?ceilings) (SUM(COALESCE(?pooled, 0)) AS ?shared) WHERE {{
  {{ ?round a cscip:FundingRound ; rdfs:label ?label . ?item a cscip:Project ; cscip:round ?round . {as_project("?item")} }}
  UNION {{ ?round a cscip:FundingRound ; rdfs:label ?label . ?grant a cscip:Grant ; cscip:round ?round . {_PARTS} }}
}} GROUP BY ?round ?label ORDER BY ?label""",
    # A phase has no theme of its own: its grants count under its project's theme.
    "themes": f"""SELECT ?theme ?label (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?grant) AS ?grants)
       (SUM(COALESCE(?exact, 0)) AS ?funding) (SUM(COALESCE(?cap, 0)) AS ?ceilings) (SUM(COALESCE(?pooled, 0)) AS ?shared) WHERE {{
  ?theme a cscip:Theme ; skos:prefLabel ?label .
  ?project a cscip:Project ; cscip:theme ?theme . {NOT_A_PHASE}
  OPTIONAL {{ ?grant schema:fundedItem ?funded . {as_project("?funded")} {_PARTS} }}
}} GROUP BY ?theme ?label ORDER BY DESC(?projects) ?label""",
}


def table(engine: object, query: str) -> tuple[list[str], list[list[str]]]:
    """A SELECT's variables and its rows of plain strings ("" for unbound); ``engine`` is any Backend."""
    result = engine.query(Prepared(query))  # type: ignore[attr-defined]
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return names, [[row[n].value if row[n] is not None else "" for n in names] for row in result]


def rows(engine: object, query: str) -> Rows:
    """A SELECT's answer as rows of plain strings ("" for unbound), keyed by variable."""
    names, values = table(engine, query)
    return [dict(zip(names, row, strict=True)) for row in values]


def write_derived(engine: Engine, staging: Path) -> None:
    """Everything derived at build time, into ``staging`` (the build folder before its swap)."""
    folder = staging / DERIVED_FOLDER
    folder.mkdir(exist_ok=True)
    _write_answers(engine, folder)
    _write_listings(engine, folder)
    spread_db.derive(engine, folder)
    source_catalogue.write(engine, folder)


def _write_answers(engine: Engine, folder: Path) -> None:
    answers = {name: rows(engine, query) for name, query in FIGURE_QUERIES.items()}
    (folder / ANSWERS_FILE).write_text(json.dumps(answers, indent=1) + "\n", encoding="utf-8")


def _write_listings(engine: Engine, folder: Path) -> None:
    # Each listing is as big as the graph (x100: 3,400 models, 10,400 projects): answered here once,
    # rather than by the first request to each browse page of every server (x100: seconds to minutes).
    target = folder / LISTINGS_FOLDER
    target.mkdir(exist_ok=True)
    for name, query in LISTING_QUERIES.items():
        variables, values = table(engine, query)
        answer = {"variables": variables, "rows": values}
        (target / f"{name}.json").write_text(json.dumps(answer, ensure_ascii=False) + "\n", encoding="utf-8")


def read_listing(build_folder: Path, name: str) -> Rows:
    """The build's answer to the listing query ``name`` (``missing`` vouched at open that the file is there)."""
    path = build_folder / DERIVED_FOLDER / LISTINGS_FOLDER / f"{name}.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    return [dict(zip(table["variables"], row, strict=True)) for row in table["rows"]]


def read_answers(build_folder: Path) -> dict[str, Rows]:
    """The answers the build precomputed for the home page's figures."""
    answers: dict[str, Rows] = json.loads((build_folder / DERIVED_FOLDER / ANSWERS_FILE).read_text(encoding="utf-8"))
    return answers


def missing(build_folder: Path) -> list[str]:
    """What a server reads from derived/ and this build lacks: a build by an older cscip-kg is refused at open,
    never patched up by scanning the graph per process (minutes at ×100, and a second code path to keep true)."""
    folder = build_folder / DERIVED_FOLDER
    lacking = [f"{DERIVED_FOLDER}/{LISTINGS_FOLDER}/{name}.json" for name in LISTING_QUERIES
               if not (folder / LISTINGS_FOLDER / f"{name}.json").is_file()]
    lacking += [f"{DERIVED_FOLDER}/{file} (layout {wanted})" for file, wanted in
                ((spread_db.SPREAD_DB, spread_db.SPREAD_FORMAT), (source_catalogue.SOURCES_DB, source_catalogue.SOURCES_FORMAT))
                if sqlite_format(folder / file) != wanted]
    try:
        answers = json.loads((folder / ANSWERS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        answers = {}
    if not isinstance(answers, dict) or not set(FIGURE_QUERIES) <= set(answers):
        lacking.append(f"{DERIVED_FOLDER}/{ANSWERS_FILE} with the home page's figures")
    return lacking
