"""Markdown tables, with targets judged, from the JSON that pages.py, named.py, lineage_api.py and startup.py wrote.

    python bench/summary.py bench/results/pages-x1.json bench/results/named-x1.json ...

Each file is recognised by its content. A page type's ×100 ÷ ×1 ratio ("page cost follows the
entity", issue 18) is printed when a pages file of each scale is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PAGE_TARGET = {1: 20.0, 100: 50.0}  # ms, issue 16 (search: 20 ms at ×100)


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def pages(run: dict[str, Any]) -> list[str]:
    scale = run["scale"]
    target = PAGE_TARGET.get(scale)
    lines = [f"Pages at ×{scale} ({run['triples']:,} triples), {run['date']}, {run['requests']} requests per type, "
             f"load average {run['load_average'][0][0]:.1f} → {run['load_average'][1][0]:.1f}", "",
             "| page type | p50 (ms) | p95 (ms) | server CPU p50 (ms) | target | verdict |", "|---|---|---|---|---|---|"]
    for kind, entry in run["pages"].items():
        limit = 20.0 if kind == "search" else target
        judged = verdict(entry["p50_ms"] <= limit) if limit else "–"
        shown = f"≤ {limit:g} ms" if limit else "–"
        lines.append(f"| {kind} | {entry['p50_ms']} | {entry['p95_ms']} | {entry['cpu_p50_ms']} | {shown} | {judged} |")
    return lines


def named(run: dict[str, Any]) -> list[str]:
    lines = [f"Named queries at ×{run['scale']} ({run['triples']:,} triples), {run['date']}, {run['requests']} requests "
             f"each, alternately; load average {run['load_average'][0][0]:.1f} → {run['load_average'][1][0]:.1f}", "",
             "| query | rows | cscip-kg p50 (ms) | Oxigraph p50 (ms) | ratio | cscip-kg CPU (ms) | Oxigraph CPU (ms) | "
             "max(1.5×, +1 ms): wall | on CPU |", "|---|---|---|---|---|---|---|---|---|"]
    for name, entry in run["queries"].items():
        if "refused" in entry:
            lines.append(f"| {name} | – | {entry['refused'][:120]} | | | | | **missed** | |")
            continue
        ours, peer = entry["cscip-kg"], entry["oxigraph"]
        ratio = ours["p50_ms"] / max(peer["p50_ms"], 0.001)
        lines.append(f"| {name} | {ours['rows']} | {ours['p50_ms']} | {peer['p50_ms']} | {ratio:.2f}× | "
                     f"{ours['cpu_p50_ms']} | {peer['cpu_p50_ms']} | {verdict(entry['met']['wall'])} | "
                     f"{verdict(entry['met']['cpu'])} |")
    return lines


def lineage(run: dict[str, Any]) -> list[str]:
    lines = []
    for scale in run["scales"]:
        target = {1: 3.0, 100: 10.0}.get(scale["scale"])
        lines += [f"Lineage API at ×{scale['scale']}, {run['date']}, {run['requests']} requests per model and server, "
                  f"load average {scale.get('load_average', ['?'])[0]}: {scale['models']} models; cscip-kg p50 median "
                  f"{scale['median_p50_ms']} ms, worst {scale['worst_p50_ms']} ms; Oxigraph median "
                  f"{scale['oxigraph_median_p50_ms']} ms; ratio median {scale['median_ratio']}×, worst "
                  f"{scale['worst_ratio']}×. Target ≤ {target} ms: "
                  f"{verdict(scale['worst_p50_ms'] <= target) if target else '–'}"
                  + (f"; ≤ 1.5× Oxigraph: {verdict(scale['worst_ratio'] <= 1.5)}" if scale["scale"] == 100 else ""), ""]
    return lines


def page_cost(runs: dict[int, dict[str, Any]]) -> list[str]:
    small, large = runs[1]["pages"], runs[100]["pages"]
    lines = ["| page type | ×1 p50 (ms) | ×100 p50 (ms) | ratio | ≤ 2×: verdict | CPU ratio |", "|---|---|---|---|---|---|"]
    for kind in small:
        if kind in large:
            ratio = large[kind]["p50_ms"] / small[kind]["p50_ms"]
            cpu = large[kind]["cpu_p50_ms"] / max(small[kind]["cpu_p50_ms"], 0.01)
            lines.append(f"| {kind} | {small[kind]['p50_ms']} | {large[kind]['p50_ms']} | {ratio:.2f}× | "
                         f"{verdict(ratio <= 2)} | {cpu:.2f}× |")
    return lines


def main() -> None:
    page_runs: dict[int, dict[str, Any]] = {}
    for path in sys.argv[1:]:
        run = json.loads(Path(path).read_text(encoding="utf-8"))
        if "pages" in run:
            page_runs[run["scale"]] = run
            print("\n".join(pages(run)), end="\n\n")
        elif "queries" in run:
            print("\n".join(named(run)), end="\n\n")
        elif "scales" in run:
            print("\n".join(lineage(run)), end="\n\n")
    if 1 in page_runs and 100 in page_runs:
        print("\n".join(page_cost(page_runs)))


if __name__ == "__main__":
    main()
