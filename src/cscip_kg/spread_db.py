"""Who took part in what (spread.py), stored by the build so that each map reads only its own slice.

``cscip-kg build`` writes the whole ``Spread`` into ``derived/spread.sqlite``: one row per
involvement (numbered in the order of ``Spread.involvements``, with its stage), each
involvement under every programme of its chain, and the codes, members, programme parts,
dates, labels and evaluated places, each keyed. A server opens the file (nothing is read until
asked) and builds, per map, a small ``Spread`` holding what that map and timeline read: a model's
involvements and its innovators', a programme's (with its parts'), an organisation's own code and
members, the staged involvements for the home page's map of CSCIP's reach, and the adoptions the
lineage diagram groups by programme. Each is drawn by the same functions as the whole, so the pages
show the same; at ×100 reading the whole took 90–280 ms, a slice 0.5–2 ms.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from cscip_kg.backend import Backend
from cscip_kg.layout import open_read_only
from cscip_kg.spread import Involvement, Routes, Spread, adoption_routes, compute

SPREAD_DB = "spread.sqlite"  # in the build's derived/ folder
# The file's layout, kept in SQLite's user_version; a build with another is refused at open ("rebuild it").
SPREAD_FORMAT = 2  # 2: an involvement says whether it is inferred
CHUNK = 500  # IRIs per IN (...) list, well under SQLite's limit of bound parameters

_SCHEMA = """
CREATE TABLE involvement (seq INTEGER PRIMARY KEY, org TEXT NOT NULL, how TEXT NOT NULL, programme TEXT, role TEXT NOT NULL,
  model TEXT, project TEXT, dates TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL, claimed INTEGER NOT NULL,
  via TEXT, inferred INTEGER NOT NULL, stage TEXT);
