"""Cold start and memory of `cscip-kg serve` against `oxigraph serve-read-only`, timed alternately in one run.

    python bench/startup.py bench/data/x100 --rounds 3

For each round, each server is launched over the same generated data (bench/generate.py;
the Oxigraph server over its RocksDB folder from bench/servers.oxigraph_load), and timed from
launch to its first answered DESCRIBE (wall, and the CPU the process tree had used by then);
then the first request of the home page (ours) and 20 uncached entity pages (ours: a nonce
per request), then the same 60 SPARQL requests on both (the throughput mix's queries, each with
ten values), then the PSS and RSS of the whole process tree (server and query workers). Alternating the two servers round by round puts
both under the same load, so on a shared machine the ratios mean more than the times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import client  # noqa: E402
import servers  # noqa: E402
from mix import Mix  # noqa: E402
from run import cold_start, first_request_ms  # noqa: E402


def timed(port: int, source, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Wall ms of ``count`` requests from ``source`` (see client.Source); any answer but 200 stops the run."""
    probe = client.Client(port)
    times = []
    for n in range(count):
        path, accept, body = source(n)
        started = time.perf_counter()
        answer = probe.get(path, accept, body)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status != 200:
            raise SystemExit(f"{path[:80]} answered {answer.status}")
    probe.close()
    return times


def pages_ms(port: int, mix: Mix, count: int) -> list[float]:
    return timed(port, mix.source("/sparql", False, "page", False), count)


WORKLOAD = 60  # requests: each of the mix's SPARQL queries ten times, each time with another value


def workload(server: servers.Server, mix: Mix) -> None:
    timed(server.port, mix.mix_source(server.path, server.needs_prologue, False), WORKLOAD)


def one_round(data: Path, mix: Mix) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    for name in ("cscip-kg", "oxigraph"):
        server = servers.launch(name, data)
        try:
            entry = {"cold_start_s": cold_start(server, mix, 300.0)}
            entry["cold_start_cpu_s"] = round(servers.tree_cpu(server.process.pid), 3)  # type: ignore[union-attr]
            if name == "cscip-kg":
                entry["home_first_ms"] = first_request_ms(server.port, "/")
                entry["page_p50_ms"] = round(statistics.median(pages_ms(server.port, mix, 20)), 2)
            # Memory is compared after both answered the same SPARQL (the mix's queries, each over several values):
            # right after start a server holds little, and Oxigraph's caches grow with the data its queries touch.
            workload(server, mix)
            rss, pss = servers.tree_memory(server.process.pid)  # type: ignore[union-attr]
            entry.update(rss_mib=round(rss, 1), pss_mib=round(pss, 1))
            figures[name] = entry
        finally:
            server.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a folder bench/generate.py wrote (bench/data/x100)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    servers.oxigraph_load(args.data, args.data / "cscip-kg.nq")
    mix = Mix.from_build(args.data / "build")
    rounds = [one_round(args.data, mix) for _ in range(args.rounds)]
    summary = {name: {key: statistics.median(r[name][key] for r in rounds) for key in rounds[0][name]} for name in rounds[0]}
    print(json.dumps({"rounds": rounds, "median": summary}, indent=2))


if __name__ == "__main__":
    main()
