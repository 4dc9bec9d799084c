"""Browser load time of each page type: Debian's chromium, driven by Playwright, against a served build.

    python bench/browser.py bench/data/x1 [--loads 10] [--widths 1280 390] [--out bench/results/browser-x1.json]
    python bench/browser.py bench/data/x1 --site http://127.0.0.1:8000/   # a server already running over it

Serves DATA/build with ``cscip-kg serve`` and no answer cache (CSCIP_KG_CACHE_MB=0: every page is
rendered, as on a first visit; ``--cached`` keeps the default cache), then loads each page type in a
fresh browser context (no browser cache: the style sheet and scripts come every time) at each width,
and reads the browser's own navigation timing: from the start of navigation to the load event, with
the time to first byte and to DOMContentLoaded beside it, and the CPU time of the page's main thread
(Chromium's ThreadTime metric: on a shared machine it moves far less than the wall time does). Page types: the entity pages (model,
organisation, programme, project, grant, report, theme; a different entity each load, spread over the
copies), the browse pages, home, search, a lineage diagram, a question page, the query editor, the
API page, the dataset page and the ontology. The types are taken in turn, load by load, so a burst of
load on a shared machine falls on all of them alike; one round first warms the browser up and is not
counted. Issue 16's target: each page type's median ≤ 300 ms at ×1. A page that answers anything but
200, or asks for anything outside the server, stops the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import client  # noqa: E402
import pages  # noqa: E402
import servers  # noqa: E402

TARGET_MS = 300.0
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Read once the load event has fired; loadEventStart is the moment it fired, relative to the navigation's start.
TIMING = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {load: n.loadEventStart - n.startTime, ttfb: n.responseStart - n.startTime,
          dcl: n.domContentLoadedEventStart - n.startTime}; }"""


def workload(build: Path) -> dict[str, list[str]]:
    """Page type → the paths its loads take in turn (bench/pages.py's, plus the pages only a browser shows)."""
    paths = pages.workload(build)
    paths["search"] = [f"/search?q={quote(words)}" for words in pages.SEARCHES[:4]]
    paths["lineage"] = ["/lineage/" + path[len("/id/"):] for path in paths["model"][:20]]
    paths["question"] = ["/queries/round1-models-fed-sfpc", "/queries/grants-by-round", "/queries/lineage"]
    paths.update({"editor": ["/editor"], "api": ["/api/"], "dataset": ["/dataset"], "ontology": ["/def/"]})
    return paths


