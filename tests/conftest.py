"""Shared fixtures: the real project, compiled once, one build, one live server and one in-process app over it,
and throw-away copies to break."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from cscip_kg.build import CompiledGraph, compile_graph, write_dumps
from cscip_kg.loader import Project
from tests.server.live import in_process, open_app, running_server

ROOT = Path(__file__).resolve().parents[1]
HYPOTHESIS_HOME = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis writes its files into the working folder (the checkout) unless told otherwise: a temporary
    # folder instead, and no example database, so that two runs never replay each other's examples.
    home = Path(tempfile.mkdtemp(prefix="cscip-kg-hypothesis-"))
    config.stash[HYPOTHESIS_HOME] = home
    set_hypothesis_home_dir(home)
    settings.register_profile("cscip-kg", database=None)
    settings.load_profile("cscip-kg")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files with a slow test (servers, stores, browsers, pyshacl) first, the rest after, each file's order kept.

    `make test` hands out whole files (--dist loadfile) in collection order (pyproject.toml turns off xdist's
    reordering by test count): a long file handed out last kept one process busy while the other idled, and
    the short files last fill the gap instead. In one process (no xdist) the order is left alone.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)


def pytest_unconfigure(config: pytest.Config) -> None:
    if HYPOTHESIS_HOME in config.stash:
        shutil.rmtree(config.stash[HYPOTHESIS_HOME], ignore_errors=True)


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


def shared_folder(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A read-only folder made once per run: by this process alone, or under xdist by whichever test process asks
    first, under a lock, in the run's folder that every process's own temporary folder is in; the others wait and
    read it. ``make`` writes the folder it is given (renamed into place when whole)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        out = factory.mktemp(name) / name
        make(out)
        return out
    run = factory.getbasetemp().parent  # this run's alone: xdist gives each process a folder under it
    out = run / "shared" / name
    out.parent.mkdir(exist_ok=True)
    with (run / "shared" / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.exists():
            partial = out.with_name(f"{name}.partial")
            shutil.rmtree(partial, ignore_errors=True)  # left by a process that failed making it
            make(partial)
            partial.rename(out)
    return out


@pytest.fixture(scope="session")
def build_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the real project, served (and published) by the server and store tests: one per run, not one
    per test process (read only; a test that changes a build copies it)."""
    return shared_folder(tmp_path_factory, "build", lambda out: write_dumps(request.getfixturevalue("compiled"), out))


@pytest.fixture(scope="session")
def query_cmd(project: Project, build_dir: Path) -> list[str]:
    """`cscip-kg query` on the checkout with the session's build of it, which it opens instead of parsing data/
    (a second per run); tests/test_cli_query.py shows both ways answer the same."""
    return ["--root", str(project.root), "query", "--build", str(build_dir)]


@pytest.fixture(scope="session")
def server(build_dir: Path) -> Iterator[str]:
    """The one live server over the build with default settings, shared by every test that needs the wire."""
    with running_server(build_dir) as url:
        yield url


@pytest.fixture(scope="session")
def app(build_dir: Path) -> Iterator[Flask]:
    """The one in-process app over the build (default settings but one query worker), for tests that need no wire."""
    with open_app({"build": str(build_dir), "workers": 1}) as application:
        yield application


@pytest.fixture(scope="session")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def local(client: FlaskClient) -> Iterator[str]:
    """The session app as a base URL: tests.server.live.fetch answers it in-process, as the live server would."""
    with in_process(client) as base:
        yield base
