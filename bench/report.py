"""The benchmark's tables (Markdown, for BENCHMARKS.md) and its targets, each with pass or miss."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

OURS, OX, RDFLIB = "cscip-kg", "oxigraph", "rdflib-endpoint"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "–"


def _p50(scale: dict[str, Any], server: str, query: str, kind: str) -> float | None:
    try:
        return float(scale["servers"][server]["latency"][query][kind]["p50_ms"])
    except KeyError:
        return None


def _rps(scale: dict[str, Any], server: str, workload: str, concurrency: int) -> float | None:
    """Answers (status 200) per second: a request that timed out or failed is no throughput."""
    try:
        entry = next(t for t in scale["servers"][server]["throughput"][workload] if t["concurrency"] == concurrency)
    except (KeyError, StopIteration):
        return None
    attempted = int(entry["requests"])
    return float(entry["rps"]) * (attempted - int(entry["errors"])) / attempted if attempted else 0.0


def _failures(scale: dict[str, Any], server: str, query: str, kind: str) -> int:
    """Requests of a latency measurement that got no 200 (errors, such as our 503 at the time budget, and timeouts)."""
    measured = scale["servers"][server]["latency"].get(query, {})
    entry = measured.get(kind) or measured.get("uncached", {})
    return int(entry.get("errors", 0)) + int(entry.get("timeouts", 0))


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def latency_table(scale: dict[str, Any]) -> list[str]:
    lines = ["| query | cscip-kg cached p50 | cscip-kg uncached p50 / p95 | Oxigraph p50 / p95 | rdflib-endpoint p50 | "
             "uncached ÷ Oxigraph | ÷ rdflib-endpoint | target |",
             "|---|---|---|---|---|---|---|---|"]
    servers = scale["servers"]
    for query in servers[OURS]["latency"]:
        ours = servers[OURS]["latency"][query]
        kind = "uncached"
        ox = servers.get(OX, {}).get("latency", {}).get(query, {}).get(kind)
        ours_p50 = _p50(scale, OURS, query, kind)
        ox_p50 = _p50(scale, OX, query, kind)
        target = "–" if ox_p50 is None or ours_p50 is None else ("pass" if ours_p50 <= max(1.5 * ox_p50, ox_p50 + 1) else "**miss**")
        lines.append(f"| {query} | {_fmt(_p50(scale, OURS, query, 'cached'))} | {_fmt(ours_p50)} / {_fmt(ours[kind]['p95_ms'])} | "
                     f"{_fmt(ox_p50)} / {_fmt(ox['p95_ms'] if ox else None)} | {_fmt(_p50(scale, RDFLIB, query, kind))} | "
                     f"{_ratio(ours_p50, ox_p50)} | {_ratio(ours_p50, _p50(scale, RDFLIB, query, kind))} | {target} |")
    return lines


def throughput_table(scale: dict[str, Any]) -> list[str]:
    lines = ["| workload | concurrency | cscip-kg req/s | Oxigraph req/s | rdflib-endpoint req/s | ÷ Oxigraph | ÷ rdflib-endpoint |",
             "|---|---|---|---|---|---|---|"]
    for workload in scale["servers"][OURS]["throughput"]:
        for entry in scale["servers"][OURS]["throughput"][workload]:
            c = entry["concurrency"]
            ours, ox, rdf = _rps(scale, OURS, workload, c), _rps(scale, OX, workload, c), _rps(scale, RDFLIB, workload, c)
            lines.append(f"| {workload} | {c} | {_fmt(ours, 1)} | {_fmt(ox, 1)} | {_fmt(rdf, 1)} | "
                         f"{_ratio(ours, ox)} | {_ratio(ours, rdf)} |")
    return lines


def summary_table(scale: dict[str, Any]) -> list[str]:
    lines = ["| server | cold start (s) | peak RSS (MiB) | peak PSS (MiB) | "
             "rows per query (headline, lineage, grants, themes, organisation, describe) |",
             "|---|---|---|---|---|"]
    for name, figures in scale["servers"].items():
        memory = figures.get("peak_memory", {})
        rows = ", ".join("timeout" if v is None else str(v) for v in figures["rows"].values())
        lines.append(f"| {name} | {figures['cold_start_s']:.2f} | {memory.get('rss_mib', 0):.0f} | "
                     f"{memory.get('pss_mib', 0):.0f} | {rows} |")
    return lines


def markdown(run: dict[str, Any]) -> str:
    machine = run["machine"]
    out = [f"Run {run['date']} on {machine['cpus']} CPUs ({machine['processor']}), Python {machine['python']}, {machine['platform']}.", ""]
    for scale in run["scales"]:
        shacl = scale.get("shacl")
        out += [f"### ×{scale['scale']} ({scale['triples']:,} triples)", ""]
        if shacl:
            runs = f", median of {shacl['runs']} runs" if shacl.get("runs", 1) > 1 else ""
            out += [f"Validation {shacl['validate_s']:.2f} s (its pyoxigraph parse {shacl['load_s']:.2f} s{runs}); "
                    f"Oxigraph bulk load {scale['oxigraph_load_s']:.2f} s.", ""]
        out += [*summary_table(scale), "", *latency_table(scale), "", *throughput_table(scale), ""]
    out += ["### Targets", "", "| target | figure | verdict |", "|---|---|---|"]
    out += [f"| {t['target']} | {t['figure']} | {'pass' if t['pass'] else '**miss**'} |" for t in run["targets"]]
    return "\n".join(out)


def targets(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the performance issue that this run's figures can check."""
    found: list[dict[str, Any]] = []
    by_scale = {s["scale"]: s for s in run["scales"]}
    for number, scale in by_scale.items():
        servers = scale["servers"]
        if OX in servers and OURS in servers:
            for kind in ("cached", "uncached"):
                for query in servers[OX]["latency"]:
                    ours, ox = _p50(scale, OURS, query, kind) or _p50(scale, OURS, query, "uncached"), _p50(scale, OX, query, kind) \
                        or _p50(scale, OX, query, "uncached")
                    if ours is None or ox is None:
                        continue
                    failed = _failures(scale, OURS, query, kind)
                    found.append({"target": f"×{number} {query} ({kind}) p50 ≤ max(1.5 × Oxigraph, Oxigraph + 1 ms)",
                                  "figure": f"{ours:.2f} ms vs {ox:.2f} ms ({ours / ox:.2f}×)"
                                            + (f"; {failed} not answered" if failed else ""),
                                  "pass": ours <= max(1.5 * ox, ox + 1) and not failed})
        if RDFLIB in servers:
            for workload, factor in (("mix", 10), ("lineage", 4)):
                for kind in ("cached", "uncached"):
                    ours, rdf = _rps(scale, OURS, f"{workload}/{kind}", 16), _rps(scale, RDFLIB, f"{workload}/{kind}", 16)
                    if ours is not None and rdf is not None:
                        ratio = f"{ours / rdf:.1f}×" if rdf else "rdflib-endpoint answered none: timeouts or errors"
                        found.append({"target": f"×{number} {workload} ({kind}) throughput at 16 ≥ {factor}× rdflib-endpoint",
                                      "figure": f"{ours:.1f} vs {rdf:.1f} req/s ({ratio})", "pass": ours > 0 and ours >= factor * rdf})
        if number == 1:
            start = servers[OURS]["cold_start_s"]
            found.append({"target": "×1 cold start ≤ 2 s", "figure": f"{start:.2f} s", "pass": start <= 2})
        if number == 1 and "shacl" in scale:
            seconds = scale["shacl"]["validate_s"]
            found.append({"target": "×1 SHACL validation ≤ 2 s", "figure": f"{seconds:.2f} s", "pass": seconds <= 2})
        if number == 100 and OX in servers:
            ours_m, ox_m = servers[OURS]["peak_memory"], servers[OX]["peak_memory"]
            for key in ("rss_mib", "pss_mib"):
                found.append({"target": f"×100 peak memory ({key[:3].upper()}) ≤ 2× Oxigraph",
                              "figure": f"{ours_m[key]:.0f} vs {ox_m[key]:.0f} MiB ({ours_m[key] / ox_m[key]:.2f}×)",
                              "pass": ours_m[key] <= 2 * ox_m[key]})
    timed = sorted((s["scale"], s["shacl"]["validate_s"]) for s in run["scales"] if "shacl" in s)
    if len(timed) > 1:
        (small, t_small), (large, t_large) = timed[0], timed[-1]
        growth = (t_large / t_small) / (large / small)
        found.append({"target": "SHACL time grows no worse than linearly",
                      "figure": f"×{small} {t_small:.2f} s → ×{large} {t_large:.2f} s (time ratio ÷ scale ratio = {growth:.2f})",
                      "pass": growth <= 1.2})
    return found


def main() -> None:
    """Print the tables of a saved run, judging the targets again with this code (``--write``: and save them)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("results", type=Path, nargs="?", default=Path(__file__).resolve().parent / "results" / "bench.json")
    parser.add_argument("--write", action="store_true", help="store the re-judged targets in the file")
    args = parser.parse_args()
    run = json.loads(args.results.read_text(encoding="utf-8"))
    run["targets"] = targets(run)
    if args.write:
        args.results.write_text(json.dumps(run, indent=2, default=str) + "\n", encoding="utf-8")
    print(markdown(run))


if __name__ == "__main__":
    main()
