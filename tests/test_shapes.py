"""Every SHACL shape bites: tests/shapes/<Shape>/valid-*.ttl conform, invalid-*.ttl fail at that shape.

Each invalid fixture carries a ``# expect: <text>`` line; the violation from its
shape must contain that text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cscip_kg import shacl_run, shacl_sparql
from cscip_kg.loader import parse_turtle
from cscip_kg.problems import Problem

HERE = Path(__file__).parent / "shapes"
ROOT = HERE.parents[1]
SH_NODE_SHAPE = URIRef("http://www.w3.org/ns/shacl#NodeShape")


def _fixtures(kind: str) -> list[Path]:
    return sorted(HERE.glob(f"*/{kind}-*.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return parse_turtle(ROOT / "shapes" / "shapes.ttl")


@pytest.fixture(scope="module")
def chosen(shapes: Graph) -> shacl_run.Plan:
    """The shapes split once, by the plan shacl_problems makes on every call (a quarter of a second each)."""
    return shacl_run.plan(shapes)


@pytest.fixture(scope="module")
def base() -> Graph:
    """The ontology and base.ttl, parsed once: each test adds its fixture to a copy."""
    graph = Graph()
    for path in [*sorted((ROOT / "ontology").glob("*.ttl")), HERE / "base.ttl"]:
        parse_turtle(path, graph)
    return graph


def _problems(fixture: Path, base: Graph, chosen: shacl_run.Plan) -> list[Problem]:
    """shacl_problems(data, shapes) with its plan made once: the same checks, run the same way."""
    data = Graph()
    data += base
    parse_turtle(fixture, data)
    return shacl_run.run(chosen, shacl_sparql.store_of(data), data, None)


def test_every_shape_has_valid_and_invalid_fixtures(shapes: Graph):
    names = {str(s).rsplit("/", 1)[1] for s in shapes.subjects(RDF.type, SH_NODE_SHAPE)}
    for name in names:
        assert list((HERE / name).glob("valid-*.ttl")), f"{name} has no valid fixture"
        assert list((HERE / name).glob("invalid-*.ttl")), f"{name} has no invalid fixture"


@pytest.mark.parametrize("fixture", _fixtures("valid"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_fixture_conforms(fixture: Path, base: Graph, chosen: shacl_run.Plan):
    assert [str(p) for p in _problems(fixture, base, chosen)] == []


@pytest.mark.parametrize("fixture", _fixtures("invalid"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invalid_fixture_fails_at_its_shape(fixture: Path, base: Graph, chosen: shacl_run.Plan):
    expected = next(line.split(":", 1)[1].strip() for line in fixture.read_text().splitlines()
                    if line.startswith("# expect:"))
    problems = _problems(fixture, base, chosen)
    fired = [(p.shape, p.message) for p in problems]
    assert any(shape == fixture.parent.name and expected in message for shape, message in fired), fired
