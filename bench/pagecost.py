"""Page cost follows the entity, not the graph (issue 18 item 3): each page type's SPARQL queries, ×1 against ×100.

    python bench/pagecost.py /tmp/cscip-bench/x1/build /tmp/cscip-bench/x100/build [--entities 6] [--repeat 3]

Builds the app in this process on each build folder (no answer cache, one query worker, which pages never
use) and requests every page type — entity pages (model, organisation, programme, round, strand,
project, grant, report, theme, source), the lineage page, the browse
pages, home and search — for the same entities at both scales (copy 0 of bench/generate.py's data is the
real graph, so its IRIs are the ×1 IRIs). The engine is hooked to record every query a page runs: the
query is evaluated once more, its rows read to the end (pyoxigraph evaluates lazily, as the rows are
read), and that evaluation's CPU time recorded; the page gets a fresh evaluation, so nothing it shows
changes. Page CPU is measured on a separate, unhooked request. Each figure is the best of ``--repeat``.

What a page computes once per build on first use (``cache.per_build``: listings, spread, search index)
is filled by a warm-up request per page type first and reported apart: it is the build's cost, not the
page's. The named queries are read from this checkout's queries/ (``--build-queries``: the build's own),
so a query fixed here is measured on older generated data.

Prints, per page type, the query CPU at each scale (sum over the same entities), the ratio, page CPU,
and the slowest queries at the large scale; exits 1 when a page type's queries cost more than
``--limit`` (2) times as much at the large scale as at the small one.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from cscip_kg.engine import Prepared, QueryResult  # noqa: E402
from cscip_kg.layout import QUERIES_FOLDER  # noqa: E402
from cscip_kg.namespaces import CSCIP_NS, ID_BASE  # noqa: E402

# Entity pages by class (exact rdf:type; rounds and strands are typed as such, not as Programme).
CLASSES = {"model": "PracticeModel", "programme": "Programme", "round": "FundingRound", "strand": "Strand",
           "project": "Project", "grant": "Grant", "report": "EvaluationReport", "theme": "Theme",
           "source": "SourceDocument"}
BROWSE = ("models", "projects", "grants", "organisations", "reports", "programmes", "themes")
SEARCHES = ("mokingbird", "FDAC", "NWD", "SFPC", "Herts", "Leeds council", "family safeguarding", "council")
# Entities a page type must include whatever the spacing picks: the heaviest ones known.
ALWAYS = {"programme": ["programme/sfpc"], "model": ["model/family-safeguarding"], "organisation": ["organisation/walsall"],
          "source": ["source/dfe-insights-2021"], "lineage": ["model/family-safeguarding"]}
FLOOR_MS = 0.05  # below this a page runs no query worth judging; its ratio is not checked


@dataclasses.dataclass
class Query:
    text: str
    cpu_ms: float
    rows: int


class Recorder:
    """Wraps an engine's ``query``: while ``on``, each query is also evaluated to the end and timed."""

    def __init__(self, engine: Any) -> None:
        self.original: Callable[[Prepared], QueryResult] = engine.query
        self.on = False
        self.queries: list[Query] = []
        engine.query = self.query  # the instance attribute shadows the method; nothing else changes

    def query(self, prepared: Prepared) -> QueryResult:
        if self.on:
            started = time.thread_time()
            rows = _drain(self.original(prepared))
            self.queries.append(Query(prepared.text, (time.thread_time() - started) * 1000, rows))
        return self.original(prepared)

    @contextmanager
    def recording(self) -> Iterator[list[Query]]:
        self.queries, self.on = [], True
        try:
            yield self.queries
        finally:
            self.on = False


def _drain(result: QueryResult) -> int:
    if isinstance(result, ox.QueryBoolean):
        return 1
    return sum(1 for _ in result)


