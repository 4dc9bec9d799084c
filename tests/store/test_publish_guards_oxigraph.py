"""The publish guards (tests/store/guards.py) on the Oxigraph server."""

from __future__ import annotations

import pytest

from tests.store.guards import *  # noqa: F403  (the tests, collected here for this store)

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("store", ["oxigraph"], indirect=True)]
