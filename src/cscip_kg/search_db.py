"""The search index: written once by ``cscip-kg build`` into the build folder, read by /search.

An SQLite file (standard library) holds every labelled entity with its kind,
a short description and all its names, each pre-normalised (``squashed``:
lower-case ASCII run together; its words; its initials as acronyms). Names are
stored once per distinct spelling (a ``form``), and entities whose kind, label
and names are all the same share one ``grp`` (group).

A search is one SQL statement (search_sql.py): candidate forms come from the
acronym table, an FTS5 trigram index over the squashed names (substrings) and a
table of each form's words (word prefixes); each is scored by the tiers of
``score_name`` written as a CASE; each group takes its best name; the total and
per-kind counts are sums of group sizes, and the page is the first groups by
score and label. Python then reads only the page's entities and names, so its
work follows the page, not the number of names that match. Misspellings
("mokingbird") are scored in SQL too, from difflib's ratios (which SQL cannot
compute) worked out in Python over the distinct words and starts of names (a
few thousand at most), not over every name.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import json
import re
import sqlite3
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from cscip_kg import search_sql
from cscip_kg.backend import Backend
from cscip_kg.engine import Prepared
from cscip_kg.layout import open_read_only

SEARCH_FILE = "search.sqlite"
# The index's layout, kept in SQLite's user_version: 2 = names once per spelling, entities in groups;
# 3 = padded words and acronyms, county words and a word table, for scoring in SQL.
SEARCH_FORMAT = 3
STOPWORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with"})
# Words people add to a place's name ("Leeds council") that the graph's name may not carry.
GENERIC = frozenset({"council", "county", "city", "borough", "metropolitan", "district", "london", "authority", "la"})
_APOSTROPHES = re.compile(r"['’‘`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Things people look for come first when the match is equally good; records about them (adoptions, claims) last.
KIND_WEIGHT = {"model": 6, "programme": 5, "organisation": 5, "project": 4, "theme": 4, "grant": 2, "report": 2, "source": 1}
KIND_LABELS = {"model": "practice model", "report": "evaluation report", "source": "source document", "def": "ontology term"}
FUZZY_CUTOFF = 0.78

_NAMES = """SELECT ?s ?name ?main ?text ?council WHERE {
  VALUES (?p ?main) { (rdfs:label true) (skos:prefLabel true) (skos:altLabel false) (dcterms:title false) }
  ?s ?p ?name . FILTER(isIRI(?s) && isLiteral(?name))
  OPTIONAL { ?s dcterms:description|skos:definition ?text }
  OPTIONAL { ?s a cscip:LocalAuthority . BIND(true AS ?council) }
}"""


def words(text: str) -> list[str]:
    """Lower-case ASCII words: accents dropped, apostrophes joined, other punctuation a space."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return [w for w in _NON_WORD.split(_APOSTROPHES.sub("", ascii_text)) if w]


def squashed(text: str) -> str:
    """The words run together, so "mocking bird", "Mocking-Bird" and "mockingbird" are equal."""
    return "".join(words(text))


def initials(text: str) -> set[str]:
    """Acronyms a name may be known by: initials of all words, and of the words that are not small ones."""
    all_words = [w for w in words(text) if not w.isdigit()]
    if len(all_words) < 2:
        return set()
    found = {"".join(w[0] for w in all_words), "".join(w[0] for w in all_words if w not in STOPWORDS)}
    return {a for a in found if len(a) >= 2}


def kind_of(iri: str, base: str) -> str:
    if iri.startswith(base + "id/"):
        return iri[len(base) + 3:].split("/", 1)[0]
    return "def" if iri.startswith(base + "def/") else "other"


_SCHEMA = """
  CREATE TABLE entry(id INTEGER PRIMARY KEY, iri TEXT UNIQUE, label TEXT, kind TEXT, description TEXT, grp INTEGER);
  CREATE INDEX entry_group ON entry(grp, id);
  CREATE TABLE grp(id INTEGER PRIMARY KEY, kind TEXT, label TEXT, sort_label TEXT, size INTEGER);
  -- A group's kind, size and place in label order beside each of its names: a search ranks groups from this table alone.
  CREATE TABLE form(id INTEGER PRIMARY KEY, name TEXT, key TEXT, words TEXT, acronyms TEXT, shires TEXT, hidden INTEGER);
  CREATE INDEX form_key ON form(key);
  CREATE TABLE grp_form(grp INTEGER, form INTEGER, is_label INTEGER, kind TEXT, size INTEGER, label_rank INTEGER);
  CREATE TABLE acronym(acronym TEXT, form INTEGER);
  CREATE INDEX acronym_index ON acronym(acronym);
  CREATE TABLE form_word(word TEXT, form INTEGER, PRIMARY KEY (word, form)) WITHOUT ROWID;
  CREATE TABLE vocabulary(word TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE start(length INTEGER, k TEXT, PRIMARY KEY (length, k)) WITHOUT ROWID;
  CREATE VIRTUAL TABLE form_fts USING fts5(key, content='form', content_rowid='id', tokenize='trigram');"""


