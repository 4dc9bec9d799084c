"""`cscip-kg query` answers from the build folder when it holds a build of the current inputs (opened in
milliseconds), and from data/ parsed afresh otherwise; both give the same answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cscip_kg.cli import data_engine
from cscip_kg.cli import main as cli
from cscip_kg.engine import Prepared
from cscip_kg.layout import STORE_FOLDER
from cscip_kg.loader import Project
from cscip_kg.namespaces import BASE
from cscip_kg.opened import embedded, read_manifest
from cscip_kg.queries import load_catalogue
from cscip_kg.results import serialize
from tests.store.compare import rows

# A statement no data file makes, put into a copy of the build: answered true only when the build answered.
MARKER = ox.Quad(ox.NamedNode("urn:cscip-kg-test:marker"), ox.NamedNode("urn:cscip-kg-test:is"), ox.Literal("in the build"))


@pytest.fixture()
def marked_build(build_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "build"
    shutil.copytree(build_dir, copy)
    store = ox.Store(str(copy / STORE_FOLDER))
    store.add(MARKER)
    store.flush()
    del store  # RocksDB's lock goes with the last reference; `query` opens the folder read-only
    return copy


def _answered_by_build(root: Path, build: Path, tmp_path: Path) -> bool:
    ask = tmp_path / "marker.rq"
    ask.write_text(f"ASK {{ {MARKER.subject} {MARKER.predicate} {MARKER.object} }}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(root), "query", str(ask), "--build", str(build), "--format", "json"])
    assert result.exit_code == 0, result.output
    return bool(json.loads(result.stdout)["boolean"])


def test_a_build_of_the_current_inputs_answers(marked_build, project_copy, tmp_path):
    assert _answered_by_build(project_copy.root, marked_build, tmp_path)


def test_a_build_of_other_inputs_is_passed_over_for_data(marked_build, project_copy, tmp_path):
    # A comment changes no statement, but the inputs are no longer those the build was made from.
    data_file = sorted(project_copy.data_dir.rglob("*.ttl"))[0]
    data_file.write_text(data_file.read_text(encoding="utf-8") + "\n# edited after the build\n", encoding="utf-8")
    assert not _answered_by_build(project_copy.root, marked_build, tmp_path)


def test_a_broken_build_is_passed_over_for_data(marked_build, project, tmp_path):
    shutil.rmtree(marked_build / STORE_FOLDER)
    (marked_build / STORE_FOLDER).write_text("not a store", encoding="utf-8")
    assert not _answered_by_build(project.root, marked_build, tmp_path)


def test_every_named_query_answers_the_same_from_the_build_as_from_data(project: Project, build_dir: Path):
    built = embedded(build_dir, read_manifest(build_dir)["version"], BASE)
    parsed = data_engine(project)
    for name, named in sorted(load_catalogue(project.queries_dir).items()):
        query = named.bind({})
        answers = [rows(serialize(engine.query(Prepared(query)), "json"), query) for engine in (built, parsed)]
        assert answers[0] == answers[1], name
        assert answers[0], f"{name} answers nothing, so the comparison proves nothing"
