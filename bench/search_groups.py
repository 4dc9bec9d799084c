"""Prototype, measured not shipped: a search's counts and first hits per kind from a trigram index over groups.

    python bench/search_groups.py /tmp/cscip-bench2/100/build [--distinct] [--repeat 5]

Why: at ×100 with distinct names (bench/search.py --distinct) a common word matches ~33,000 groups, and
SearchDB.search scores every matching name, groups them and counts them in SQL (~1.5 µs a match), so
"council" costs ~50 ms CPU. Here each group is one row of an FTS5 trigram table (its names' squashed keys
joined by spaces, which no squashed query holds, so no match spans two names), its rowid the group's place
in (kind, label) order. Then a kind's number of matching groups is one rowid-bounded MATCH, and its first
groups in label order the first rowids: no step visits a row per match outside FTS5. A second table holds
labels only (a label's match scores 3 more). This measures those steps against the current search; the
index as written by bench/search.py is extended in a temporary folder (bench data stays read only).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE)]

from search import distinct  # noqa: E402

from cscip_kg.namespaces import BASE  # noqa: E402
from cscip_kg.opened import embedded  # noqa: E402
from cscip_kg.search_db import SEARCH_FILE, Found, SearchDB, read_names, words, write_entries  # noqa: E402

QUERIES = ("council", "the", "round 2", "mockingbird", "councl", "mokingbird")

# Groups renumbered in (kind, label) order; each group's keys, and its label's, in a contentless trigram table.
_GROUPS = """
  CREATE TABLE gmap(id INTEGER PRIMARY KEY, grp INTEGER, kind TEXT, size INTEGER);
  INSERT INTO gmap(grp, kind, size) SELECT id, kind, size FROM grp ORDER BY kind, sort_label, id;
  CREATE VIRTUAL TABLE gall USING fts5(keys, content='', tokenize='trigram');
  INSERT INTO gall(rowid, keys) SELECT m.id, (SELECT group_concat(f.key, ' ') FROM grp_form gf JOIN form f ON f.id = gf.form
    WHERE gf.grp = m.grp) FROM gmap m;
  CREATE VIRTUAL TABLE glabel USING fts5(keys, content='', tokenize='trigram');
  INSERT INTO glabel(rowid, keys) SELECT m.id, (SELECT group_concat(f.key, ' ') FROM grp_form gf JOIN form f ON f.id = gf.form
    WHERE gf.grp = m.grp AND gf.is_label) FROM gmap m;
  CREATE TABLE gword(word TEXT, gid INTEGER, PRIMARY KEY (word, gid)) WITHOUT ROWID;
  INSERT OR IGNORE INTO gword SELECT fw.word, m.id FROM gmap m JOIN grp_form gf ON gf.grp = m.grp JOIN form_word fw ON fw.form = gf.form;"""


def least(repeat: int, step: Callable[[], object]) -> float:
    """Least CPU of ``repeat`` calls, in ms."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        step()
        best = min(best, time.process_time() - started)
    return round(best * 1000, 2)


def per_kind(db: sqlite3.Connection, kinds: list[tuple[str, int, int]], table: str, query: str, first: int) -> int:
    """Matching groups of each kind (one bounded MATCH each) and the first ``first`` of each in label order."""
    total, phrase = 0, f'"{query}"'
    for _kind, low, high in kinds:
        bounds = (phrase, low, high)
        total += db.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ?", bounds).fetchone()[0]
        db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid LIMIT ?",
                   (*bounds, first)).fetchall()
    return total


def by_word(db: sqlite3.Connection, kinds: list[tuple[str, int, int]], query: str) -> int:
    """Groups of each kind holding a word that contains the query, one index range per (word, kind): what a word
    table gives for matches inside one word (a group with two such words counted twice; across words not found)."""
    found = db.execute("SELECT word FROM vocabulary WHERE instr(word, ?)", (query,)).fetchall()
    return sum(db.execute("SELECT count(*) FROM gword WHERE word = ? AND gid BETWEEN ? AND ?", (word, low, high)).fetchone()[0]
               for (word,) in found for _kind, low, high in kinds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build", type=Path, help="a build folder with its store (bench/generate.py OUT: OUT/build)")
    parser.add_argument("--distinct", action="store_true", help="make every copy's names its own (bench/search.py)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per step; the least CPU is kept")
    args = parser.parse_args()
    entries = read_names(embedded(args.build, "bench", BASE))
    if args.distinct:
        distinct(entries)
    with tempfile.TemporaryDirectory(prefix="cscip-search-groups-") as folder:
        index = Path(folder) / SEARCH_FILE
        write_entries(entries, index, BASE)
        before = index.stat().st_size
        db = sqlite3.connect(index)
        started = time.process_time()
        db.executescript(_GROUPS)
        db.commit()
        print(f"group tables: {time.process_time() - started:.2f} s CPU, {before / 2**20:.0f} → {index.stat().st_size / 2**20:.0f} MiB")
        kinds = db.execute("SELECT kind, MIN(id), MAX(id) FROM gmap GROUP BY kind").fetchall()
        search = SearchDB(index)
        print(f"{'query':14s} {'search ms':>10s} {'all ms':>8s} {'label ms':>9s} {'words ms':>9s} "
              f"{'groups':>8s} {'label':>8s} {'by word':>8s} {'total':>8s}")
        for text in QUERIES:
            query = "".join(words(text))
            steps: list[Callable[[], object]] = [
                partial(search.search, text), partial(per_kind, db, kinds, "gall", query, 21),
                partial(per_kind, db, kinds, "glabel", query, 21), partial(by_word, db, kinds, query)]
            found, groups, labels, in_words = (step() for step in steps)
            assert isinstance(found, Found)
            cpu = " ".join(f"{least(args.repeat, step):9.2f}" for step in steps)
            print(f"{text:14s} {cpu} {groups:8d} {labels:8d} {in_words:8d} {found.total:8d}")
        search.close()
        db.close()


if __name__ == "__main__":
    main()
