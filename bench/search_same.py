"""Same answers as another checkout: every search case hit by hit, with totals and facets, before against after.

    python bench/search_same.py BUILD --before OLD_CHECKOUT [--distinct] [--whole]

Each side writes its own index from BUILD's store (into a temporary folder: bench data stays read only)
with its own code, in its own process, and answers the cases: the ranking test's queries and
bench/search.py's, pages 1, 2, 5 and 40 of 20, and the ranking test's kind filters (pages 1 and 2 of 7);
``--whole`` adds every query's whole list (one page of a million). A hit is compared by IRI, score, the
name that matched, label, kind and description. Exit status 1 when any case differs.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = [("council", "organisation"), ("mockingbird", "project"), ("family safeguarding", "adoption"), ("round 1", "award-date"),
         ("mokingbird", "finding"), ("council", "nothing")]


def cases(queries: list[str], whole: bool) -> list[tuple[str, str | None, int, int]]:
    found = [(text, None, page, 20) for text in queries for page in (1, 2, 5, 40)]
    found += [(text, kind, page, 7) for text, kind in KINDS for page in (1, 2)]
    return found + ([(text, None, 1, 10**6) for text in queries] if whole else [])


def ranking_queries() -> list[str]:
    """The ranking test's QUERIES, read from its source: importing it would import this checkout's cscip_kg."""
    tree = ast.parse((HERE.parent / "tests" / "server" / "test_search_ranking.py").read_text(encoding="utf-8"))
    found = next(node.value for node in tree.body if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "QUERIES")
    return list(ast.literal_eval(found))


def answer(src: Path, build: Path, distinct: bool, whole: bool, out: Path) -> None:
    """Runs in a child process whose cscip_kg is ``src``'s: writes every case's answer to ``out`` as JSON."""
    sys.path[:0] = [str(src), str(HERE)]
    import cscip_kg
    from cscip_kg.namespaces import BASE
    from cscip_kg.opened import embedded
    from cscip_kg.search_db import SEARCH_FILE, SearchDB
    from cscip_kg.search_write import read_names, write_entries

    # bench/search.py puts this checkout's src first: too late, cscip_kg is loaded, but it must stay ``src``'s.
    bench = importlib.import_module("search")
    assert Path(cscip_kg.__file__).resolve().parent.parent == src.resolve(), cscip_kg.__file__

    entries = read_names(embedded(build, "bench", BASE))
    if distinct:
        bench.distinct(entries)
    with tempfile.TemporaryDirectory(prefix="cscip-search-same-") as folder:
        index = Path(folder) / SEARCH_FILE
        started = time.process_time()
        write_entries(entries, index, BASE)
        written, size = time.process_time() - started, index.stat().st_size
        db = SearchDB(index)
        answers: dict[str, Any] = {}
        for text, kind, page, per_page in cases(list(dict.fromkeys([*ranking_queries(), *bench.QUERIES])), whole):
            found = db.search(text, kind, page, per_page)
            answers[json.dumps([text, kind, page, per_page])] = {
                "total": found.total, "kinds": found.kinds,
                "hits": [[h.iri, h.score, h.matched, h.label, h.kind, h.description] for h in found.hits]}
        db.close()
    out.write_text(json.dumps({"write_cpu_s": round(written, 2), "index_mib": round(size / 2**20, 1), "answers": answers}))


def run(src: Path, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, str(args.build), "--answer", str(src), "--out", str(out)]
    subprocess.run(command + ["--distinct"] * args.distinct + ["--whole"] * args.whole, check=True)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build", type=Path, help="a build folder with its store (bench/generate.py OUT: OUT/build)")
    parser.add_argument("--before", type=Path, help="another checkout of this project (git archive COMMIT | tar -x -C DIR)")
    parser.add_argument("--distinct", action="store_true", help="make every copy's names its own (bench/search.py)")
    parser.add_argument("--whole", action="store_true", help="also every query's whole list of hits")
    parser.add_argument("--answer", type=Path, help=argparse.SUPPRESS)  # the child: the src folder to answer with
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.answer:
        answer(args.answer, args.build, args.distinct, args.whole, args.out)
        return
    if not args.before:
        parser.error("give --before")
    with tempfile.TemporaryDirectory(prefix="cscip-search-same-") as folder:
        before = run(args.before / "src", args, Path(folder) / "before.json")
        after = run(HERE.parent / "src", args, Path(folder) / "after.json")
    differ = [case for case, found in before["answers"].items() if after["answers"].get(case) != found]
    for case in differ[:20]:
        print("differs:", case)
    print(f"{len(before['answers']) - len(differ)} of {len(before['answers'])} cases identical; index "
          f"{before['index_mib']} → {after['index_mib']} MiB, written in {before['write_cpu_s']} → {after['write_cpu_s']} s CPU")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
