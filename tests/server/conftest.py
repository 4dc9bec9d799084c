"""One build and one live server for the server tests (both per session: they never change)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cscip_kg.build import CompiledGraph, write_dumps
from tests.server.live import running_server


@pytest.fixture(scope="session")
def build_dir(compiled: CompiledGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("served") / "build"
    write_dumps(compiled, out)
    return out


@pytest.fixture(scope="session")
def server(build_dir: Path) -> Iterator[str]:
    with running_server(build_dir) as url:
        yield url


@pytest.fixture(scope="session")
def endpoint(server: str) -> str:
    return f"{server}sparql"