# Once every group is written: sizes and label order copied beside the names, then the indexes over them.
_GROUPED = """
  UPDATE grp_form SET size = g.size, label_rank = g.label_rank
  FROM (SELECT id, size, DENSE_RANK() OVER (ORDER BY sort_label) AS label_rank FROM grp) g WHERE g.id = grp_form.grp;
  CREATE INDEX grp_form_form ON grp_form(form, grp, is_label, kind, size, label_rank);
  CREATE INDEX grp_form_grp ON grp_form(grp);"""


def padded(items: list[str]) -> str:
    """Space-separated with a space either side, so SQL's instr finds a whole item (" nw ") or a prefix (" north")."""
    return f" {' '.join(items)} "


def read_names(engine: Backend) -> dict[str, dict[str, Any]]:
    """Every labelled IRI's names, main label, first description and whether it is a council."""
    result = engine.query(Prepared(_NAMES))
    assert isinstance(result, ox.QuerySolutions)
    entries: dict[str, dict[str, Any]] = {}
    for row in result:
        subject, name, main, text = row["s"], row["name"], row["main"], row["text"]
        assert isinstance(subject, ox.NamedNode) and isinstance(name, ox.Literal)
        entry = entries.setdefault(subject.value, {"label": "", "names": set(), "text": "", "council": row["council"] is not None})
        entry["names"].add(name.value)
        if isinstance(main, ox.Literal) and main.value == "true" and (not entry["label"] or name.language == "en"):
            entry["label"] = name.value
        if isinstance(text, ox.Literal) and not entry["text"]:
            entry["text"] = text.value
    return entries


