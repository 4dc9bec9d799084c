"""Writing the search index: once, by ``cscip-kg build``, into the build folder (search.sqlite).

Names are stored once per distinct spelling (a ``form``); entities whose kind, label and names are
all the same share one group (``grp``), numbered in (kind, label) order, so a kind's groups are one
range of numbers and, within it, label order is number order. Besides the form-level tables the SQL
scoring reads (search_sql.py), each word and each pair of adjacent words carries the set of groups
whose names hold it, and of those whose label holds it (search_groups.py): a search counts and pages
the thousands of groups a common word matches from those sets without visiting each one.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from cscip_kg import search_groups, search_sql
from cscip_kg.backend import Backend
from cscip_kg.engine import Prepared
from cscip_kg.search_text import initials, kind_of, padded, squashed, words

# The index's layout, kept in SQLite's user_version: 2 = names once per spelling, entities in groups;
# 3 = padded words and acronyms, county words and a word table, for scoring in SQL; 4 = groups in (kind, label)
# order, each word's and each adjacent pair's groups as sets.
SEARCH_FORMAT = 4

_NAMES = """SELECT ?s ?name ?main ?text ?council WHERE {
  VALUES (?p ?main) { (rdfs:label true) (skos:prefLabel true) (skos:altLabel false) (dcterms:title false) }
  ?s ?p ?name . FILTER(isIRI(?s) && isLiteral(?name))
  OPTIONAL { ?s dcterms:description|skos:definition ?text }
  OPTIONAL { ?s a cscip:LocalAuthority . BIND(true AS ?council) }
}"""

_SCHEMA = """
  CREATE TABLE entry(id INTEGER PRIMARY KEY, iri TEXT UNIQUE, label TEXT, kind TEXT, description TEXT, grp INTEGER);
  CREATE INDEX entry_group ON entry(grp, id);
  CREATE TABLE form(id INTEGER PRIMARY KEY, name TEXT, key TEXT, words TEXT, acronyms TEXT, shires TEXT, hidden INTEGER);
  CREATE INDEX form_key ON form(key);
  CREATE TABLE grp_form(grp INTEGER, form INTEGER, is_label INTEGER);
  CREATE TABLE acronym(acronym TEXT, form INTEGER);
  CREATE INDEX acronym_index ON acronym(acronym);
  CREATE TABLE form_word(word TEXT, form INTEGER, PRIMARY KEY (word, form)) WITHOUT ROWID;
  CREATE TABLE vocabulary(word TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE start(length INTEGER, k TEXT, PRIMARY KEY (length, k)) WITHOUT ROWID;
  -- Groups holding a word (in any name; in the label; first in any name; first in the label), and holding two words
  -- one after the other (ra: a reversed, for "a ends with"). Sets as search_groups.encode writes them, NULL when empty.
  CREATE TABLE word_groups(word TEXT PRIMARY KEY, groups BLOB, labels BLOB, first_groups BLOB, first_labels BLOB);
  CREATE TABLE pair_groups(a TEXT, b TEXT, ra TEXT, groups BLOB, labels BLOB, first_groups BLOB, first_labels BLOB);
  CREATE INDEX pair_b ON pair_groups(b, ra);
  CREATE INDEX pair_ra ON pair_groups(ra, b);
  CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB);"""

# Once every group is written, the indexes over their names.
_GROUPED = """
  CREATE INDEX grp_form_form ON grp_form(form, grp, is_label);
  CREATE INDEX grp_form_grp ON grp_form(grp);"""

Named = tuple[tuple[str, bool, bool], ...]  # a group's names: (name, is the label, is hidden)


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
        self._groups: dict[tuple[str, str, Named], int] = {}
        self._entries: list[tuple[int, str, str, str, str, int]] = []
        self._sizes: Counter[int] = Counter()

    def add(self, number: int, iri: str, entry: dict[str, Any], kind: str) -> None:
        names: set[str] = entry["names"]
        label = str(entry["label"]) or min(names)
        # A local authority is a council whether or not its name says so ("Walsall"): findable as "council".
        hidden = {f"{label} council"} if entry["council"] and "council" not in words(label) else set()
        named = tuple((name, name == label, name in hidden) for name in sorted(names | hidden) if squashed(name))
        group = self._groups.setdefault((kind, label, named), len(self._groups))
        self._sizes[group] += 1
        self._entries.append((number, iri, label, kind, str(entry["text"])[:300], group))

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
        # Groups numbered from 1 in (kind, label) order: a kind is a range of numbers, label order within it number order.
        order = sorted(self._groups.items(), key=lambda item: (item[0][0], item[0][1].lower(), item[1]))
        number = {old: new for new, (_signature, old) in enumerate(order, 1)}
        postings = search_groups.Postings(len(order) + 1)
        for new, ((_kind, _label, named), _old) in enumerate(order, 1):
            self._db.executemany("INSERT INTO grp_form VALUES (?, ?, ?)",
                                 [(new, self._form(name, is_hidden), is_label) for name, is_label, is_hidden in named])
            postings.add(new, [(words(name), is_label) for name, is_label, _hidden in named])
        self._db.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?)", [(*row[:5], number[row[5]]) for row in self._entries])
        self._db.executescript(_GROUPED)
        self._db.execute("INSERT INTO vocabulary SELECT DISTINCT word FROM form_word")
        for length in range(5, search_sql.START_MAX + 1):  # a misspelling of 4 letters or more is compared with 5 or more
            self._db.execute("INSERT INTO start SELECT DISTINCT ?, substr(key, 1, ?) FROM form", (length, length))
        sizes = [0, *(self._sizes[old] for _signature, old in order)]
        postings.write(self._db, sizes)
        self._write_meta(order, sizes)

    def _write_meta(self, order: list[tuple[tuple[str, str, Named], int]], sizes: list[int]) -> None:
        """Each group's size and place in label order, and each kind's range of groups: read once when the index opens."""
        labels = sorted({label.lower() for (_kind, label, _named), _old in order})
        rank = {label: number for number, label in enumerate(labels, 1)}  # equal labels (lower case) equal
        ranks = array("I", [0, *(rank[label.lower()] for (_kind, label, _named), _old in order)])
        kinds: dict[str, list[int]] = {}  # kind: [its first group, its last + 1]
        for new, ((kind, _label, _named), _old) in enumerate(order, 1):
            kinds[kind] = [kinds.get(kind, [new])[0], new + 1]
        meta = {"ranks": ranks.tobytes(), "sizes": array("I", sizes).tobytes(), "kinds": json.dumps(kinds).encode()}
        self._db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())


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
