"""Shared fixtures: the real project, compiled once, one build, one live server over it, and throw-away copies to break."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cscip_kg.build import CompiledGraph, compile_graph, write_dumps
from cscip_kg.loader import Project
from tests.server.live import running_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def compiled(project: Project) -> CompiledGraph:
    return compile_graph(project)


@pytest.fixture()
def project_copy(tmp_path: Path) -> Project:
    """A copy of the checkout that a test may break without touching the source tree."""
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Project(tmp_path)


@pytest.fixture(scope="session")
def build_dir(compiled: CompiledGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the real project, served (and published) by the server and store tests."""
    out = tmp_path_factory.mktemp("build") / "build"
    write_dumps(compiled, out)
    return out


@pytest.fixture(scope="session")
def server(build_dir: Path) -> Iterator[str]:
    """The one live server over the build with default settings, shared by every test that needs the wire."""
    with running_server(build_dir) as url:
        yield url
