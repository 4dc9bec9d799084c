"""The search index: written once by ``cscip-kg build`` into the build folder, read by /search.

An SQLite file (standard library) holds every labelled entity with its kind,
a short description and all its names, each pre-normalised (``squashed``:
lower-case ASCII run together; its initials as acronyms). An FTS5 table with
the trigram tokenizer over the squashed names finds candidates for substrings
and, by shared trigrams, for misspellings ("mokingbird"); each candidate is
then scored in Python, so ranking rules live in one readable function.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.backend import Backend
from cscip_kg.engine import Prepared

SEARCH_FILE = "search.sqlite"
STOPWORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with"})
# Words people add to a place's name ("Leeds council") that the graph's name may not carry.
GENERIC = frozenset({"council", "county", "city", "borough", "metropolitan", "district", "london", "authority", "la"})
_APOSTROPHES = re.compile(r"['’‘`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Things people look for come first when the match is equally good; records about them (adoptions, claims) last.
KIND_WEIGHT = {"model": 6, "programme": 5, "organisation": 5, "project": 4, "theme": 4, "grant": 2, "report": 2, "source": 1}
KIND_LABELS = {"model": "practice model", "report": "evaluation report", "source": "source document", "def": "ontology term"}
FUZZY_CUTOFF = 0.78
MAX_CANDIDATES = 200

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


def write_search_db(engine: Backend, path: Path, base: str) -> None:
    """Write the index of every labelled IRI in the graph to ``path`` (a new file)."""
    result = engine.query(Prepared(_NAMES))
    assert isinstance(result, ox.QuerySolutions)
    entries: dict[str, dict[str, object]] = {}
    for row in result:
        subject, name, main, text = row["s"], row["name"], row["main"], row["text"]
        assert isinstance(subject, ox.NamedNode) and isinstance(name, ox.Literal)
        entry = entries.setdefault(subject.value, {"label": "", "names": set(), "text": "", "council": row["council"] is not None})
        entry["names"].add(name.value)  # type: ignore[attr-defined]
        if isinstance(main, ox.Literal) and main.value == "true" and (not entry["label"] or name.language == "en"):
            entry["label"] = name.value
        if isinstance(text, ox.Literal) and not entry["text"]:
            entry["text"] = text.value
    db = sqlite3.connect(path)
    try:
        db.executescript("""
          CREATE TABLE entry(id INTEGER PRIMARY KEY, iri TEXT UNIQUE, label TEXT, kind TEXT, description TEXT);
          CREATE TABLE name(id INTEGER PRIMARY KEY, entry INTEGER, name TEXT, key TEXT, words TEXT, acronyms TEXT, is_label INTEGER,
                            hidden INTEGER);
          CREATE TABLE acronym(acronym TEXT, name INTEGER);
          CREATE INDEX acronym_index ON acronym(acronym);
          CREATE INDEX key_index ON name(key);
          CREATE VIRTUAL TABLE name_fts USING fts5(key, content='name', content_rowid='id', tokenize='trigram');""")
        for number, (iri, entry) in enumerate(sorted(entries.items()), 1):
            names: set[str] = entry["names"]  # type: ignore[assignment]
            label = str(entry["label"]) or min(names)
            db.execute("INSERT INTO entry VALUES (?, ?, ?, ?, ?)", (number, iri, label, kind_of(iri, base), str(entry["text"])[:300]))
            # A local authority is a council whether or not its name says so ("Walsall"): findable as "council".
            hidden = {f"{label} council"} if entry["council"] and "council" not in words(label) else set()
            for name in sorted(names | hidden):
                if not squashed(name):
                    continue
                acronyms = sorted(initials(name)) if name not in hidden else []
                cursor = db.execute("INSERT INTO name(entry, name, key, words, acronyms, is_label, hidden) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                    (number, name, squashed(name), " ".join(words(name)), " ".join(acronyms), name == label,
                                     name in hidden))
                db.executemany("INSERT INTO acronym VALUES (?, ?)", [(a, cursor.lastrowid) for a in acronyms])
        db.execute("INSERT INTO name_fts(name_fts) VALUES ('rebuild')")
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


def score_name(query: str, query_words: list[str], key: str, name_words: list[str], acronyms: set[str], fuzzy: bool = True) -> float:
    """How well one name matches: exact, acronym, prefix, county short form, all words, substring, then misspelling."""
    if key == query:
        return 100
    if query in acronyms:
        return 80
    if key.startswith(query):
        return 70
    stem = query[:-1]
    if len(query) >= 4 and query.endswith("s") and any(w.startswith(stem) and w.endswith("shire") for w in name_words):
        return 65  # Herts, Lancs, Notts: a county's short form
    if len(query_words) > 1 and all(any(w.startswith(q) for w in name_words) for q in query_words):
        return 60
    if len(query) > 2 and query in key:
        return 50
    if fuzzy and len(query) >= 4 and len(set(_trigrams(query)) & set(_trigrams(key))) * 2 >= len(query) - 2:
        ratio = max(_similar(query, text) for text in (key[:len(query) + 1], *name_words))
        if ratio >= FUZZY_CUTOFF:
            return 20 + 25 * ratio
    return 0


def _similar(query: str, text: str) -> float:
    if abs(len(query) - len(text)) > len(query) // 3:
        return 0.0
    matcher = difflib.SequenceMatcher(None, query, text)
    return matcher.ratio() if matcher.quick_ratio() >= FUZZY_CUTOFF else 0.0


def _trigrams(text: str) -> list[str]:
    return sorted({text[i:i + 3] for i in range(len(text) - 2)})


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class SearchDB:
    """Read-only access to a build's search index; safe to share between a server's threads."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def _candidates(self, query: str, query_words: list[str], fuzzy: bool) -> set[int]:
        """Rows of ``name`` that may match: acronyms and FTS5 substrings, or names sharing trigrams (``fuzzy``)."""
        if fuzzy:  # misspellings share most trigrams: the best-ranked few hundred by bm25
            spelled = " OR ".join(_phrase(t) for t in _trigrams(query))
            return {r[0] for r in self._db.execute(
                "SELECT rowid FROM name_fts WHERE name_fts MATCH ? ORDER BY rank LIMIT ?", (spelled, MAX_CANDIDATES))}
        found = {r[0] for r in self._db.execute("SELECT name FROM acronym WHERE acronym = ?", (query,))}
        if len(query) < 3:
            return found | {r[0] for r in self._db.execute("SELECT id FROM name WHERE key >= ? AND key < ?", (query, query + "\x7f"))}
        searches = [_phrase(query)] + [_phrase(w) for w in query_words if len(w) >= 3]
        if len(query) >= 4 and query.endswith("s"):
            searches.append(_phrase(query[:-1]))
        for match in searches:
            found |= {r[0] for r in self._db.execute("SELECT rowid FROM name_fts WHERE name_fts MATCH ?", (match,))}
        return found

    def search(self, text: str, kind: str | None = None, page: int = 1, size: int = 20) -> Found:
        all_words = words(text)
        meaningful = [w for w in all_words if w not in GENERIC]
        query_words = meaningful or all_words
        query = "".join(query_words)
        if not query:
            return Found([], 0, [])
        best = self._score(query, query_words, fuzzy=False)
        if not best and len(query) >= 4:  # nothing spelled so: look for what it may be a misspelling of
            best = self._score(query, query_words, fuzzy=True)
        ranked = sorted(best.values(), key=lambda h: (-h.score, h.label.lower()))
        kinds = Counter(h.kind for h in ranked)
        chosen = [h for h in ranked if kind is None or h.kind == kind]
        order = sorted(kinds.items(), key=lambda kv: (-KIND_WEIGHT.get(kv[0], -5), -kv[1], kv[0]))  # things before records
        return Found(chosen[(page - 1) * size:page * size], len(chosen), order)

    def _score(self, query: str, query_words: list[str], fuzzy: bool) -> dict[str, Hit]:
        with self._lock:
            ids = sorted(self._candidates(query, query_words, fuzzy))
            rows = self._db.execute(
                f"SELECT n.id, n.name, n.key, n.words, n.is_label, e.iri, e.label, e.kind, e.description, n.acronyms, n.hidden "
                f"FROM name n JOIN entry e ON e.id = n.entry WHERE n.id IN ({','.join('?' * len(ids))})", ids).fetchall()
        best: dict[str, Hit] = {}
        for _id, name, key, name_words, is_label, iri, label, entry_kind, description, acronyms, hidden in rows:
            score = score_name(query, query_words, key, name_words.split(), set(acronyms.split()), fuzzy)
            if not score:
                continue
            score += (3 if is_label else 0) + KIND_WEIGHT.get(entry_kind, -5)
            if iri not in best or score > best[iri].score:
                best[iri] = Hit(iri, label, entry_kind, description, score, "" if name == label or hidden else name)
        return best