def pick(found: list[str], count: int, always: list[str]) -> list[str]:
    """``count`` of ``found`` evenly spaced (all when there are fewer), plus ``always`` where present, in order."""
    stride = max(1, len(found) // max(count, 1))
    chosen = found[::stride][:count]
    return chosen + [item for item in always if item in found and item not in chosen]


def entities(store: ox.Store) -> dict[str, list[str]]:
    """Kind → sorted ``kind/slug`` of every entity of it in ``store`` (the small build: its IRIs exist in both)."""
    found: dict[str, list[str]] = {}
    for kind, cls in CLASSES.items():
        rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{CSCIP_NS}{cls}> }}")
        assert isinstance(rows, ox.QuerySolutions)
        found[kind] = sorted(r["s"].value[len(ID_BASE):] for r in rows if r["s"].value.startswith(ID_BASE))  # type: ignore[union-attr]
    rows = store.query(f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID_BASE}organisation/")) }}')
    assert isinstance(rows, ox.QuerySolutions)
    found["organisation"] = sorted(r["s"].value[len(ID_BASE):] for r in rows)  # type: ignore[union-attr]
    return found


def workload(found: dict[str, list[str]], count: int) -> dict[str, list[str]]:
    """Page type → the paths requested for it."""
    paths = {kind: ["/id/" + e for e in pick(found[kind], count, ALWAYS.get(kind, []))]
             for kind in (*CLASSES, "organisation")}
    paths["lineage"] = ["/lineage/" + e for e in pick(found["model"], count, ALWAYS["lineage"])]
    paths.update({f"browse {name}": [f"/{name}/"] for name in BROWSE})
    paths["home"] = ["/"]
    paths["search"] = [f"/search?q={quote(words)}" for words in SEARCHES]
    return paths


@contextmanager
def opened(build: Path, checkout_queries: bool) -> Iterator[tuple[Any, Recorder]]:
    """The app on ``build`` (no answer cache), its engine hooked; its query worker stopped afterwards.

    With ``checkout_queries`` it serves a folder of links to the build's files with this checkout's
    queries/ beside them (the build itself is never written to).
    """
    from cscip_kg.server import create_app
    from cscip_kg.server.context import EXTENSION, POOL

    with tempfile.TemporaryDirectory(prefix="cscip-kg-pagecost-") as scratch:
        folder = overlay(build, Path(scratch)) if checkout_queries else build
        app = create_app({"build": str(folder), "workers": 1, "cache_mb": 0})
        try:
            yield app, Recorder(app.extensions[EXTENSION].engine)
        finally:
            app.extensions[POOL].close()


def overlay(build: Path, scratch: Path) -> Path:
    """``scratch``/build: a link to each file of ``build`` but queries/, which is a copy of this checkout's."""
    folder = scratch / "build"
    folder.mkdir()
    for entry in build.resolve().iterdir():
        if entry.name != QUERIES_FOLDER:
            (folder / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "queries", folder / QUERIES_FOLDER)
    return folder


def request(client: Any, path: str) -> float:
    """Thread CPU (ms) of one GET; anything but 200 stops the run (a page that fails has no cost to compare)."""
    started = time.thread_time()
    answer = client.get(path, headers={"Accept": "text/html"})
    spent = (time.thread_time() - started) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"GET {path} answered {answer.status_code}: {answer.get_data(as_text=True)[:300]}")
    return spent


def measure_page(client: Any, recorder: Recorder, path: str, repeat: int) -> dict[str, Any]:
    """Best-of-``repeat`` page CPU and per-query CPU of one path (its queries matched by position)."""
    page = min(request(client, path) for _ in range(repeat))
    runs = []
    for _ in range(repeat):
        with recorder.recording() as queries:
            request(client, path)
        runs.append(queries)
    best = [min(run[i].cpu_ms for run in runs) for i in range(len(runs[0]))]
    queries = [{"cpu_ms": round(ms, 3), "rows": q.rows, "text": q.text} for ms, q in zip(best, runs[0], strict=True)]
    return {"page_cpu_ms": round(page, 3), "query_cpu_ms": round(sum(best), 3), "queries": queries}


def measure(build: Path, paths: dict[str, list[str]], repeat: int, checkout_queries: bool) -> dict[str, Any]:
    """Per page type: the first request (per-build caches filled) and each path's page and query CPU."""
    result: dict[str, Any] = {}
    with opened(build, checkout_queries) as (app, recorder):
        client = app.test_client()
        for kind, options in paths.items():
            with recorder.recording() as first:
                request(client, options[0])
            result[kind] = {"first_query_cpu_ms": round(sum(q.cpu_ms for q in first), 3), "paths": {}}
        for kind, options in paths.items():
            for path in options:
                result[kind]["paths"][path] = measure_page(client, recorder, path, repeat)
            print(f"  {kind:22} {sum(p['query_cpu_ms'] for p in result[kind]['paths'].values()):10.2f} ms of queries",
                  file=sys.stderr)
    return result


