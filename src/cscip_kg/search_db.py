"""The search index as /search reads it: a page of hits, the total and the count of each kind.

The index (written by search_write.py) holds every labelled entity with its kind, a short
description and all its names, pre-normalised (search_text.py). Names are stored once per
distinct spelling (a ``form``), and entities whose kind, label and names are all the same share one
group. A search takes, for each of score_name's tiers, the set of groups with a name in it (and
with its label in it), from sets stored per word and per pair of adjacent words (search_sets.py);
each group scores the highest of its sets, and the counts and the page come from those sets as
Python integers (search_groups.py), without visiting each match: "council" matches 33,000 groups
at ×100 with distinct names. Misspellings ("mokingbird") take the sets of the words and name starts
difflib finds close (which SQL cannot compute). Python then reads only the page's entities and
names, so its work follows the page and the query's words, not the number of names that match."""

from __future__ import annotations

import functools
import itertools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cscip_kg import search_sql
from cscip_kg.layout import open_read_only
from cscip_kg.search_groups import Group, Layout
from cscip_kg.search_sets import Sets
from cscip_kg.search_text import (
    GENERIC,
    KIND_LABELS,
    KIND_WEIGHT,
    close_ratio,
    score_name,
    words,
)
from cscip_kg.search_write import SEARCH_FORMAT

SEARCH_FILE = "search.sqlite"
OTHER_WEIGHT = -5  # a kind KIND_WEIGHT does not name
__all__ = ["KIND_LABELS", "SEARCH_FILE", "Found", "Hit", "OutdatedIndex", "SearchDB"]


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    kind: str
    description: str
    score: float
    matched: str  # the name that matched, when it is not the label


@dataclass
class Found:
    hits: list[Hit]  # the page asked for
    total: int  # every match of the kind asked for
    kinds: list[tuple[str, int]]  # (kind, matches) over all kinds


class OutdatedIndex(Exception):
    """The build's search index was written by a version of cscip-kg that laid it out differently."""


# Letters of a query that are searched: the sets build SQL terms per split point of the query, so a long one (a
# character like "㎯" normalises to five letters) once ran past SQLite's limit of terms and failed with a 500.
MAX_LETTERS = 100


def _capped(query_words: list[str]) -> list[str]:
    """The query's first words, cut to MAX_LETTERS letters in all."""
    kept: list[str] = []
    left = MAX_LETTERS
    for word in query_words:
        if left <= 0:
            break
        kept.append(word[:left])
        left -= len(kept[-1])
    return kept


class SearchDB:
    """Read-only access to a build's search index; safe to share between a server's threads."""

    def __init__(self, path: Path) -> None:
        self._db = open_read_only(path, immutable=False)
        self._lock = threading.Lock()
        found = self._db.execute("PRAGMA user_version").fetchone()[0]
        if found != SEARCH_FORMAT:
            self._db.close()
            raise OutdatedIndex(f"{path.name} is a search index of format {found}; this version of cscip-kg reads format "
                                f"{SEARCH_FORMAT}: rebuild it with `cscip-kg build`")
        self._layout = Layout(self._db, KIND_WEIGHT, OTHER_WEIGHT)
        self._sets = Sets(self._db, self._layout)

    def close(self) -> None:
        self._db.close()

    def search(self, text: str, kind: str | None = None, page: int = 1, size: int = 20) -> Found:
        all_words = words(text)
        meaningful = [w for w in all_words if w not in GENERIC]
        query_words = _capped(meaningful or all_words)
        query = "".join(query_words)
        if not query:
            return Found([], 0, [])
        offset = (page - 1) * size
        with self._lock:
            scoring: tuple[str, dict[str, Any]] | None = search_sql.score_expression(query, query_words)
            counts, groups = self._layout.ranked(self._sets.tiers(query, query_words), kind, offset + size)
            if not counts and len(query) >= 4:  # nothing spelled so: look for what it may be a misspelling of
                scoring = None
                counts, groups = self._layout.ranked(self._sets.misspelt(query, query_words), kind, offset + size)
            rows = self._page(groups, offset, size)
            matched = self._matched(sorted({group for *_, group in rows}), scoring, query, query_words) if rows else {}
        by_id = {g.id: g for g in groups}
        hits = [Hit(iri, label, by_id[group].kind, description, by_id[group].score, matched[group])
                for iri, label, description, group in rows]
        order = sorted(counts.items(), key=lambda kv: (-KIND_WEIGHT.get(kv[0], OTHER_WEIGHT), -kv[1], kv[0]))  # things before records
        return Found(hits, sum(n for k, n in counts.items() if kind in (None, k)), order)

    def _page(self, groups: list[Group], offset: int, size: int) -> list[tuple[str, str, str, int]]:
        """Entities ``offset`` to ``offset + size`` of the ranked groups: within a block of equal score and label, by IRI."""
        blocks: list[tuple[list[int], int, int]] = []  # (groups, first, how many) for each block of tied groups the page overlaps
        start, end = 0, offset + size
        for _key, tied in itertools.groupby(groups, key=lambda g: (g.score, g.label_rank)):
            members = list(tied)
            count = sum(g.size for g in members)
            if start + count > offset:
                first = max(offset - start, 0)
                blocks.append(([g.id for g in members], first, min(count, end - start) - first))
            start += count
            if start >= end:
                break
        if not blocks:
            return []
        # One statement, one index range per block; the block number and the entry's number give the order back.
        sql = " UNION ALL ".join(f"SELECT * FROM (SELECT {number}, e.id, e.iri, e.label, e.description, e.grp FROM entry e "
                                 f"WHERE e.grp IN ({','.join('?' * len(ids))}) ORDER BY e.id LIMIT ? OFFSET ?)"
                                 for number, (ids, _first, _take) in enumerate(blocks))
        rows = sorted(self._db.execute(sql, [value for ids, first, take in blocks for value in (*ids, take, first)]))
        return [(iri, label, description, group) for _block, _id, iri, label, description, group in rows]

    def _matched(self, groups: list[int], scoring: tuple[str, dict[str, Any]] | None, query: str, query_words: list[str]
                 ) -> dict[int, str]:
        """The name each group was found by, when it is not the label: its best, the first in name order on a tie. Names
        are scored by ``scoring`` (score_name's tiers as SQL, with its parameters), or for a misspelling by score_name."""
        expression, params = scoring or ("0", {})
        sql = search_sql.NAMES.format(expression=expression, groups=",".join(map(str, groups)))
        best: dict[int, tuple[float, str]] = {}
        similar = functools.lru_cache(maxsize=None)(close_ratio)  # the page's names share words ("council"): compare each once
        for group, name, hidden, is_label, key, name_words, acronyms, score in self._db.execute(sql, params):
            if scoring is None:
                score = score_name(query, query_words, key, name_words.split(), set(acronyms.split()), True, similar)
            if score and (group not in best or score + 3 * is_label > best[group][0]):
                best[group] = (score + 3 * is_label, "" if is_label or hidden else name)
        return {group: name for group, (_score, name) in best.items()}
