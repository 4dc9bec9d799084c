"""Lineage through the named-query API, per practice model, against the Oxigraph server on the same text.

    python bench/lineage_api.py --scales 1 100 [--requests 20]

For each scale it generates the data as `make bench` does (bench/generate.py, cached under
bench/data/), serves the build with cscip-kg with no answer cache (CSCIP_KG_CACHE_MB=0, so every
request is evaluated) and the Oxigraph server on the same N-Quads, and times, for every practice
model, GET /api/queries/lineage.json?entity=MODEL on cscip-kg and the same bound query text on
the Oxigraph server (GET /query). It prints p50 per model and the worst, and writes
bench/results/lineage-api.json. Issue 15's targets: at ×100 p50 ≤ 10 ms for every model and at
most 1.5× the Oxigraph server; at ×1 ≤ 3 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import client  # noqa: E402
import generate  # noqa: E402
import servers  # noqa: E402

from cscip_kg.queries import load_catalogue  # noqa: E402

MODELS = "SELECT ?m WHERE { ?m a <https://w3id.org/cscip-kg/def/PracticeModel> } ORDER BY ?m"
JSON = "application/sparql-results+json"


def _wait(server: servers.Server, path: str, limit: float = 900.0) -> None:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        try:
            probe = client.Client(server.port, timeout=limit)
            answer = probe.get(path, JSON)
            probe.close()
            if answer.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{server.name} did not answer within {limit:.0f} s")


def _p50(port: int, path: str, accept: str, count: int) -> dict[str, float]:
    figures = client.latency(port, lambda _n: (path, accept), count, budget=30.0, timeout=60.0, warmup=1)
    return {"p50_ms": figures["p50_ms"], "p95_ms": figures["p95_ms"], "n": figures["n"], "errors": figures["errors"]}


def measure(scale: int, count: int) -> dict[str, object]:
    data = HERE / "data" / f"x{scale}"
    if not generate.is_current(data, scale):
        generate.generate(scale, data)
    servers.oxigraph_load(data, data / "cscip-kg.nq")
    lineage = load_catalogue(data / "build" / "queries")["lineage"]
    ours = servers.Server("cscip-kg", servers.free_port(), "/sparql", "", False)
    ours.start([sys.executable, "-m", "cscip_kg", "serve", "--build", str(data / "build"), "--port", str(ours.port)],
               {"PYTHONPATH": str(HERE.parent / "src"), "CSCIP_KG_CACHE_MB": "0"})
    peer = servers.launch("oxigraph", data)
    try:
        _wait(ours, f"/sparql?query={quote(MODELS)}")
        _wait(peer, f"/query?query={quote(MODELS)}")
        probe = client.Client(ours.port)
        answer = probe.get(f"/sparql?query={quote(MODELS)}", JSON)
        probe.close()
        models = [b["m"]["value"] for b in json.loads(answer.body)["results"]["bindings"]]
        per_model = {}
        for model in models:
            api = f"/api/queries/lineage.json?entity={quote(model, safe='')}"
            text = lineage.bind({"entity": model})
            per_model[model] = {"cscip-kg": _p50(ours.port, api, "application/json", count),
                                "oxigraph": _p50(peer.port, f"/query?query={quote(text)}", JSON, count)}
    finally:
        ours.stop()
        peer.stop()
    worst = max(per_model.values(), key=lambda f: f["cscip-kg"]["p50_ms"])
    ratios = [f["cscip-kg"]["p50_ms"] / max(f["oxigraph"]["p50_ms"], 0.001) for f in per_model.values()]
    return {"scale": scale, "models": len(models), "per_model": per_model,
            "worst_p50_ms": worst["cscip-kg"]["p50_ms"],
            "median_p50_ms": statistics.median(f["cscip-kg"]["p50_ms"] for f in per_model.values()),
            "oxigraph_median_p50_ms": statistics.median(f["oxigraph"]["p50_ms"] for f in per_model.values()),
            "worst_ratio": round(max(ratios), 2), "median_ratio": round(statistics.median(ratios), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--requests", type=int, default=20, help="sequential requests per model and server")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "lineage-api.json")
    args = parser.parse_args()
    run: dict[str, object] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "requests": args.requests,
                              "scales": []}
    for scale in args.scales:
        result = measure(scale, args.requests)
        run["scales"].append(result)  # type: ignore[attr-defined]
        print(f"x{scale}: {result['models']} models; cscip-kg p50 median {result['median_p50_ms']} ms, worst "
              f"{result['worst_p50_ms']} ms; Oxigraph median {result['oxigraph_median_p50_ms']} ms; "
              f"ratio median {result['median_ratio']}×, worst {result['worst_ratio']}×", flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
