"""A real Oxigraph server (the `oxigraph` executable from PyPI) on a free loopback port."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.store.launcher import StoreProcess, free_port

__all__ = ["Oxigraph", "free_port"]


def executable() -> str:
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server is not installed: `pip install -e '.[test]'` installs it")
    return found


class Oxigraph(StoreProcess):
    name = "oxigraph"

    def __init__(self, location: Path, *flags: str) -> None:
        super().__init__(location)
        self.flags = flags

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def gsp_url(self) -> str:
        return f"{self.url}/store"

    def command(self) -> tuple[list[str], Path | None]:
        return [executable(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}", *self.flags], None
