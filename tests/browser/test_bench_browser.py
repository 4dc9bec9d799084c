"""bench/browser.py, the browser load benchmark, on the shared live server: one load per page, not a benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import browser as bench_browser

pytestmark = pytest.mark.slow


def test_each_page_type_is_timed_from_navigation_to_the_load_event(browser, site):
    figures = bench_browser.measure(browser, site, {"home": ["/"], "model": ["/id/model/family-safeguarding"]}, 1, (390,))
    assert set(figures) == {"390"} and set(figures["390"]) == {"home", "model"}
    for entry in figures["390"].values():
        assert entry["n"] == 1
        assert 0 < entry["ttfb_p50_ms"] <= entry["dcl_p50_ms"] <= entry["p50_ms"] == entry["max_ms"]
        assert entry["cpu_p50_ms"] > 0  # the main thread's CPU time, beside the wall times


def test_a_page_that_does_not_answer_200_stops_the_run(browser, site):
    with pytest.raises(SystemExit, match="/id/model/not-there answered 404"):
        bench_browser.load_once(browser, site, "/id/model/not-there", 1280)


def test_the_table_judges_each_page_type_at_every_width_against_300_ms():
    entry = {"p50_ms": 120.0, "p95_ms": 200.0, "ttfb_p50_ms": 5.0}
    run = {"scale": 1, "triples": 19559, "date": "today", "chromium": "Chromium 1", "loads": 10, "cached": False,
           "load_average": [[1.0], [1.0]], "target_ms": 300.0,
           "pages": {"1280": {"home": entry, "editor": entry}, "390": {"home": entry, "editor": {**entry, "p50_ms": 301.0}}}}
    rows = {line.split(" | ")[0].strip("| "): line for line in bench_browser.markdown(run)[4:]}
    assert rows["home"].endswith("| met |") and rows["editor"].endswith("| **missed** |")
    assert "120.0 / 200.0 (5.0)" in rows["home"]
