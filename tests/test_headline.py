"""The headline question: which round 1 models fed Strengthening Families, Protecting Children?"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

from click.testing import CliRunner

from cscip_kg.cli import main

EXPECTED = {
    ("Family Safeguarding", "Hertfordshire County Council", "4800000", "£4.8m"),
    ("Family Valued", "Leeds City Council", "4850000", "£4.85m"),
    ("No Wrong Door", "North Yorkshire County Council", "2100000", "£2.1m"),
}


def _answer(output: str) -> set[tuple[str, str, str, str]]:
    rows = list(csv.DictReader(io.StringIO(output)))
    return {(r["modelLabel"], r["innovatorLabel"], r["amount"], r["statedAs"]) for r in rows}


@functools.cache
def _headline(root: Path) -> str:
    """`cscip-kg query round1-models-fed-sfpc` as CSV, run once for the two tests below (each run parses the project)."""
    result = CliRunner().invoke(main, ["--root", str(root), "query", "round1-models-fed-sfpc", "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.output


def test_headline_query_exact_answer(project):
    assert _answer(_headline(project.root)) == EXPECTED


def test_headline_answer_names_its_sources(project):
    rows = list(csv.DictReader(io.StringIO(_headline(project.root))))
    assert len(rows) == len(EXPECTED)  # a failed or empty answer must fail here, not pass the loop below unchecked
    for row in rows:
        assert "source/rees-round1-grants" in row["sources"]
        assert "source/dfe-insights-2021" in row["sources"]


def test_same_query_answers_for_sfip(query_cmd):
    result = CliRunner().invoke(main, [*query_cmd, "round1-models-fed-sfpc",
                                       "--param", "programme=programme:sfip", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert {a[1] for a in _answer(result.output)} == {
        "Tavistock and Portman NHS Foundation Trust", "Daybreak", "The Fostering Network"}
