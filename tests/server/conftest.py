"""The server tests' endpoint (the build and the live server are tests/conftest.py's, per session)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def endpoint(server: str) -> str:
    return f"{server}sparql"