class _Writer:
    """Fills the tables: one form per distinct (name, hidden), one group per distinct (kind, label, names)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._forms: dict[tuple[str, bool], int] = {}
        self._groups: dict[tuple[object, ...], int] = {}
        self._sizes: Counter[int] = Counter()

    def add(self, number: int, iri: str, entry: dict[str, Any], kind: str) -> None:
        names: set[str] = entry["names"]
        label = str(entry["label"]) or min(names)
        # A local authority is a council whether or not its name says so ("Walsall"): findable as "council".
        hidden = {f"{label} council"} if entry["council"] and "council" not in words(label) else set()
        named = tuple((name, name == label, name in hidden) for name in sorted(names | hidden) if squashed(name))
        signature = (kind, label, named)
        group = self._groups.get(signature)
        if group is None:
            group = self._groups[signature] = len(self._groups) + 1
            self._db.execute("INSERT INTO grp VALUES (?, ?, ?, ?, 0)", (group, kind, label, label.lower()))
            self._db.executemany("INSERT INTO grp_form VALUES (?, ?, ?, ?, 0, 0)",
                                 [(group, self._form(name, is_hidden), is_label, kind) for name, is_label, is_hidden in named])
        self._sizes[group] += 1
        self._db.execute("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?)", (number, iri, label, kind, str(entry["text"])[:300], group))

    def _form(self, name: str, hidden: bool) -> int:
        form = self._forms.get((name, hidden))
        if form is None:
            form = self._forms[(name, hidden)] = len(self._forms) + 1
            key, acronyms, name_words = squashed(name), [] if hidden else sorted(initials(name)), words(name)
            shires = [w for w in name_words if w.endswith("shire")]  # for the county short forms (Herts)
            self._db.execute("INSERT INTO form VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (form, name, key, padded(name_words), padded(acronyms), padded(shires), hidden))
            self._db.executemany("INSERT INTO acronym VALUES (?, ?)", [(a, form) for a in acronyms])
            self._db.executemany("INSERT INTO form_word VALUES (?, ?)", [(w, form) for w in set(name_words)])
        return form

    def finish(self) -> None:
        self._db.executemany("UPDATE grp SET size = ? WHERE id = ?", [(size, group) for group, size in self._sizes.items()])
        self._db.executescript(_GROUPED)
        self._db.execute("INSERT INTO form_fts(form_fts) VALUES ('rebuild')")
        self._db.execute("INSERT INTO vocabulary SELECT DISTINCT word FROM form_word")
        for length in range(5, search_sql.START_MAX + 1):  # a misspelling of 4 letters or more is compared with 5 or more
            self._db.execute("INSERT INTO start SELECT DISTINCT ?, substr(key, 1, ?) FROM form", (length, length))


def write_search_db(engine: Backend, path: Path, base: str) -> None:
    """Write the index of every labelled IRI in the graph to ``path`` (a new file)."""
    write_entries(read_names(engine), path, base)


def write_entries(entries: dict[str, dict[str, Any]], path: Path, base: str) -> None:
    """Write the index of ``entries`` (as ``read_names`` gives them) to ``path`` (a new file)."""
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version = {SEARCH_FORMAT}")
        writer = _Writer(db)
        for number, (iri, entry) in enumerate(sorted(entries.items()), 1):
            writer.add(number, iri, entry, kind_of(iri, base))
        writer.finish()
        db.commit()
    finally:
        db.close()


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


def score_name(query: str, query_words: list[str], key: str, name_words: list[str], acronyms: set[str], fuzzy: bool = True,
               similar: Callable[[str, str], float] | None = None) -> float:
    """How well one name matches: exact, acronym, prefix, county short form, all words, substring, then misspelling."""
    if key == query:
        return 100
    if query in acronyms:
        return 80
    if key.startswith(query):
        return 70
    stem = query[:-1]
    if search_sql.county(query) and any(w.startswith(stem) and w.endswith("shire") for w in name_words):
        return 65  # Herts, Lancs, Notts: a county's short form
    if len(query_words) > 1 and all(any(w.startswith(q) for w in name_words) for q in query_words):
        return 60
    if len(query) > 2 and query in key:
        return 50
    if fuzzy and len(query) >= 4 and len(_query_trigrams(query) & {key[i:i + 3] for i in range(len(key) - 2)}) * 2 >= len(query) - 2:
        similar = similar or _similar
        ratio = max(similar(query, text) for text in (key[:len(query) + 1], *name_words))
        if ratio >= FUZZY_CUTOFF:
            return 20 + 25 * ratio
    return 0


def _similar(query: str, text: str) -> float:
    if abs(len(query) - len(text)) > len(query) // 3:
        return 0.0
    matcher = difflib.SequenceMatcher(None, query, text)
    return matcher.ratio() if matcher.quick_ratio() >= FUZZY_CUTOFF else 0.0


def _closest(query: str, lines: str | None) -> dict[str, float]:
    """The texts (one a line) close enough to the query, with their ratios; most fail a cheap bound on quick_ratio first."""
    if not lines:
        return {}
    # What is left of a text once the query's letters are deleted cannot match: one translate for all the texts.
    texts, unmatched = lines.split("\n"), lines.translate(str.maketrans("", "", query)).split("\n")
    found = {}
    for text, rest in zip(texts, unmatched, strict=True):
        if 2.0 * (len(text) - len(rest)) / (len(query) + len(text)) >= FUZZY_CUTOFF:  # as difflib works out a ratio
            ratio = _similar(query, text)
            if ratio >= FUZZY_CUTOFF:
                found[text] = ratio
    return found


@functools.lru_cache(maxsize=64)
def _query_trigrams(query: str) -> frozenset[str]:
    return frozenset(_trigrams(query))


def _trigrams(text: str) -> list[str]:
    return sorted({text[i:i + 3] for i in range(len(text) - 2)})


@dataclass
class _Group:
    """Entities that share kind, label and names, so score the same for any query."""

    id: int
    kind: str
    label_rank: int  # the label's place in label order (lower case), equal labels equal
    size: int
    score: float


@dataclass
class _Scoring:
    """How forms are scored: ``scored`` (SELECT form, score) over all that match, ``expression`` for form ``f`` alone."""

    scored: str
    params: dict[str, Any]
    expression: str | None  # None for misspellings: the page's names are scored by score_name itself


class OutdatedIndex(Exception):
    """The build's search index was written by a version of cscip-kg that laid it out differently."""


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

    def close(self) -> None:
        self._db.close()

    def search(self, text: str, kind: str | None = None, page: int = 1, size: int = 20) -> Found:
        all_words = words(text)
        meaningful = [w for w in all_words if w not in GENERIC]
        query_words = meaningful or all_words
        query = "".join(query_words)
        if not query:
            return Found([], 0, [])
        offset = (page - 1) * size
        with self._lock:
            expression, candidates_expression, params = search_sql.score_expression(query, query_words)
            forms = search_sql.candidate_forms(query, query_words, params)
            scoring = _Scoring(f"SELECT f.id AS form, {candidates_expression} AS score FROM form f WHERE f.id IN ({forms})",
                               params, expression)
            counts, groups = self._rank(scoring, kind, offset + size)
            if not counts and len(query) >= 4:  # nothing spelled so: look for what it may be a misspelling of
                scoring = self._misspellings(query, query_words)
                counts, groups = self._rank(scoring, kind, offset + size)
            rows = self._page(groups, offset, size)
            matched = self._matched(sorted({group for *_, group in rows}), scoring, query, query_words) if rows else {}
        by_id = {g.id: g for g in groups}
        hits = [Hit(iri, label, by_id[group].kind, description, by_id[group].score, matched[group])
                for iri, label, description, group in rows]
        order = sorted(counts.items(), key=lambda kv: (-KIND_WEIGHT.get(kv[0], -5), -kv[1], kv[0]))  # things before records
        return Found(hits, sum(n for k, n in counts.items() if kind in (None, k)), order)

    def _misspellings(self, query: str, query_words: list[str]) -> _Scoring:
        """score_name's misspelling tier in SQL, with difflib's ratios (no SQL) for the distinct words and starts of names."""
        # :n1 a start's length; :need the trigrams a misspelling shares with the query (score_name's own test).
        params: dict[str, Any] = {"lo": len(query) - len(query) // 3, "hi": len(query) + len(query) // 3, "n1": len(query) + 1,
                                  "need": len(query) - 2}
        grams = _trigrams(query)
        for name, sql in (("words", search_sql.VOCABULARY), ("starts", search_sql.starts(grams, params))):
            params[name] = json.dumps(_closest(query, self._db.execute(sql, params).fetchone()[0]))
        return _Scoring(search_sql.misspelt(query, query_words, grams, params), params, None)

    def _rank(self, scoring: _Scoring, kind: str | None, end: int) -> tuple[dict[str, int], list[_Group]]:
        """Entities per kind, and the ranked groups holding the first ``end`` entities (with every group tied with the last)."""
        params = scoring.params | {"kind": kind, "limit": end + 1}
        rows = self._db.execute(search_sql.rank(scoring.scored, KIND_WEIGHT, -5, tied=False), params).fetchall()
        counts = {k: n for part, k, n, *_ in rows if part == 0}
        groups = [_Group(number, k, rank, n, score) for part, k, n, number, score, rank in rows if part == 1]
        if len(groups) > end and (groups[end].score, groups[end].label_rank) == (groups[end - 1].score, groups[end - 1].label_rank):
            last = groups[end - 1]  # its block may go on past the groups fetched: fetch the whole block
            params |= {"tie_score": last.score, "tie_rank": last.label_rank, "limit": -1}
            tied = self._db.execute(search_sql.rank(scoring.scored, KIND_WEIGHT, -5, tied=True), params).fetchall()
            block = [_Group(number, k, rank, n, score) for part, k, n, number, score, rank in tied if part == 1]
            groups = [g for g in groups[:end] if (g.score, g.label_rank) != (last.score, last.label_rank)] + block
        return counts, groups  # a last group past ``end`` starts after the page: _page stops before it

    def _page(self, groups: list[_Group], offset: int, size: int) -> list[tuple[str, str, str, int]]:
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

    def _matched(self, groups: list[int], scoring: _Scoring, query: str, query_words: list[str]) -> dict[int, str]:
        """The name each group was found by, when it is not the label: its best, the first in name order on a tie."""
        sql = search_sql.NAMES.format(expression=scoring.expression or "0", groups=",".join(map(str, groups)))
        best: dict[int, tuple[float, str]] = {}
        similar = functools.lru_cache(maxsize=None)(_similar)  # the page's names share words ("council"): compare each once
        for group, name, hidden, is_label, key, name_words, acronyms, score in self._db.execute(sql, scoring.params):
            if scoring.expression is None:
                score = score_name(query, query_words, key, name_words.split(), set(acronyms.split()), True, similar)
            if score and (group not in best or score + 3 * is_label > best[group][0]):
                best[group] = (score + 3 * is_label, "" if is_label or hidden else name)
        return {group: name for group, (_score, name) in best.items()}
