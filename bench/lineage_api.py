"""Lineage through the named-query API, per practice model, against the Oxigraph server on the same text.

    python bench/lineage_api.py --scales 1 100 [--requests 20] [--data /tmp/cscip-bench/x{scale}]

For each scale it generates the data as `make bench` does (bench/generate.py, cached under
--data, by default bench/data/x{scale}), serves the build with cscip-kg with no answer cache (CSCIP_KG_CACHE_MB=0, so every
request is evaluated) and the Oxigraph server on the same N-Quads, and times, for every practice
model, GET /api/queries/lineage.json?entity=MODEL on cscip-kg and the same bound query text on
the Oxigraph server (GET /query), one request to each in turn, so both see the same load. A unique
comment in the Oxigraph text and a nonce parameter for ours keep any cache from answering. It prints p50 per model and the worst, and writes
bench/results/lineage-api.json. Issue 15's targets: at ×100 p50 ≤ 10 ms for every model and at
most 1.5× the Oxigraph server; at ×1 ≤ 3 ms.
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


def _alternate(ours: int, peer: int, api: str, text: str, count: int) -> dict[str, dict[str, float]]:
    """p50/p95 of ``count`` requests to each server, one to each in turn, each request unique."""
    clients = {"cscip-kg": client.Client(ours, 60.0), "oxigraph": client.Client(peer, 60.0)}
    times: dict[str, list[float]] = {name: [] for name in clients}
    for number in range(-1, count):  # one warm-up each
        requests = {"cscip-kg": (api, "application/json"),  # CSCIP_KG_CACHE_MB=0: no answer is kept
                    "oxigraph": ("/query?query=" + quote(f"{text}\n# {number}"), JSON)}
        for name, (path, accept) in requests.items():
            started = time.perf_counter()
            answer = clients[name].get(path, accept)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status != 200:
                raise SystemExit(f"{name} answered {answer.status} to {path[:200]}: {answer.body[:300]!r}")
            if number >= 0:
                times[name].append(elapsed)
    for each in clients.values():
        each.close()
    return {name: {"p50_ms": round(client.percentile(t, 50), 3), "p95_ms": round(client.percentile(t, 95), 3), "n": len(t)}
            for name, t in times.items()}


def measure(scale: int, count: int, data: Path, most: int | None = None) -> dict[str, object]:
    current = generate.is_current(data, scale)
    if not (data / "build" / "manifest.json").exists():  # generated data is reused; "current" says if it is stale
        generate.generate(scale, data)
        current = True
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
        if most is not None and len(models) > most:  # spread over the list: at ×100 the first N are copies of one or two models
            models = models[::len(models) // most][:most]
        per_model = {}
        for model in models:
            api = f"/api/queries/lineage.json?entity={quote(model, safe='')}"
            text = lineage.bind({"entity": model})
            per_model[model] = _alternate(ours.port, peer.port, api, text, count)
    finally:
        ours.stop()
        peer.stop()
    worst = max(per_model.values(), key=lambda f: f["cscip-kg"]["p50_ms"])
    ratios = [f["cscip-kg"]["p50_ms"] / max(f["oxigraph"]["p50_ms"], 0.001) for f in per_model.values()]
    return {"scale": scale, "models": len(models), "data_current": current, "per_model": per_model,
            "worst_p50_ms": worst["cscip-kg"]["p50_ms"],
            "median_p50_ms": statistics.median(f["cscip-kg"]["p50_ms"] for f in per_model.values()),
            "oxigraph_median_p50_ms": statistics.median(f["oxigraph"]["p50_ms"] for f in per_model.values()),
            "worst_ratio": round(max(ratios), 2), "median_ratio": round(statistics.median(ratios), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--requests", type=int, default=20, help="sequential requests per model and server")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "lineage-api.json")
    parser.add_argument("--models", type=int, help="time only N models, spread evenly over the list in IRI order (×100 has 34 × 100)")
    parser.add_argument("--data", default=str(HERE / "data" / "x{scale}"), help="where each scale's data is ({scale} is replaced)")
    args = parser.parse_args()
    run: dict[str, object] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "requests": args.requests,
                              "scales": []}
    for scale in args.scales:
        result = measure(scale, args.requests, Path(args.data.format(scale=scale)), args.models)
        result["load_average"] = list(os.getloadavg())
        run["scales"].append(result)  # type: ignore[attr-defined]
        print(f"x{scale}: {result['models']} models; cscip-kg p50 median {result['median_p50_ms']} ms, worst "
              f"{result['worst_p50_ms']} ms; Oxigraph median {result['oxigraph_median_p50_ms']} ms; "
              f"ratio median {result['median_ratio']}×, worst {result['worst_ratio']}×", flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