def chromium() -> str:
    found = os.environ.get("CSCIP_KG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise SystemExit("Debian's chromium is not installed: run `make setup` (it installs it)")
    return found


def load_once(browser: Any, site: str, path: str, width: int) -> dict[str, float]:
    """One load of ``path`` in a fresh context: the browser's navigation timing, in ms."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        metrics = context.new_cdp_session(page)
        metrics.send("Performance.enable")
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((site, "data:")) else None)
        answer = page.goto(site.rstrip("/") + path, wait_until="load")
        if answer is None or answer.status != 200:
            raise SystemExit(f"GET {path} answered {answer.status if answer else 'nothing'}")
        if outside:
            raise SystemExit(f"{path} asked for {outside[0]}, outside the server")
        timing: dict[str, float] = page.evaluate(TIMING)
        thread = next(m["value"] for m in metrics.send("Performance.getMetrics")["metrics"] if m["name"] == "ThreadTime")
        timing["cpu"] = thread * 1000
        return timing
    finally:
        context.close()


def measure(browser: Any, site: str, paths: dict[str, list[str]], loads: int,
            widths: Sequence[int]) -> dict[str, dict[str, dict[str, float]]]:
    """Width → page type → median and p95 of the load event (and medians of first byte, DOMContentLoaded)."""
    seen: dict[tuple[int, str], list[dict[str, float]]] = {(w, kind): [] for w in widths for kind in paths}
    for number in range(-1, loads):
        for width in widths:
            for kind, options in paths.items():
                timing = load_once(browser, site, options[max(number, 0) % len(options)], width)
                if number >= 0:
                    seen[(width, kind)].append(timing)
    figures: dict[str, dict[str, dict[str, float]]] = {str(w): {} for w in widths}
    for (width, kind), timings in seen.items():
        load = [t["load"] for t in timings]
        figures[str(width)][kind] = {
            "p50_ms": round(statistics.median(load), 1), "p95_ms": round(client.percentile(load, 95), 1),
            "max_ms": round(max(load), 1), "ttfb_p50_ms": round(statistics.median(t["ttfb"] for t in timings), 1),
            "dcl_p50_ms": round(statistics.median(t["dcl"] for t in timings), 1),
            "cpu_p50_ms": round(statistics.median(t["cpu"] for t in timings), 1), "n": len(load)}
    return figures


def markdown(run: dict[str, Any]) -> list[str]:
    """A table for BENCHMARKS.md: each page type's median and p95 at each width, judged against the target."""
    widths = list(run["pages"])
    lines = [f"Browser load at ×{run['scale']} ({run['triples']:,} triples), {run['date']}, {run['chromium']}, "
             f"{run['loads']} loads per type and width, {'cached' if run['cached'] else 'no answer cache'}, "
             f"load average {run['load_average'][0][0]:.1f} → {run['load_average'][1][0]:.1f}", "",
             "| page type | " + " | ".join(f"{w} px: p50 / p95 (first byte p50; CPU p50), ms" for w in widths) + " | target | verdict |",
             "|---|" + "---|" * len(widths) + "---|---|"]
    for kind in run["pages"][widths[0]]:
        entries = [run["pages"][w][kind] for w in widths]
        met = all(e["p50_ms"] <= run["target_ms"] for e in entries)
        shown = " | ".join(f"{e['p50_ms']} / {e['p95_ms']} ({e['ttfb_p50_ms']}{'; ' + str(e['cpu_p50_ms']) if 'cpu_p50_ms' in e else ''})"
                           for e in entries)
        lines.append(f"| {kind} | {shown} | ≤ {run['target_ms']:g} ms | {'met' if met else '**missed**'} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a folder bench/generate.py wrote")
    parser.add_argument("--loads", type=int, default=10, help="loads per page type and width (after one warm-up round)")
    parser.add_argument("--widths", type=int, nargs="+", default=[1280, 390], help="viewport widths in px")
    parser.add_argument("--cached", action="store_true", help="keep the server's answer cache (default: none)")
    parser.add_argument("--site", help="measure this running server (over DATA/build) instead of starting one")
    parser.add_argument("--out", type=Path, help="JSON file (default bench/results/browser-<data folder name>.json)")
    args = parser.parse_args()
    if args.loads < 1:
        parser.error("--loads is at least 1")
    from playwright.sync_api import sync_playwright

    build = args.data / "build"
    paths = workload(build)
    server = None if args.site else servers.launch("cscip-kg", args.data, {} if args.cached else {"CSCIP_KG_CACHE_MB": "0"})
    try:
        if server is not None:
            pages.wait(server)
        site = args.site or f"http://127.0.0.1:{server.port if server else 0}/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
            load = list(os.getloadavg())
            started = time.perf_counter()
            figures = measure(browser, site, paths, args.loads, args.widths)
            version = f"Chromium {browser.version}"
            browser.close()
    finally:
        if server is not None:
            server.stop()
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    run = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "scale": manifest.get("synthetic_scale"),
           "triples": manifest["triples"], "chromium": version, "cached": args.cached, "loads": args.loads,
           "seconds": round(time.perf_counter() - started, 1), "load_average": [load, list(os.getloadavg())],
           "target_ms": TARGET_MS, "pages": figures}
    out = args.out or HERE / "results" / f"browser-{args.data.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    print("\n".join(markdown(run)))


if __name__ == "__main__":
    main()
