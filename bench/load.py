"""Bounded load test: N concurrent clients for S seconds of mixed queries and pages against `cscip-kg serve`.

    python bench/load.py [--clients 16] [--seconds 60] [--build build] [--out bench/results/load.json]

Starts the server on a free loopback port over a build (run `cscip-kg build` first),
keeps every client on one keep-alive connection, and reports requests, errors, p50/p95/p99
latency per kind of request, and the resident memory of the server and its query workers
sampled every second (first and last tenth of the run, to show whether it stays flat).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cscip_kg.queries import load_catalogue  # noqa: E402

PAGES = ["/", "/id/model/family-safeguarding", "/id/project/family-safeguarding", "/id/programme/sfpc",
         "/id/organisation/leeds", "/def/Project", "/download/"]
DATA = ["/id/model/no-wrong-door.ttl", "/id/grant/round-1-hertfordshire.jsonld", "/.well-known/void"]


def requests_mix(build: Path) -> list[tuple[str, str, str]]:
    """(kind, path, Accept) triples the clients pick from at random."""
    mix = [("page", path, "text/html") for path in PAGES] + [("rdf", path, "*/*") for path in DATA]
    for name, query in sorted(load_catalogue(build / "queries").items()):
        text = urllib.parse.urlencode({"query": query.bind({})})
        mix.append((f"sparql:{name}", f"/sparql?{text}", "application/sparql-results+json"))
    return mix


def start_server(build: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen([sys.executable, "-m", "cscip_kg", "serve", "--build", str(build), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,  # waitress logs queue depth
                               env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert process.stdout is not None
    line = process.stdout.readline()
    if " at http://" not in line:
        process.kill()
        raise SystemExit(f"server did not start: {line!r}")
    return process, int(line.rsplit(":", 1)[1].strip().strip("/"))


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its children (the query workers), in MiB."""
    total, pids = 0, [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def client(port: int, mix: list[tuple[str, str, str]], stop: float, seed: int, out: list[tuple[str, float, int]]) -> None:
    chooser = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        kind, path, accept = chooser.choice(mix)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": accept})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        out.append((kind, time.perf_counter() - started, status))
    connection.close()


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def summarise(samples: list[tuple[str, float, int]], memory: list[float], args: argparse.Namespace) -> dict[str, object]:
    def figures(latencies: list[float]) -> dict[str, float]:
        return {"n": len(latencies), **{f"p{q}_ms": round(percentile(latencies, q) * 1000, 2) for q in (50, 95, 99)}}

    kinds = sorted({kind for kind, _l, _s in samples})
    tenth = max(1, len(memory) // 10)
    return {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "clients": args.clients, "seconds": args.seconds, "requests": len(samples),
        "throughput_rps": round(len(samples) / args.seconds, 1),
        "errors": sum(1 for _k, _l, status in samples if status != 200),
        "all": figures([latency for _k, latency, _s in samples]),
        "by_kind": {kind: figures([lat for k, lat, _s in samples if k == kind]) for kind in kinds},
        "memory_mib": {"first_tenth": round(statistics.mean(memory[:tenth]), 1), "last_tenth": round(statistics.mean(memory[-tenth:]), 1),
                       "peak": round(max(memory), 1)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()
    process, port = start_server(args.build.resolve())
    try:
        samples: list[tuple[str, float, int]] = []
        memory: list[float] = []
        stop = time.monotonic() + args.seconds
        mix = requests_mix(args.build)
        threads = [threading.Thread(target=client, args=(port, mix, stop, seed, samples)) for seed in range(args.clients)]
        for thread in threads:
            thread.start()
        while time.monotonic() < stop:
            memory.append(rss_mib(process.pid))
            time.sleep(1)
        for thread in threads:
            thread.join()
    finally:
        process.terminate()
        process.wait(10)
    report = summarise(samples, memory, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    if report["errors"]:
        raise SystemExit(f"{report['errors']} request(s) failed")


if __name__ == "__main__":
    main()
