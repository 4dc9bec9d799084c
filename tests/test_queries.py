"""Named query files: strict headers, parameters, and that each one answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.engine import Prepared
from cscip_kg.queries import ParameterError, QueryFileError, load_catalogue, parse_query_file

REQUIRED = {"round1-models-fed-sfpc", "lineage", "grants-by-round", "projects-by-theme", "organisation-profile",
            "authority-profile", "adopters-of-model", "spread-by-programme", "conflicting-claims"}


def test_catalogue_has_the_required_queries(project):
    catalogue = load_catalogue(project.queries_dir)
    assert set(catalogue) >= REQUIRED
    for named in catalogue.values():
        assert named.title and named.description


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_named_query_answers_with_defaults(project, compiled, name):
    named = load_catalogue(project.queries_dir)[name]
    rows = list(compiled.engine.query(Prepared(named.bind({}))))
    assert rows, f"{name} returned nothing"


def _write(tmp_path: Path, body: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "line", "message"), [
    ("#+ description: d\nSELECT * WHERE { ?s ?p ?o }", 1, "no '#+ title:'"),
    ("#+ title: t\n#+ description: d\n#+ colour: red\nSELECT * WHERE { ?s ?p ?o }", 3, "unknown header key"),
    ("#+ title: t\n#+ description: d\n#+ param: x | iri | required\nSELECT * WHERE { ?x ?p ?o }", 3, "param is"),
    ("#+ title: t\n#+ description: d\n#+ param: x | colour | required | d\nSELECT * WHERE { ?x ?p ?o }", 3, "type"),
    ("#+ title: t\n#+ description: d\n#+ param: y | iri | required | d\nSELECT * WHERE { ?x ?p ?o }", 3, "not used"),
    ("#+ title: t\n#+ description: d\n#+ param: x | integer | default=ten | d\nSELECT * WHERE { ?x ?p ?o }", 3, "default"),
])
def test_bad_header_fails_with_line(tmp_path, body, line, message):
    with pytest.raises(QueryFileError) as error:
        parse_query_file(_write(tmp_path, body))
    assert error.value.line == line
    assert message in error.value.message


def test_bad_header_fails_validate(project_copy):
    _write(project_copy.queries_dir, "SELECT * WHERE { ?s ?p ?o }", "broken.rq")
    result = CliRunner().invoke(main, ["--root", str(project_copy.root), "validate"])
    assert result.exit_code == 1
    assert "broken.rq" in result.stderr


def test_parameters_are_checked(project):
    named = load_catalogue(project.queries_dir)["lineage"]
    with pytest.raises(ParameterError, match="entity"):
        named.bind({"entity": "not an iri"})
    with pytest.raises(ParameterError, match="unknown parameter"):
        named.bind({"colour": "red"})
    assert "<https://w3id.org/cscip-kg/id/model/no-wrong-door>" in named.bind({"entity": "model:no-wrong-door"})


def test_a_parameter_value_cannot_inject_sparql(project):
    named = load_catalogue(project.queries_dir)["lineage"]
    with pytest.raises(ParameterError):
        named.bind({"entity": "https://x.org/a> } ; DROP ALL ; <b"})


def test_cli_bad_parameter_is_a_usage_error(project):
    result = CliRunner().invoke(main, ["--root", str(project.root), "query", "lineage", "--param", "entity=nope"])
    assert result.exit_code == 2
    assert "entity" in result.output


def test_cli_unknown_query(project):
    result = CliRunner().invoke(main, ["--root", str(project.root), "query", "no-such-query"])
    assert result.exit_code == 1
    assert "no named query" in result.output


def test_lineage_walks_both_ways(project, compiled):
    named = load_catalogue(project.queries_dir)["lineage"]
    rows = [{k: s[k].value for k in ("direction", "related")} for s in
            compiled.engine.query(Prepared(named.bind({"entity": "project:family-safeguarding"})))]
    related = {(r["direction"], r["related"].rsplit("/", 1)[1]) for r in rows}
    assert ("ancestor", "family-safeguarding") in related  # the model
    assert ("descendant", "family-safeguarding-round-2") in related
