"""The benchmark: cscip-kg's server, the Oxigraph server and rdflib-endpoint on the same data.

    make bench                     # = python bench/run.py --scales 1 100
    python bench/run.py --scales 1 10 100 1000 --servers cscip-kg oxigraph --seconds 5

For each scale it generates the data (bench/generate.py, cached under bench/data/), times SHACL
validation, then for each server: cold start (launch → first answered DESCRIBE), row counts
of every query (which must agree across servers before anything is timed), sequential p50/p95
latency per query, cached (the same request repeated) and uncached (distinct parameter values
and a unique comment on each request), throughput at concurrency 1, 4 and 16 over the whole
SPARQL mix and over the lineage query alone, and peak memory of the process tree. It prints a
table with the ratios to the Oxigraph server and to rdflib-endpoint and writes the raw figures
to bench/results/bench.json (one file for the whole run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import client  # noqa: E402
import generate  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402
from mix import SPARQL_QUERIES, Mix  # noqa: E402

LATENCY_QUERIES = (*SPARQL_QUERIES, "page")


def shacl_seconds(project: Path, runs: int) -> dict[str, float]:
    """Median load and validation time of ``runs`` fresh processes (as `cscip-kg validate` runs).

    One run swung 2.2 → 4.1 s between two runs of the same code at ×1 on this shared machine.
    """
    figures = [_shacl_once(project) for _ in range(runs)]
    return {key: statistics.median(f[key] for f in figures) for key in ("load_s", "validate_s")} | {"runs": runs}


def _shacl_once(project: Path) -> dict[str, float]:
    # validate_s is all of validate(), parse included; load_s times that parse alone, in a run of its own.
    script = ("import json,time,sys; from pathlib import Path; from cscip_kg.loader import Project; "
              "from cscip_kg.parsed import parse_project, parse_shapes; from cscip_kg.validate import validate; "
              "p=Project(Path(sys.argv[1])); t=time.perf_counter(); parse_project(p, parse_shapes(p), set()); "
              "u=time.perf_counter(); problems=validate(p); v=time.perf_counter(); "
              "print(json.dumps({'load_s': round(u-t,3), 'validate_s': round(v-u,3), 'problems': len(problems)}))")
    output = subprocess.run([sys.executable, "-c", script, str(project)], check=True, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")})
    figures: dict[str, float] = json.loads(output.stdout)
    if figures["problems"]:
        raise SystemExit(f"{project}: the generated data does not conform ({figures['problems']} problems)")
    return figures


def cold_start(server: servers.Server, mix: Mix, limit: float) -> float:
    """Seconds from launch to the first answer to a cheap query (a DESCRIBE: lineage takes rdflib minutes)."""
    request = mix.source(server.path, server.needs_prologue, "describe", True)(0)
    probe = None
    while time.perf_counter() - server.launched < limit:
        if probe is None:
            try:
                probe = client.Client(server.port, timeout=limit)
                probe.connection.connect()
            except OSError:
                probe = None
                time.sleep(0.01)
                continue
        answer = probe.get(*request)
        if answer.status == 200:
            probe.close()
            return round(time.perf_counter() - server.launched, 3)
        if answer.status not in (0, 503):  # 503: still starting; anything else will not get better
            raise SystemExit(f"{server.name} answered the cold-start DESCRIBE {answer.status}: {answer.body[:300]!r}")
        probe = None
        time.sleep(0.01)
    raise SystemExit(f"{server.name} answered nothing within {limit:.0f} s")


def first_request_ms(port: int, path: str) -> float:
    probe = client.Client(port)
    started = time.perf_counter()
    answer = probe.get(path, "text/html")
    elapsed = round((time.perf_counter() - started) * 1000, 2)
    probe.close()
    if answer.status != 200:
        raise SystemExit(f"GET {path} answered {answer.status}: {answer.body[:300]!r}")
    return elapsed


def row_counts(run: Running, timeout: float) -> dict[str, int | str | None]:
    """Rows of each query's cached form; None when it timed out (the server is then restarted).

    A 503 is our server's own time budget (query_timeout) running out: a timeout too. Any
    other refusal ends the run if it is ours (a bug), but is only recorded ("error 400") for a
    peer: rdflib-endpoint cannot evaluate lineage (GROUP_CONCAT over a sometimes unbound
    variable), and the run must still measure the rest.
    """
    counts: dict[str, int | str | None] = {}
    for name in SPARQL_QUERIES:
        probe = client.Client(run.server.port, timeout)
        answer = probe.get(*run.source(name, True)(0))
        probe.close()
        if answer.status in (0, 503):
            counts[name] = None
            if answer.status == 0:
                run.restart()
            continue
        if answer.status != 200:
            message = f"{run.name}: {name} answered {answer.status}: {answer.body[:300]!r}"
            if run.name == "cscip-kg":
                raise SystemExit(message)
            print(message, file=sys.stderr, flush=True)
            counts[name] = f"error {answer.status}"
            continue
        counts[name] = client.rows(answer)
    return counts


def agreement(measured: dict[str, Any]) -> dict[str, bool]:
    """Per query: do all servers that answered in time give the same number of rows?"""
    found = {}
    for name in SPARQL_QUERIES:
        counts = {figures["rows"][name] for figures in measured.values() if isinstance(figures["rows"][name], int)}
        found[name] = len(counts) <= 1
    return found


class Running:
    """One server under test; ``restart`` replaces it when a timed-out query still occupies it."""

    def __init__(self, name: str, data: Path, mix: Mix, args: argparse.Namespace) -> None:
        self.name, self.data, self.mix, self.args = name, data, mix, args
        self.peaks: list[dict[str, float]] = []
        self.server = servers.launch(name, data)
        self.cold_start_s = cold_start(self.server, mix, args.start_limit)
        # The home page's first request after start (its figures were a whole-graph scan once).
        self.home_first_ms = first_request_ms(self.server.port, "/") if name == "cscip-kg" else None

    def restart(self) -> None:
        self.stop()
        self.server = servers.launch(self.name, self.data)
        cold_start(self.server, self.mix, self.args.start_limit)

    def stop(self) -> None:
        self.server.stop()
        self.peaks.append(self.server.peak())

    def source(self, name: str, cached: bool) -> client.Source:
        return self.mix.source(self.server.path, self.server.needs_prologue, name, cached)  # type: ignore[no-any-return]


def measure(run: Running, args: argparse.Namespace) -> dict[str, object]:
    rows = row_counts(run, args.timeout)
    figures: dict[str, object] = {"cold_start_s": run.cold_start_s, "home_first_ms": run.home_first_ms, "rows": rows}
    latency: dict[str, dict[str, object]] = {}
    for name in LATENCY_QUERIES if run.name == "cscip-kg" else SPARQL_QUERIES:
        if isinstance(rows.get(name), str):
            continue  # refused: there is no latency to measure
        latency[name] = {}
        for kind in ("cached", "uncached"):
            latency[name][kind] = figures_ = client.latency(run.server.port, run.source(name, kind == "cached"), args.requests,
                                                            args.budget, args.timeout)
            if figures_["timeouts"]:
                run.restart()
    dump = run.mix.dump(run.server.path, run.server.dump)
    latency["dump"] = {"uncached": client.latency(run.server.port, lambda _n: dump, 5, args.budget, args.timeout, warmup=1)}
    if latency["dump"]["uncached"]["timeouts"]:
        run.restart()
    figures["latency"] = latency
    throughput: dict[str, list[dict[str, float]]] = {}
    for workload in ("mix", "lineage"):
        for kind in ("cached", "uncached"):
            cached = kind == "cached"
            throughput[f"{workload}/{kind}"] = entries = []
            for concurrency in args.concurrency:
                source = run.mix.mix_source(run.server.path, run.server.needs_prologue, cached) if workload == "mix" \
                    else run.source("lineage", cached)
                entries.append(client.throughput(run.server.port, source, concurrency, args.seconds))
                if entries[-1]["timeouts"]:
                    run.restart()
    figures["throughput"] = throughput
    return figures


def run_scale(scale: int, args: argparse.Namespace) -> dict[str, object]:
    data = HERE / "data" / f"x{scale}"
    manifest = data / "build" / "manifest.json"
    if args.regenerate or not generate.is_current(data, scale):
        generate.generate(scale, data)
    result: dict[str, object] = {"scale": scale, "triples": json.loads(manifest.read_text())["triples"]}
    if scale <= args.shacl_max:
        result["shacl"] = shacl_seconds(data / "project", 3 if scale <= 10 else 1)  # ×100: 5 minutes a run
    result["oxigraph_load_s"] = round(servers.oxigraph_load(data, data / "cscip-kg.nq"), 3)
    mix = Mix.from_build(data / "build")
    measured: dict[str, object] = {}
    for name in args.servers:
        if name == "rdflib-endpoint" and scale > args.rdflib_max:
            continue
        running = Running(name, data, mix, args)
        try:
            measured[name] = measure(running, args)
        finally:
            running.stop()
        measured[name]["peak_memory"] = {key: max(p[key] for p in running.peaks) for key in ("rss_mib", "pss_mib")}  # type: ignore[index]
        print(f"x{scale} {name}: done", file=sys.stderr, flush=True)
    result["servers"] = measured
    result["rows_agree"] = agreement(measured)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--servers", nargs="+", default=list(servers.SERVERS), choices=servers.SERVERS)
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per query for latency")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds at most per latency measurement")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per throughput measurement")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds after which a request counts as timed out")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--shacl-max", type=int, default=100, help="largest scale to time SHACL validation at")
    parser.add_argument("--rdflib-max", type=int, default=100, help="largest scale to run rdflib-endpoint at")
    parser.add_argument("--start-limit", type=float, default=900.0, help="seconds a server may take to answer")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if it is there")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "bench.json")
    args = parser.parse_args()
    started = datetime.now(UTC)
    run: dict[str, Any] = {"date": started.isoformat(timespec="seconds"), "command": " ".join(sys.argv[1:]),
                           "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                       "platform": platform.platform(), "processor": report.cpu_model()},
                           "settings": {k: v for k, v in vars(args).items() if k != "out"} | {"out": None}, "scales": []}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for scale in args.scales:  # written after each scale, so a long run that fails later keeps what it measured
        run["scales"].append(run_scale(scale, args))
        run["targets"] = report.targets(run)
        args.out.write_text(json.dumps(run, indent=2, default=str) + "\n", encoding="utf-8")
    print(report.markdown(run))


if __name__ == "__main__":
    main()
