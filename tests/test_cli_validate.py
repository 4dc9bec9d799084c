"""`cscip-kg validate` and `build` on good and deliberately broken checkouts."""

from __future__ import annotations

import gzip
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import IsomorphicGraph
from rdflib.namespace import XSD

from cscip_kg.cli import main
from cscip_kg.loader import Project
from tests.conftest import ROOT

GRANTS = Path("data/rees-round1-grants/grants.ttl")


def canonical(graph: Graph) -> IsomorphicGraph:
    """Equal decimals written differently ("4800000" / "4800000.0") are the same value."""
    result = IsomorphicGraph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        result.add((s, p, o))
    return result


def run(project: Project, *args: str):
    return CliRunner().invoke(main, ["--root", str(project.root), *args])


def _edit(project: Project, relative: Path, old: str, new: str) -> int:
    """Replace the first occurrence and return its 1-based line number."""
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def test_validate_passes_on_the_real_data(project):
    result = run(project, "validate")
    assert result.exit_code == 0, result.output
    assert "conform" in result.output


def _validate_broken(project: Project, old: str, new: str) -> tuple[int, str]:
    """Break one line of the grants file; validate must fail cleanly. Returns (line, stderr)."""
    line = _edit(project, GRANTS, old, new)
    result = run(project, "validate")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    return line, result.stderr


def test_syntax_error_names_file_and_line(project_copy):
    line, stderr = _validate_broken(project_copy, 'cscip:statedAs "£4.8m"', 'cscip:statedAs "£4.8m')
    assert f"grants.ttl:{line}" in stderr


def test_shape_violation_names_file_line_focus_path_and_message(project_copy):
    line, stderr = _validate_broken(project_copy, "grant:round-1-hertfordshire a cscip:Grant ;\n    rdfs:label",
                                    "grant:round-1-hertfordshire a cscip:Grant ;\n    rdfs:comment")
    message = next(m for m in stderr.splitlines() if "grant:round-1-hertfordshire" in m and "rdfs:label" in m)
    assert f"{GRANTS}:{line}" in message
    assert "needs exactly one rdfs:label" in message


def test_undefined_term_is_reported(project_copy):
    line, stderr = _validate_broken(project_copy, "schema:fundedItem project:family-safeguarding",
                                    "schema:fundedItme project:family-safeguarding")
    assert f"{GRANTS}:{line}" in stderr
    assert "property schema:fundedItme is not defined" in stderr


def test_dangling_entity_iri_is_reported(project_copy):
    _edit(project_copy, GRANTS, "schema:fundedItem project:family-safeguarding ;",
          "schema:fundedItem project:family-safegaurding ;")
    result = run(project_copy, "validate")
    assert result.exit_code == 1
    assert "project:family-safegaurding is used" in result.stderr


def test_unreadable_file_is_reported(project_copy):
    (project_copy.root / GRANTS).write_bytes(b"\xff\xfe not utf-8 \xff")
    result = run(project_copy, "validate")
    assert result.exit_code == 1
    assert "grants.ttl" in result.stderr and "cannot read" in result.stderr


def test_folder_without_a_source_document_is_refused(project_copy):
    (project_copy.root / "data" / "mystery-source").mkdir()
    (project_copy.root / "data" / "mystery-source" / "x.ttl").write_text("", encoding="utf-8")
    result = run(project_copy, "validate")
    assert result.exit_code == 1
    assert "mystery-source" in result.stderr and "SourceDocument" in result.stderr


@pytest.fixture(scope="module")
def copy_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`cscip-kg build` of a copy of the checkout (the same inputs in another folder), made once for the tests that
    read it (a build costs seconds)."""
    root = tmp_path_factory.mktemp("checkout")
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    out = tmp_path_factory.mktemp("build") / "out"
    result = run(Project(root), "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


# rdflib's own JSON-LD parser still goes through its deprecated ConjunctiveGraph.
@pytest.mark.slow  # a build, and every dump parsed back by rdflib
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_build_writes_every_dump_and_round_trips(project, compiled, copy_build):
    out = copy_build
    names = sorted(p.name for p in out.iterdir())
    dumps = ["cscip-kg.jsonld", "cscip-kg.nt", "cscip-kg.rdf", "cscip-kg.trig", "cscip-kg.ttl"]
    assert names == sorted([*dumps, *(dump + ".gz" for dump in dumps),
                            "derived", "manifest.json", "queries", "search.sqlite", "store", "void.ttl"])
    for dump in dumps:
        assert gzip.decompress((out / (dump + ".gz")).read_bytes()) == (out / dump).read_bytes(), dump
    assert sorted(p.name for p in (out / "queries").iterdir()) == sorted(p.name for p in project.queries_dir.glob("*.rq"))
    union = compiled.loaded.union()
    # Isomorphic: the same digest, as rdflib.compare.isomorphic checks, the union's digested once rather than per format.
    expected = canonical(union).graph_digest()
    for name, fmt in (("cscip-kg.ttl", "turtle"), ("cscip-kg.nt", "nt"), ("cscip-kg.jsonld", "json-ld"),
                      ("cscip-kg.rdf", "xml")):
        assert canonical(Graph().parse(out / name, format=fmt)).graph_digest() == expected, name
    quads = list(ox.parse(path=out / "cscip-kg.trig", format=ox.RdfFormat.TRIG))
    assert len(quads) == sum(len(g) for g in compiled.dataset.graphs())
    graph_names = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert "https://w3id.org/cscip-kg/id/source/rees-round1-grants" in graph_names
    assert "https://w3id.org/cscip-kg/id/source/dfe-insights-2021" in graph_names
    void = Graph().parse(out / "void.ttl")
    triples = next(void.objects(None, URIRef("http://rdfs.org/ns/void#triples")))
    assert int(triples) == len(union)


def test_build_refuses_invalid_data_and_keeps_previous_output(project_copy, build_dir, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(build_dir, out)  # a previous good build of the same inputs (a build costs seconds)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    _edit(project_copy, GRANTS, 'schema:currency "GBP" ; cscip:statedAs "£4.8m"', 'schema:currency "EUR" ; cscip:statedAs "£4.8m"')
    result = run(project_copy, "build", "--out", str(out))
    assert result.exit_code == 1
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.slow  # a build, and copy_build
def test_build_version_depends_on_the_inputs_only(project_copy, build_dir, copy_build, tmp_path):
    # The session's build of the checkout is the first; copy_build is the same inputs in another folder.
    first, second, edited = build_dir, copy_build, tmp_path / "c"
    _edit(project_copy, GRANTS, 'cscip:statedAs "£4.8m"', 'cscip:statedAs "£4.80m"')
    assert run(project_copy, "build", "--out", str(edited)).exit_code == 0
    versions = [json.loads((folder / "manifest.json").read_text())["version"] for folder in (first, second, edited)]
    assert versions[0] == versions[1] != versions[2]