def totals(entry: dict[str, Any]) -> tuple[float, float]:
    """Query CPU and page CPU of a page type, summed over its paths."""
    pages = entry["paths"].values()
    return sum(p["query_cpu_ms"] for p in pages), sum(p["page_cpu_ms"] for p in pages)


def compare(small: dict[str, Any], large: dict[str, Any], limit: float) -> tuple[list[str], list[str]]:
    """A Markdown table of each page type at both scales, and the page types over ``limit``."""
    lines = ["| page type | pages | queries ×1 (ms) | queries ×N (ms) | ratio | page CPU ×1 (ms) | page CPU ×N (ms) "
             "| page ratio | first use ×N (ms) | verdict |", "|---|---|---|---|---|---|---|---|---|---|"]
    over = []
    for kind, entry in small.items():
        (q1, p1), (qn, pn) = totals(entry), totals(large[kind])
        judged = q1 >= FLOOR_MS * len(entry["paths"])
        ratio = qn / q1 if judged else None
        failed = ratio is not None and ratio > limit
        if failed:
            over.append(kind)
        verdict = "–" if ratio is None else ("**over**" if failed else "ok")
        lines.append(f"| {kind} | {len(entry['paths'])} | {q1:.2f} | {qn:.2f} | {'–' if ratio is None else f'{ratio:.2f}×'} | "
                     f"{p1:.1f} | {pn:.1f} | {pn / max(p1, 0.001):.2f}× | {large[kind]['first_query_cpu_ms']:.1f} | {verdict} |")
    return lines, over


def slowest(large: dict[str, Any], small: dict[str, Any], count: int) -> list[str]:
    """The ``count`` costliest queries at the large scale, with their ×1 time, page and first line."""
    found = []
    for kind, entry in large.items():
        for path, page in entry["paths"].items():
            before = small[kind]["paths"][path]["queries"]
            for index, query in enumerate(page["queries"]):
                then = before[index]["cpu_ms"] if index < len(before) else float("nan")
                found.append((query["cpu_ms"], then, kind, path, index, query))
    found.sort(key=lambda item: -item[0])
    return [f"{ms:9.2f} ms (×1 {then:7.2f}) {kind:20} {path} #{index} rows {q['rows']}: {_gist(q['text'])}"
            for ms, then, kind, path, index, q in found[:count]]


def _gist(text: str) -> str:
    words = " ".join(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith(("#", "PREFIX")))
    return words[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("small", type=Path, help="the ×1 build folder (bench/generate.py --scale 1 OUT: OUT/build)")
    parser.add_argument("large", type=Path, help="the ×N build folder of the same data")
    parser.add_argument("--entities", type=int, default=6, help="entities per page type (evenly spaced, plus the heaviest known)")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page; the best is kept")
    parser.add_argument("--limit", type=float, default=2.0, help="largest allowed ratio of query CPU, ×N ÷ ×1")
    parser.add_argument("--slowest", type=int, default=15, help="how many of the costliest ×N queries to print")
    parser.add_argument("--build-queries", action="store_true", help="run the builds' own named queries, not this checkout's")
    parser.add_argument("--skip", nargs="*", default=[], metavar="TYPE", help="page types to leave out (e.g. 'browse reports')")
    parser.add_argument("--out", type=Path, help="write every measurement as JSON here")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.small / "store"))
    paths = {kind: found for kind, found in workload(entities(store), args.entities).items() if kind not in args.skip}
    del store
    figures = {}
    for name, build in (("small", args.small), ("large", args.large)):
        print(f"{name}: {build}", file=sys.stderr)
        figures[name] = measure(build, paths, args.repeat, not args.build_queries)
    lines, over = compare(figures["small"], figures["large"], args.limit)
    print("\n".join(lines))
    print("\nCostliest queries at the large scale (best of each):")
    print("\n".join(slowest(figures["large"], figures["small"], args.slowest)))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if over:
        print(f"\nover {args.limit:g}×: {', '.join(over)}")
        sys.exit(1)
    print(f"\nevery page type within {args.limit:g}× (median page CPU ×N: "
          f"{statistics.median(p['page_cpu_ms'] for e in figures['large'].values() for p in e['paths'].values()):.1f} ms)")


if __name__ == "__main__":
    main()
