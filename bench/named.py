"""Every named query through /sparql against the Oxigraph server, request by request in turn.

    python bench/named.py /tmp/cscip-bench/x100 [--requests 30] [--out bench/results/named-x100.json]

Serves DATA/build with ``cscip-kg serve`` (no answer cache: CSCIP_KG_CACHE_MB=0) and the
Oxigraph server over the same N-Quads (bench/servers.py), then sends each named query in
queries/, its parameters at their defaults, to both: one request to ours, one to the Oxigraph
server, and so on, each with a unique trailing comment so no cache can answer. Both get the
same text (our .rq files carry their own PREFIX lines). Long texts go as a form POST to both.
Row counts must agree before anything is timed. Issue 18's target: every named query within
max(1.5×, +1 ms) of the Oxigraph server (p50), at ×1 and ×100. Server CPU per request (the
process tree's, from /proc) is recorded too: on a shared machine it hardly depends on the load.
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
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import client  # noqa: E402
import servers  # noqa: E402
from pages import wait  # noqa: E402

from cscip_kg.queries import load_catalogue  # noqa: E402

JSON = "application/sparql-results+json"
MAX_GET = 6000  # the Oxigraph server refuses request headers over 8 KiB


class Refused(Exception):
    """A server did not answer 200."""


def request(server: servers.Server, text: str) -> client.Request:
    form = urlencode({"query": text})
    return (server.path, JSON, form.encode()) if len(form) > MAX_GET else (f"{server.path}?{form}", JSON, None)


def one(probe: client.Client, server: servers.Server, text: str) -> tuple[float, float, int]:
    """Wall ms, server CPU ms and rows of one request."""
    before = servers.tree_cpu_ms(server.process.pid)  # type: ignore[union-attr]
    started = time.perf_counter()
    answer = probe.get(*request(server, text))
    wall = (time.perf_counter() - started) * 1000
    spent = servers.tree_cpu_ms(server.process.pid) - before  # type: ignore[union-attr]
    if answer.status != 200:
        raise Refused(f"{server.name} answered {answer.status} after {wall:.0f} ms: {answer.body[:300]!r}")
    return wall, spent, client.rows(answer)


def compare(pair: list[servers.Server], text: str, count: int) -> dict[str, dict[str, float]]:
    probes = [client.Client(s.port, 120.0) for s in pair]
    figures: dict[str, list[tuple[float, float, int]]] = {s.name: [] for s in pair}
    for number in range(-1, count):  # one warm-up each
        for server, probe in zip(pair, probes, strict=True):
            measured = one(probe, server, f"{text}\n# {number}-{time.perf_counter_ns()}")
            if number >= 0:
                figures[server.name].append(measured)
    for probe in probes:
        probe.close()
    rows = {name: {f[2] for f in found} for name, found in figures.items()}
    if len({frozenset(r) for r in rows.values()}) > 1:
        raise Refused(f"the servers disagree on the rows: {rows}")
    return {name: {"p50_ms": round(statistics.median(f[0] for f in found), 2),
                   "p95_ms": round(client.percentile([f[0] for f in found], 95), 2),
                   "cpu_p50_ms": round(statistics.median(f[1] for f in found), 2), "rows": found[0][2]}
            for name, found in figures.items()}


def verdict(ours: float, peer: float) -> bool:
    return ours <= max(1.5 * peer, peer + 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a folder bench/generate.py wrote")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    servers.oxigraph_load(args.data, args.data / "cscip-kg.nq")
    catalogue = load_catalogue(args.data / "build" / "queries")
    pair = [servers.launch("cscip-kg", args.data, {"CSCIP_KG_CACHE_MB": "0"}), servers.launch("oxigraph", args.data)]
    try:
        wait(pair[0])
        load = list(os.getloadavg())
        queries: dict[str, dict[str, Any]] = {}
        for name, query in sorted(catalogue.items()):
            try:
                queries[name] = compare(pair, query.bind({}), args.requests)
            except Refused as error:  # e.g. our time budget ran out: recorded, and the run goes on
                queries[name] = {"refused": str(error)}
            print(name, queries[name], file=sys.stderr, flush=True)
    finally:
        for server in pair:
            server.stop()
    for entry in queries.values():
        if "refused" in entry:
            continue
        entry["met"] = {"wall": verdict(entry["cscip-kg"]["p50_ms"], entry["oxigraph"]["p50_ms"]),
                        "cpu": verdict(entry["cscip-kg"]["cpu_p50_ms"], entry["oxigraph"]["cpu_p50_ms"])}
    manifest = json.loads((args.data / "build" / "manifest.json").read_text(encoding="utf-8"))
    result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "scale": manifest.get("synthetic_scale"),
              "triples": manifest["triples"], "load_average": [load, list(os.getloadavg())], "requests": args.requests,
              "queries": queries}
    out = args.out or HERE / "results" / f"named-{args.data.name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name, entry in queries.items():
        if "refused" in entry:
            print(f"{name:24} {entry['refused']}")
            continue
        ours, peer = entry["cscip-kg"], entry["oxigraph"]
        print(f"{name:24} ours {ours['p50_ms']:8.2f} ms (CPU {ours['cpu_p50_ms']:7.2f})  Oxigraph {peer['p50_ms']:8.2f} ms "
              f"(CPU {peer['cpu_p50_ms']:7.2f})  rows {ours['rows']}  met {entry['met']}")


if __name__ == "__main__":
    main()
