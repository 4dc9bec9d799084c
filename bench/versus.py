"""Two versions of cscip-kg and the Oxigraph server, one request to each in turn: small /sparql queries and lineage.

    python bench/versus.py DATA --before /tmp/old-checkout [--requests 30] [--models 34] [--out FILE]

``--before`` is another checkout of this project (e.g. ``git archive COMMIT | tar -x -C DIR``);
"after" is this one. Both serve DATA/build with no answer cache (CSCIP_KG_CACHE_MB=0), the Oxigraph
server the same N-Quads (bench/servers.py). Each named query (default: the small ones issue 18
missed) goes to the three in turn through bench/named.py's compare(); then, for ``--models``
practice models spread over the list, GET /api/queries/lineage.json?entity=M on both of ours and
the same bound text on the Oxigraph server, as bench/lineage_api.py does. Wall p50 and the server
process tree's CPU p50 are recorded per server; on a shared machine compare CPU and ratios.
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
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import client  # noqa: E402
import named  # noqa: E402
import servers  # noqa: E402
from lineage_api import MODELS  # noqa: E402
from pages import wait  # noqa: E402

from cscip_kg.queries import load_catalogue  # noqa: E402

SMALL = ("round1-models-fed-sfpc", "adopters-of-model", "organisation-profile", "spread-by-programme",
         "models-by-measure", "practice-area", "authority-profile")
OURS = ("before", "after")


def launch(name: str, checkout: Path, data: Path) -> servers.Server:
    server = servers.Server(name, servers.free_port(), "/sparql", "", False)
    # No bytecode written into the other checkout: it is only read.
    server.start([sys.executable, "-m", "cscip_kg", "serve", "--build", str(data / "build"), "--port", str(server.port)],
                 {"PYTHONPATH": str(checkout / "src"), "CSCIP_KG_MAX_ROWS": "10000000", "CSCIP_KG_CACHE_MB": "0",
                  "PYTHONDONTWRITEBYTECODE": "1"})
    return server


def lineage_turns(trio: list[servers.Server], model: str, text: str, count: int) -> dict[str, dict[str, float]]:
    """Wall and server CPU p50 of ``count`` lineage requests to each server in turn (one warm-up each)."""
    probes = {s.name: client.Client(s.port, 60.0) for s in trio}
    figures: dict[str, list[tuple[float, float]]] = {s.name: [] for s in trio}
    ours = (f"/api/queries/lineage.json?entity={quote(model, safe='')}", "application/json", None)
    for number in range(-1, count):
        for server in trio:
            peer = ("/query?" + urlencode({"query": f"{text}\n# {number}-{time.perf_counter_ns()}"}), named.JSON, None)
            before, started = servers.tree_cpu_ms(server.process.pid), time.perf_counter()  # type: ignore[union-attr]
            answer = probes[server.name].get(*(peer if server.name == "oxigraph" else ours))
            wall = (time.perf_counter() - started) * 1000
            spent = servers.tree_cpu_ms(server.process.pid) - before  # type: ignore[union-attr]
            if answer.status != 200:
                raise SystemExit(f"{server.name} answered {answer.status}: {answer.body[:300]!r}")
            if number >= 0:
                figures[server.name].append((wall, spent))
    for probe in probes.values():
        probe.close()
    return {name: {"p50_ms": round(statistics.median(f[0] for f in found), 3),
                   "cpu_p50_ms": round(statistics.median(f[1] for f in found), 3)} for name, found in figures.items()}


def practice_models(server: servers.Server, most: int) -> list[str]:
    probe = client.Client(server.port)
    answer = probe.get(f"/sparql?query={quote(MODELS)}", named.JSON)
    probe.close()
    models = [b["m"]["value"] for b in json.loads(answer.body)["results"]["bindings"]]
    return models[::len(models) // most][:most] if len(models) > most else models


def summary(per_model: dict[str, dict[str, dict[str, float]]], name: str) -> dict[str, float]:
    ratios = [f[name]["p50_ms"] / f["oxigraph"]["p50_ms"] for f in per_model.values()]
    cpu = [f[name]["cpu_p50_ms"] / max(f["oxigraph"]["cpu_p50_ms"], 0.001) for f in per_model.values()]
    return {"median_p50_ms": statistics.median(f[name]["p50_ms"] for f in per_model.values()),
            "median_cpu_ms": statistics.median(f[name]["cpu_p50_ms"] for f in per_model.values()),
            "median_ratio": round(statistics.median(ratios), 2), "within_1_5_wall": sum(r <= 1.5 for r in ratios),
            "within_1_5_cpu": sum(r <= 1.5 for r in cpu), "models": len(ratios)}


def run(trio: list[servers.Server], data: Path, args: argparse.Namespace) -> dict[str, Any]:
    catalogue = load_catalogue(data / "build" / "queries")
    queries: dict[str, dict[str, Any]] = {}
    for name in args.queries.split(","):
        found = named.compare(trio, catalogue[name].bind({}), args.requests)
        peer = found["oxigraph"]
        met = {side: {"wall": named.verdict(found[side]["p50_ms"], peer["p50_ms"]),
                      "cpu": named.verdict(found[side]["cpu_p50_ms"], peer["cpu_p50_ms"])} for side in OURS}
        queries[name] = {**found, "met": met}
        print(name, json.dumps(queries[name]), file=sys.stderr, flush=True)
    per_model = {}
    for model in practice_models(trio[1], args.models):
        per_model[model] = lineage_turns(trio, model, catalogue["lineage"].bind({"entity": model}), args.requests)
    lineage: dict[str, dict[str, float]] = {name: summary(per_model, name) for name in OURS}
    lineage["oxigraph"] = {"median_p50_ms": statistics.median(f["oxigraph"]["p50_ms"] for f in per_model.values()),
                           "median_cpu_ms": statistics.median(f["oxigraph"]["cpu_p50_ms"] for f in per_model.values())}
    return {"named": queries, "lineage": lineage, "lineage_per_model": per_model}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a folder bench/generate.py wrote")
    parser.add_argument("--before", type=Path, required=True, help="another checkout of this project")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--models", type=int, default=34)
    parser.add_argument("--queries", default=",".join(SMALL))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    servers.oxigraph_load(args.data, args.data / "cscip-kg.nq")
    trio = [launch("before", args.before, args.data), launch("after", HERE.parent, args.data), servers.launch("oxigraph", args.data)]
    load = list(os.getloadavg())
    try:
        for server in trio[:2]:
            wait(server)
        result = run(trio, args.data, args)
    finally:
        for server in trio:
            server.stop()
    result.update(date=datetime.now(UTC).isoformat(timespec="seconds"), data=args.data.name, requests=args.requests,
                  load_average=[load, list(os.getloadavg())])
    out = args.out or HERE / "results" / f"versus-{args.data.name}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for name, found in result["named"].items():
        print(f"{name:24} " + "  ".join(f"{side} {found[side]['p50_ms']:.2f} ms (CPU {found[side]['cpu_p50_ms']:.2f})"
                                        for side in (*OURS, "oxigraph")) + f"  met {found['met']}")
    for side, figures in result["lineage"].items():
        print(f"lineage API {side}: {figures}")


if __name__ == "__main__":
    main()
