"""`cscip-kg validate` parses with pyoxigraph and hands pyshacl only the triples its shapes read.

The reference is the whole project parsed by rdflib and checked by pyshacl alone (``offload=False``).
Every shape fixture is copied into a source folder, so every shape fires through the real path
(files, parse, store, the rdflib subset); a shape the SPARQL side cannot take makes pyshacl run on
that subset, which must be enough for it.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from cscip_kg import shacl_run
from cscip_kg.loader import Project, load
from cscip_kg.parsed import parse_shapes
from cscip_kg.validate import Problem, SourceLocator, shacl_problems, validate_parsed

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "shapes"
# Constraints shacl_core does not compile (sh:uniqueLang, sh:maxLength), so pyshacl must check them.
EXTRA = " [ExtraShape]"  # how a problem names the shape that found it
EXTRA_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/cscip-kg/shapes/ExtraShape> a sh:NodeShape ;
    sh:targetClass <https://w3id.org/cscip-kg/def/Project> ;
    sh:property [ sh:path rdfs:label ; sh:uniqueLang true ] ,
                [ sh:path skos:altLabel ; sh:maxLength 12 ] .
"""


def _copy(root: Path) -> Project:
    """The checkout's inputs under ``root``, to break (conftest's project_copy, for a module-scoped fixture)."""
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    return Project(root)


def _with_fixtures(project: Project) -> int:
    """Copy every shape fixture into a source folder; the number of invalid ones."""
    folder = project.data_dir / "evaluation-findings"
    fixtures = [FIXTURES / "base.ttl", *sorted(FIXTURES.glob("*/*.ttl"))]
    for number, path in enumerate(fixtures):
        shutil.copy(path, folder / f"zz-fixture-{number:03}.ttl")
    return sum(1 for p in fixtures if p.name.startswith("invalid-"))


def _texts(problems: list[Problem]) -> list[str]:
    """As printed, but a focus that is a blank node no IRI owns (a parse's random label) is written _:b."""
    return sorted(str(replace(p, focus="_:b") if p.focus and ":" not in p.focus else p) for p in problems)


def _reference(project: Project) -> list[str]:
    loaded = load(project)
    locator = SourceLocator(loaded.files, project.root)
    return _texts(shacl_problems(loaded.union(), loaded.shapes, locator, offload=False))


def test_the_shapes_need_no_pyshacl():
    """All of shapes/ runs as SPARQL: pyshacl's time grows with the graph (246 s at ×100 before)."""
    chosen = shacl_run.plan(parse_shapes(Project(ROOT)))
    assert len(chosen.rest) == 0, chosen.rest.serialize(format="turtle")
    assert chosen.reads is not None and len(chosen.reads) < 30, chosen.reads


@pytest.fixture(scope="module")
def with_extra(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, list[str]]:
    """A copy with every fixture and the extra shape, and pyshacl's report on it: the reference, run once (half a minute).

    A shape's results do not depend on the other shapes (SHACL validates each on its own), so the reference without
    the extra shape is this one without ExtraShape's results.
    """
    project = _copy(tmp_path_factory.mktemp("with-extra"))
    _with_fixtures(project)
    (project.shapes_dir / "zz-extra.ttl").write_text(EXTRA_SHAPE, encoding="utf-8")
    return project, _reference(project)


@pytest.mark.slow  # pyshacl, the reference, over every fixture
def test_validate_reports_what_pyshacl_reports_on_every_fixture(project_copy: Project, with_extra: tuple[Project, list[str]]):
    invalid = _with_fixtures(project_copy)
    problems, _parsed = validate_parsed(project_copy)
    reference = [text for text in with_extra[1] if not text.endswith(EXTRA)]
    assert _texts([p for p in problems if p.kind == "shacl"]) == reference
    assert len(reference) >= invalid, reference


@pytest.mark.slow  # pyshacl, the reference, over every fixture
def test_pyshacl_on_the_subset_reports_what_it_reports_on_everything(with_extra: tuple[Project, list[str]]):
    project, reference = with_extra
    chosen = shacl_run.plan(parse_shapes(project))
    assert len(chosen.rest) and chosen.reads is not None  # pyshacl runs, on a subset
    problems, parsed = validate_parsed(project)
    assert len(parsed.kept) < parsed.triples() / 2
    assert _texts([p for p in problems if p.kind == "shacl"]) == reference
    assert any(text.endswith(EXTRA) for text in reference), reference
