"""One build and one live server for the server tests (both per session: they never change)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.live import running_server


@pytest.fixture(scope="session")
def server(build_dir: Path) -> Iterator[str]:
    with running_server(build_dir) as url:
        yield url


@pytest.fixture(scope="session")
def endpoint(server: str) -> str:
    return f"{server}sparql"
