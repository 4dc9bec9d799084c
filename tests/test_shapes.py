"""Every SHACL shape bites: tests/shapes/<Shape>/valid-*.ttl conform, invalid-*.ttl fail at that shape.

Each invalid fixture carries a ``# expect: <text>`` line; the violation from its
shape must contain that text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cscip_kg.loader import parse_turtle
from cscip_kg.validate import shacl_problems

HERE = Path(__file__).parent / "shapes"
ROOT = HERE.parents[1]
SH_NODE_SHAPE = URIRef("http://www.w3.org/ns/shacl#NodeShape")


def _fixtures(kind: str) -> list[Path]:
    return sorted(HERE.glob(f"*/{kind}-*.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return parse_turtle(ROOT / "shapes" / "shapes.ttl")


def _data(fixture: Path) -> Graph:
    graph = Graph()
    for path in [*sorted((ROOT / "ontology").glob("*.ttl")), HERE / "base.ttl", fixture]:
        parse_turtle(path, graph)
    return graph


def test_every_shape_has_valid_and_invalid_fixtures(shapes: Graph):
    names = {str(s).rsplit("/", 1)[1] for s in shapes.subjects(RDF.type, SH_NODE_SHAPE)}
    for name in names:
        assert list((HERE / name).glob("valid-*.ttl")), f"{name} has no valid fixture"
        assert list((HERE / name).glob("invalid-*.ttl")), f"{name} has no invalid fixture"


@pytest.mark.parametrize("fixture", _fixtures("valid"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_fixture_conforms(fixture: Path, shapes: Graph):
    assert [str(p) for p in shacl_problems(_data(fixture), shapes)] == []


@pytest.mark.parametrize("fixture", _fixtures("invalid"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invalid_fixture_fails_at_its_shape(fixture: Path, shapes: Graph):
    expected = next(line.split(":", 1)[1].strip() for line in fixture.read_text().splitlines()
                    if line.startswith("# expect:"))
    problems = shacl_problems(_data(fixture), shapes)
    fired = [(p.shape, p.message) for p in problems]
    assert any(shape == fixture.parent.name and expected in message for shape, message in fired), fired
