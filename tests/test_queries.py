"""Named query files: strict headers, parameters, and that each one answers."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.engine import Prepared
from cscip_kg.namespaces import PREFIXES, prefixes_for
from cscip_kg.queries import ParameterError, QueryFileError, load_catalogue, parse_query_file
from tests.conftest import ROOT

ROOT_QUERIES = ROOT / "queries"

REQUIRED = {"round1-models-fed-sfpc", "lineage", "grants-by-round", "projects-by-theme", "organisation-profile",
            "authority-profile", "adopters-of-model", "spread-by-programme", "conflicting-claims", "statement-basis"}


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
    rows = [{k: s[k].value for k in ("direction", "node")} for s in
            compiled.engine.query(Prepared(named.bind({"entity": "project:family-safeguarding"})))]
    related = {(r["direction"], r["node"].rsplit("/", 1)[1]) for r in rows}
    assert ("ancestor", "family-safeguarding") in related  # the model
    assert ("descendant", "family-safeguarding-round-2") in related


def _answers(compiled, text):
    solutions = compiled.engine.query(Prepared(text))
    names = [v.value for v in solutions.variables]
    return sorted(tuple(str(term) for term in solution) for solution in solutions), names


def _sample_of_things(compiled, size=24):
    """Entities of every kind, spread over the sorted list, and one the graph does not know."""
    rows = compiled.engine.query(Prepared(
        'SELECT DISTINCT ?s WHERE { ?s a ?t FILTER(STRSTARTS(STR(?t), "https://w3id.org/cscip-kg/def/")) }'))
    things = sorted(s[0].value for s in rows)
    step = max(1, len(things) // size)
    return [*things[::step], "https://w3id.org/cscip-kg/id/model/no-such-model"]


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_an_inlined_parameter_means_what_a_values_binding_means(project, compiled, name):
    named = load_catalogue(project.queries_dir)[name]
    iris = [p.name for p in named.parameters if p.type == "iri"]
    assert iris, f"{name} takes no IRI"
    for thing in _sample_of_things(compiled):
        given = dict.fromkeys(iris, thing)
        inline, values = named.bind(given), named.bind(given, inline=False)
        assert _answers(compiled, inline) == _answers(compiled, values), f"{name} with {thing}"


def test_lineage_and_the_profiles_take_their_iri_inline(project):
    catalogue = load_catalogue(project.queries_dir)
    for name, parameter in [("lineage", "entity"), ("organisation-profile", "organisation"),
                            ("adopters-of-model", "model"), ("round1-models-fed-sfpc", "programme")]:
        text = catalogue[name].bind({})
        assert "VALUES (?" + parameter not in text
        assert not re.search(rf"\?{parameter}\b", text.split("WHERE", 1)[1]), name


@pytest.mark.parametrize(("where", "why"), [
    ("SELECT ?x ?label WHERE { ?x rdfs:label ?label }", "projected"),
    ("SELECT * WHERE { ?x rdfs:label ?label }", "projected by *"),
    ("SELECT ?label WHERE { ?y rdfs:label ?label BIND(?y AS ?x) }", "assigned by BIND"),
    ("SELECT ?label WHERE { OPTIONAL { ?x rdfs:label ?label } FILTER(BOUND(?x)) }", "given to BOUND"),
    ("SELECT ?label WHERE { VALUES ?x { <http://example.org/a> } ?x rdfs:label ?label }", "given by VALUES"),
    ("SELECT ?label WHERE { ?x rdfs:label ?label { SELECT ?label WHERE { ?x rdfs:comment ?label } } }", "in a subquery"),
    ("SELECT ?label WHERE { ?y rdfs:label ?label MINUS { ?x rdfs:comment ?label } }", "in MINUS"),
    ("SELECT ?label WHERE { ?x rdfs:label ?label } ORDER BY ?x", "ordered on"),
])
def test_a_parameter_goes_in_as_values_where_inlining_would_change_the_answer(tmp_path, where, why):
    named = parse_query_file(_write(tmp_path, f"#+ title: t\n#+ description: d\n#+ param: x | iri | required | d\n{where}"))
    text = named.bind({"x": "model:mockingbird"})
    assert "VALUES (?x) { (<https://w3id.org/cscip-kg/id/model/mockingbird>) }" in text, why


def test_inlining_leaves_strings_comments_and_longer_names_alone(tmp_path):
    body = ('#+ title: t\n#+ description: d\n#+ param: x | iri | required | d\n'
            'SELECT ?xLabel WHERE {\n  # ?x in a comment\n  ?x rdfs:label ?xLabel FILTER(?xLabel != "?x")\n}')
    text = parse_query_file(_write(tmp_path, body)).bind({"x": "model:mockingbird"})
    assert text.endswith('WHERE {\n  # ?x in a comment\n  <https://w3id.org/cscip-kg/id/model/mockingbird> '
                         'rdfs:label ?xLabel FILTER(?xLabel != "?x")\n}')


def test_a_literal_parameter_goes_in_as_values(tmp_path):
    body = "#+ title: t\n#+ description: d\n#+ param: x | string | required | d\nSELECT ?s WHERE { ?s rdfs:label ?x }"
    assert 'VALUES (?x) { ("Mockingbird") }' in parse_query_file(_write(tmp_path, body)).bind({"x": "Mockingbird"})


def test_an_unclosed_group_is_left_for_the_engine_to_report(tmp_path):
    body = "#+ title: t\n#+ description: d\n#+ param: x | iri | required | d\nSELECT ?s WHERE { ?s rdfs:label ?x "
    assert "VALUES (?x)" in parse_query_file(_write(tmp_path, body)).bind({"x": "model:mockingbird"})


@pytest.mark.parametrize("path", sorted(ROOT_QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_every_named_query_file_is_complete_sparql(path):
    # Parsed with no predeclared prefixes, as any other SPARQL tool reads it.
    try:
        list(ox.Store().query(path.read_text(encoding="utf-8")))  # type: ignore[arg-type]
    except SyntaxError as error:
        pytest.fail(f"{path.name} is not complete SPARQL on its own (a PREFIX line missing?): {error}")


def test_an_ad_hoc_file_runs_without_a_header(tmp_path, query_cmd):
    path = _write(tmp_path, "PREFIX cscip: <https://w3id.org/cscip-kg/def/>\nSELECT (COUNT(*) AS ?n) WHERE { ?m a cscip:PracticeModel }",
                  "My Ad Hoc Query.rq")
    result = CliRunner().invoke(main, [*query_cmd, str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert int(result.stdout.splitlines()[1]) > 0


def test_a_named_query_keeps_the_strict_header(tmp_path):
    with pytest.raises(QueryFileError, match="lower-case words"):
        parse_query_file(_write(tmp_path, "#+ title: t\n#+ description: d\nSELECT * WHERE { ?s ?p ?o }", "Bad Name.rq"))


def test_a_rebased_build_moves_the_query_iris(project):
    named = load_catalogue(project.queries_dir)["round1-models-fed-sfpc"]
    text = named.bind({}, prefixes_for("https://kg.example.org/"))
    assert "PREFIX cscip: <https://kg.example.org/def/>" in text
    assert "<https://kg.example.org/id/programme/sfpc>" in text
    assert "w3id.org" not in text
    assert named.bind({}) == named.bind({}, PREFIXES)


def test_a_column_line_names_a_result_column_for_people(tmp_path):
    body = "#+ title: t\n#+ description: d\n#+ column: leadLabel | Led by\nSELECT ?leadLabel WHERE { ?s ?p ?leadLabel }"
    assert parse_query_file(_write(tmp_path, body)).headings == {"leadLabel": "Led by"}
    with pytest.raises(QueryFileError, match=re.escape("column is 'variable | heading'")):
        parse_query_file(_write(tmp_path, "#+ title: t\n#+ description: d\n#+ column: leadLabel\nSELECT * WHERE { ?s ?p ?o }"))


@pytest.mark.parametrize("name", ["authority-profile", "organisation-profile"])
def test_a_page_table_query_orders_its_rows_completely(name: str) -> None:
    """The organisation pages merge these rows (one per source) in the order they come: an ORDER BY that leaves ties
    let the engine's hash order through, so the same page differed between two processes."""
    text = (ROOT_QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    projected = re.search(r"SELECT\s+(?:DISTINCT\s+)?(.*?)\s*\n?WHERE", text, re.S)
    ordered = re.search(r"ORDER BY (.*)$", text, re.M)
    assert projected and ordered
    assert set(re.findall(r"\?\w+", projected.group(1))) <= set(re.findall(r"\?\w+", ordered.group(1)))


def test_an_edge_only_inferred_is_inferred_in_both_profiles_and_on_the_map(project, compiled):
    """A lead or partner read from a project's name (an inferred statement record, no source stating it) is never
    listed as stated: not by either profile query, nor by the maps' derived involvements (the audit found Portsmouth,
    Coventry and Newham shown as stated partners and leads)."""
    from cscip_kg.spread import compute

    catalogue = load_catalogue(project.queries_dir)
    guessed = [(r["thing"].value, r["p"].value.rsplit("/", 1)[1], r["org"].value) for r in compiled.engine.query(Prepared("""
        SELECT DISTINCT ?thing ?p ?org WHERE { ?said rdf:subject ?thing ; rdf:predicate ?p ; rdf:object ?org ; cscip:basis cscip:inferred .
          VALUES ?p { cscip:leadOrganisation cscip:partnerOrganisation } }"""))]
    assert len(guessed) >= 3
    role = {"leadOrganisation": "lead", "partnerOrganisation": "partner"}
    for thing, prop, org in guessed:
        for name, column in (("organisation-profile", "basis"), ("authority-profile", "status")):
            result = compiled.engine.query(Prepared(catalogue[name].bind({"organisation": org})))
            said = {row[column].value for row in result if row["role"].value == role[prop] and row["thing"].value == thing}
            assert said == {"inferred"}, (name, thing, org, said)
    involvements = compute(compiled.engine).involvements
    said = {(i.org, i.project, i.how): i.inferred for i in involvements if i.how in ("lead", "partner") and not i.via}
    for thing, prop, org in guessed:  # a project's own lead or partner (a grant's names the project it funds)
        if (org, thing, role[prop]) in said:
            assert said[(org, thing, role[prop])] is True, (org, thing)
    assert sum(said.get((org, thing, role[prop]), False) for thing, prop, org in guessed) >= 3
    assert not any(i.inferred for i in involvements if i.how in ("adoption", "participation"))


def test_a_gss_code_matched_by_place_name_is_the_graphs_reading_in_the_profile(project, compiled):
    """The hexmap gives a code and a place name; tying it to an authority is the graph's match, and the profile says so."""
    catalogue = load_catalogue(project.queries_dir)
    matched = [(r["org"].value, r["id"].value) for r in compiled.engine.query(Prepared("""
        SELECT ?org ?id WHERE { ?said rdf:subject ?org ; rdf:predicate adms:identifier ; rdf:object ?id ; cscip:basis cscip:inferred }"""))]
    assert len(matched) >= 7
    for org, identifier in matched:
        result = compiled.engine.query(Prepared(catalogue["authority-profile"].bind({"organisation": org})))
        said = {row["status"].value for row in result if row["thing"].value == identifier}
        assert said == {"inferred"}, (org, said)