CREATE INDEX involvement_model ON involvement (model);
CREATE INDEX involvement_org ON involvement (org);
CREATE INDEX involvement_stage ON involvement (stage) WHERE stage IS NOT NULL;
CREATE TABLE part_of (programme TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (programme, seq)) WITHOUT ROWID;
CREATE TABLE code (org TEXT PRIMARY KEY, code TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE place (code TEXT PRIMARY KEY, org TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE member (partnership TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (partnership, member)) WITHOUT ROWID;
CREATE TABLE whole (programme TEXT PRIMARY KEY, whole TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE dates (iri TEXT PRIMARY KEY, start TEXT NOT NULL, "end" TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE label (iri TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE evaluated (model TEXT NOT NULL, place TEXT NOT NULL, round TEXT);
CREATE INDEX evaluated_model ON evaluated (model);
"""
_NO_ROUND: list[str | None] = [None]  # a place with findings whose projects name no round: one row, round NULL
_COLUMNS = 'org, how, programme, role, model, project, dates, start, "end", claimed, via, inferred'


def derive(engine: Backend, folder: Path) -> None:
    """``spread.compute`` into ``folder``/spread.sqlite (the build's derived/ folder)."""
    write(compute(engine), folder / SPREAD_DB)


def write(spread: Spread, path: Path) -> None:
    """``spread`` into a new SQLite file at ``path``."""
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version = {SPREAD_FORMAT}")
        db.executemany(f"INSERT INTO involvement (seq, {_COLUMNS}, stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       ((n, *_values(i), spread.stage(i.programme)) for n, i in enumerate(spread.involvements)))
        db.executemany("INSERT INTO part_of VALUES (?, ?)",
                       ((p, n) for n, i in enumerate(spread.involvements) for p in spread.chain(i.programme)))
        db.executemany("INSERT INTO code VALUES (?, ?)", spread.codes.items())
        # Several organisations may share a code (the bench's copies do): the map places the last in IRI order,
        # as it did when the whole spread was read from a file written with sorted keys.
        db.executemany("INSERT INTO place VALUES (?, ?)", {code: org for org, code in sorted(spread.codes.items())}.items())
        db.executemany("INSERT INTO member VALUES (?, ?)", ((p, m) for p, ms in spread.members.items() for m in ms))
        db.executemany("INSERT INTO whole VALUES (?, ?)", spread.wholes.items())
        db.executemany("INSERT INTO dates VALUES (?, ?, ?)", ((iri, s, e) for iri, (s, e) in spread.dates.items()))
        db.executemany("INSERT INTO label VALUES (?, ?)", spread.labels.items())
        db.executemany("INSERT INTO evaluated VALUES (?, ?, ?)",
                       ((m, p, r) for m, places in spread.evaluated.items() for p, rounds in places.items()
                        for r in (sorted(rounds) or _NO_ROUND)))
        db.execute("ANALYZE")  # without statistics the planner scans every involvement for the few in a stage
        db.commit()
    finally:
        db.close()


def _values(i: Involvement) -> tuple[Any, ...]:
    return (i.org, i.how, i.programme, i.role, i.model, i.project, i.dates, i.start, i.end, int(i.claimed), i.via, int(i.inferred))


def _involvement(row: tuple[Any, ...]) -> Involvement:
    org, how, programme, role, model, project, dates, start, end, claimed, via, inferred = row
    return Involvement(org, how, programme, role, model, project, dates, start, end, bool(claimed), via, bool(inferred))


def _chunks(items: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(items)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


class SpreadDB:
    """Read-only access to a build's ``spread.sqlite``; safe to share between a server's threads.

    ``model``, ``programme``, ``organisation`` and ``reach`` give a ``Spread`` holding what that map
    (and a model's timeline) reads; ``everything`` gives the whole, as ``spread.compute`` would.
    """

    def __init__(self, path: Path) -> None:
        self._db = open_read_only(path)
        self._lock = threading.Lock()
        # A page asks for its entity's slice twice (the map, then the timeline): the last few are kept.
        self.model = lru_cache(maxsize=32)(self._model)
        self.programme = lru_cache(maxsize=32)(self._programme)
        self.organisation = lru_cache(maxsize=32)(self._organisation)

    def close(self) -> None:
        self._db.close()

    def _all(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, tuple(parameters)).fetchall()

    def _keyed(self, sql: str, keys: Iterable[str]) -> list[tuple[Any, ...]]:
        """``sql`` (with ``{keys}`` for an IN list) for every key, a chunk at a time."""
        found: list[tuple[Any, ...]] = []
        for chunk in _chunks(set(keys)):
            found += self._all(sql.format(keys=", ".join("?" * len(chunk))), chunk)
        return found

    def _involvements(self, where: str, parameters: Iterable[Any] = ()) -> list[Involvement]:
        return [_involvement(row) for row in self._all(f"SELECT {_COLUMNS} FROM involvement {where} ORDER BY seq", parameters)]

    def _model(self, model: str) -> Spread:
        found = self._all(f"SELECT seq, {_COLUMNS}, stage FROM involvement WHERE model = ?", (model,))
        # The timeline shows its innovators' part in Partners in Practice, which names no model: their rows too.
        innovators = {row[1] for row in found if row[2] == "developer" or row[-1] == "round1"}
        rows = {row[0]: row[:-1] for row in found}
        rows.update((row[0], row) for row in self._keyed(f"SELECT seq, {_COLUMNS} FROM involvement WHERE org IN ({{keys}})",
                                                          innovators))
        involvements = [_involvement(rows[seq][1:]) for seq in sorted(rows)]
        evaluated = _evaluated(self._all("SELECT model, place, round FROM evaluated WHERE model = ?", (model,)))
        return self._slice(involvements, {model}, evaluated=evaluated)

    def _programme(self, programme: str) -> Spread:
        involvements = self._involvements("WHERE seq IN (SELECT seq FROM part_of WHERE programme = ?)", (programme,))
        return self._slice(involvements, {programme})

    def _organisation(self, organisation: str) -> Spread:
        members = {row[0] for row in self._all("SELECT member FROM member WHERE partnership = ?", (organisation,))}
        return self._slice([], {organisation}, {organisation: members} if members else {})

    def reach(self) -> Spread:
        """The involvements in a stage of spread: the home page's map of CSCIP's reach reads no others."""
        return self._slice(self._involvements("WHERE stage IS NOT NULL"), set())

    def routes(self) -> Routes:
        """Which programmes each adoption came through (spread.adoption_routes), from the adoptions alone."""
        adoptions = self._involvements("WHERE how = 'adoption' AND programme IS NOT NULL AND via IS NULL")
        return adoption_routes(self._slice(adoptions, set()))

    def everything(self) -> Spread:
        """The whole spread, as the build derived it."""
        members: dict[str, set[str]] = {}
        for partnership, member in self._all("SELECT partnership, member FROM member"):
            members.setdefault(partnership, set()).add(member)
        evaluated = _evaluated(self._all("SELECT model, place, round FROM evaluated"))
        return Spread(self._involvements(""), dict(self._all("SELECT org, code FROM code")), members,
                      dict(self._all("SELECT programme, whole FROM whole")),
                      {iri: (start, end) for iri, start, end in self._all('SELECT iri, start, "end" FROM dates')},
                      dict(self._all("SELECT iri, label FROM label")), evaluated)

    def _slice(self, involvements: list[Involvement], things: set[str], members: dict[str, set[str]] | None = None,
               evaluated: dict[str, dict[str, set[str]]] | None = None) -> Spread:
        """A ``Spread`` of ``involvements`` with every code, part, date and label a map or timeline of them reads."""
        members, evaluated = members or {}, evaluated or {}
        places, placed_codes, placed_labels = self._placed
        orgs = {i.org for i in involvements} | {i.via for i in involvements if i.via}
        orgs |= {m for ms in members.values() for m in ms} | {p for ps in evaluated.values() for p in ps} | things
        programmes, wholes = self._wholes({i.programme for i in involvements if i.programme}
                                          | {r for ps in evaluated.values() for rs in ps.values() for r in rs})
        things = things | orgs | programmes | {x for i in involvements for x in (i.model, i.project) if x}
        codes = placed_codes | dict(self._keyed("SELECT org, code FROM code WHERE org IN ({keys})", orgs - placed_codes.keys()))
        labels = placed_labels | dict(self._keyed("SELECT iri, label FROM label WHERE iri IN ({keys})",
                                                  things - placed_labels.keys()))
        spread = Spread(involvements, codes, members, wholes,
                        {iri: (start, end) for iri, start, end in
                         self._keyed('SELECT iri, start, "end" FROM dates WHERE iri IN ({keys})', programmes)},
                        labels, evaluated)
        spread.places = places
        return spread

    @cached_property
    def _placed(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """Every hex's authority with its code and label: each map draws them all, so they are read once."""
        places = dict(self._all("SELECT code, org FROM place"))
        orgs = set(places.values())
        return (places, dict(self._keyed("SELECT org, code FROM code WHERE org IN ({keys})", orgs)),
                dict(self._keyed("SELECT iri, label FROM label WHERE iri IN ({keys})", orgs)))

    def _wholes(self, programmes: set[str]) -> tuple[set[str], dict[str, str]]:
        """``programmes`` and all they are part of, and what each is part of (a few levels: strand, round, programme)."""
        wholes: dict[str, str] = {}
        seen, asked = set(programmes), set(programmes)
        while asked:
            found = dict(self._keyed("SELECT programme, whole FROM whole WHERE programme IN ({keys})", asked))
            wholes.update(found)
            asked = set(found.values()) - seen
            seen |= asked
        return seen, wholes


def _evaluated(rows: Iterable[tuple[Any, ...]]) -> dict[str, dict[str, set[str]]]:
    """(model, place, round or NULL) rows → model → place → the rounds whose findings are about that place."""
    found: dict[str, dict[str, set[str]]] = {}
    for model, place, round_ in rows:
        rounds = found.setdefault(model, {}).setdefault(place, set())
        if round_ is not None:
            rounds.add(round_)
    return found


def open_slices(folder: Path) -> SpreadDB:
    """The spread the build derived into ``folder`` (its derived/ folder; ``derived.missing`` checked its layout)."""
    return SpreadDB(folder / SPREAD_DB)
