"""Server time of each page type and of search, uncached, against a served build.

    python bench/pages.py /tmp/cscip-bench/x100 [--requests 30] [--out bench/results/pages-x100.json]

Serves DATA/build with ``cscip-kg serve`` and no answer cache (CSCIP_KG_CACHE_MB=0, so every
request is rendered), then times, as seen by a keep-alive client on the same machine, GET of:
each entity page type (model, organisation, programme, project, grant, report, theme; a
different entity on every request, spread over all copies of the data), each browse page
(/models/ …), the home page, and search for the words people type (typos, abbreviations,
short names). The types are taken in turn, request by request, so a burst of load on this
shared machine falls on all of them alike. Issue 16's targets: p50 ≤ 20 ms at ×1 and ≤ 50 ms at
×100 per page type, search ≤ 20 ms at ×100; issue 18's: entity pages p50 ≤ 20 ms at ×100.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import client  # noqa: E402
import servers  # noqa: E402

from cscip_kg.namespaces import ID_BASE  # noqa: E402

ENTITY_KINDS = ("model", "organisation", "programme", "project", "grant", "report", "theme")
BROWSE = ("models", "projects", "grants", "organisations", "reports", "programmes", "themes")
SEARCHES = ("mokingbird", "FDAC", "NWD", "SFPC", "Herts", "Leeds council", "family safeguarding", "council",
            "residential care", "Walsall")
PER_KIND = 200  # entities per kind, spread over the copies


def entity_paths(store: ox.Store, kind: str) -> list[str]:
    """Up to PER_KIND page paths of entities of ``kind`` (IRIs under id/KIND/), spread over every copy."""
    prefix = f"{ID_BASE}{kind}/"
    rows = store.query(f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{prefix}")) }}')
    assert isinstance(rows, ox.QuerySolutions)
    found = sorted(row["s"].value for row in rows)  # type: ignore[union-attr]
    stride = max(1, len(found) // PER_KIND)
    return ["/id/" + iri[len(ID_BASE):] for iri in found[::stride][:PER_KIND]]


def workload(build: Path) -> dict[str, list[str]]:
    """Page type → the paths its requests take in turn."""
    store = ox.Store.read_only(str(build / "store"))
    paths = {kind: entity_paths(store, kind) for kind in ENTITY_KINDS}
    del store
    paths.update({f"browse {name}": [f"/{name}/"] for name in BROWSE})
    paths["home"] = ["/"]
    paths["search"] = [f"/search?q={quote(words)}" for words in SEARCHES]
    return paths


def timed(paths: dict[str, list[str]], server: servers.Server, count: int) -> dict[str, dict[str, float]]:
    """Wall p50/p95 and mean server CPU per type of ``count`` requests, types in turn (after a warm-up round)."""
    probe = client.Client(server.port, 120.0)
    pid = server.process.pid  # type: ignore[union-attr]
    times: dict[str, list[float]] = {kind: [] for kind in paths}
    cpu: dict[str, list[float]] = {kind: [] for kind in paths}
    for number in range(-1, count):
        for kind, options in paths.items():
            path = options[max(number, 0) % len(options)]
            before = servers.tree_cpu_ms(pid)
            started = time.perf_counter()
            answer = probe.get(path, "text/html")
            elapsed = (time.perf_counter() - started) * 1000
            spent = servers.tree_cpu_ms(pid) - before
            if answer.status != 200:
                raise SystemExit(f"GET {path} answered {answer.status}: {answer.body[:300]!r}")
            if number >= 0:
                times[kind].append(elapsed)
                cpu[kind].append(spent)
    probe.close()
    return {kind: {"p50_ms": round(statistics.median(t), 2), "p95_ms": round(client.percentile(t, 95), 2),
                   "max_ms": round(max(t), 2), "cpu_p50_ms": round(statistics.median(cpu[kind]), 2), "n": len(t)}
            for kind, t in times.items()}


def wait(server: servers.Server, limit: float = 300.0) -> None:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if client.Client(server.port, limit).get("/", "text/html").status == 200:
            return
        server.check()
        time.sleep(0.05)
    raise SystemExit(f"the server answered nothing within {limit:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a folder bench/generate.py wrote")
    parser.add_argument("--requests", type=int, default=30, help="requests per page type")
    parser.add_argument("--out", type=Path, help="JSON file (default bench/results/pages-<data folder name>.json)")
    args = parser.parse_args()
    build = args.data / "build"
    paths = workload(build)
    server = servers.launch("cscip-kg", args.data, {"CSCIP_KG_CACHE_MB": "0"})
    try:
        wait(server)
        load = list(os.getloadavg())
        figures = timed(paths, server, args.requests)
    finally:
        server.stop()
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "scale": manifest.get("synthetic_scale"),
              "triples": manifest["triples"], "load_average": [load, list(os.getloadavg())],
              "requests": args.requests, "pages": figures}
    out = args.out or HERE / "results" / f"pages-{args.data.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for kind, entry in figures.items():
        print(f"{kind:24} p50 {entry['p50_ms']:8.2f} ms  p95 {entry['p95_ms']:8.2f} ms  "
              f"server CPU p50 {entry['cpu_p50_ms']:7.2f} ms  (n={entry['n']})")


if __name__ == "__main__":
    main()
