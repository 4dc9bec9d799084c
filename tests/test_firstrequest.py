"""The logic of bench/firstrequest.py (no timing is judged here: figures go in BENCHMARKS.md)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import firstrequest


def test_the_first_and_later_requests_are_timed_on_an_app_of_the_build(build_dir: Path) -> None:
    found = firstrequest.child(build_dir, "/", 2)
    assert set(found) == {"create_app_ms", "first_ms", "later_ms"}
    assert all(value >= 0 for value in found.values())
