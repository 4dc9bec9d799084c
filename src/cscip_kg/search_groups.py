"""Sets of groups as Python integers (bit n = group n): a search's counts and page without visiting every match.

A common word matches tens of thousands of groups (33,000 for "council" at ×100 with distinct names);
scoring each in SQL cost ~1.5 µs a match. But a group's score is its best name's tier (exact 100, acronym
80, prefix 70, …, substring 50, or a misspelling's 20 + 25 × ratio), +3 when that name is its label, plus
its kind's weight: a few values. So a search needs, for each value, the set of groups with a name of that
value; each group then takes the highest value of a set that holds it. The index stores, for each word and
each pair of adjacent words, the groups whose names hold it (and whose label does; and with it first), so
a tier's set is a union of stored sets (search_sets.py). As integers, a union is an OR, a kind is a range
of bits (groups are numbered in kind, then label, order: search_write.py), its entities a weighted count
of bits, and its first groups in label order the lowest set bits.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Below this many groups a set is stored as its numbers (cheaper to turn into bits), above as compressed bits.
_LISTED = 512
# Per word or pair: groups with it in any name, in the label, first in any name, first in the label.
_SETS = 4


def _bitmap(groups: Iterable[int], bits: int) -> bytearray:
    found = bytearray((bits + 7) // 8)
    for group in groups:
        found[group >> 3] |= 1 << (group & 7)
    return found


def encode(groups: array[int], bits: int) -> bytes | None:
    """A sorted list of group numbers as stored: the numbers themselves when few, else a compressed bitmap."""
    if not groups:
        return None
    if len(groups) < _LISTED:
        return b"L" + groups.tobytes()
    return b"B" + zlib.compress(bytes(_bitmap(groups, bits)), 6)


def union(blobs: Iterable[bytes | None], bits: int) -> int:
    """The union of stored sets, as an integer: listed numbers set in one buffer, bitmaps ORed in."""
    listed, found = bytearray((bits + 7) // 8), 0
    for blob in blobs:
        if not blob:
            continue
        if blob[:1] == b"B":
            found |= int.from_bytes(zlib.decompress(blob[1:]), "little")
            continue
        numbers = array("I")
        numbers.frombytes(blob[1:])
        for group in numbers:
            listed[group >> 3] |= 1 << (group & 7)
    return found | int.from_bytes(listed, "little")


def of(groups: Iterable[int], bits: int) -> int:
    """A set of group numbers as an integer."""
    return int.from_bytes(_bitmap(groups, bits), "little")


def members(bits: int, start: int = 0) -> Iterator[int]:
    """The set's group numbers in increasing order (``bits`` shifted right by ``start``)."""
    text = bin(bits)[:1:-1]  # lowest bit first
    at = text.find("1")
    while at >= 0:
        yield start + at
        at = text.find("1", at + 1)


class Postings:
    """While the index is written: each word's and each adjacent pair's sets of groups (``_SETS``)."""

    def __init__(self, bits: int) -> None:
        self.bits = bits
        # Arrays of 4-byte numbers, not lists: ×100 with distinct names holds ~5 million (word or pair, group) entries.
        self._words: dict[Any, tuple[array[int], ...]] = defaultdict(lambda: tuple(array("I") for _ in range(_SETS)))
        self._pairs: dict[Any, tuple[array[int], ...]] = defaultdict(lambda: tuple(array("I") for _ in range(_SETS)))
        self._multi: list[int] = []

    def add(self, group: int, names: list[tuple[list[str], bool]]) -> None:
        """A group's names' words, with whether the name is the group's label; groups come in increasing order."""
        if len(names) > 1:
            self._multi.append(group)
        held: tuple[list[set[Any]], list[set[Any]]] = ([set() for _ in range(_SETS)], [set() for _ in range(_SETS)])
        for name_words, is_label in names:
            every: tuple[list[Any], list[Any]] = (name_words, list(itertools.pairwise(name_words)))
            for sets, keys in zip(held, every, strict=True):
                for position in (0, 1) if is_label else (0,):
                    sets[position].update(keys)
                    sets[position + 2].update(keys[:1])
        for found, sets in zip((self._words, self._pairs), held, strict=True):
            for position, kept in enumerate(sets):
                for key in kept:
                    found[key][position].append(group)

    def write(self, db: sqlite3.Connection, sizes: list[int]) -> None:
        """The sets; groups with more than one name; the groups' sizes as bit planes (plane j: the groups whose
        size has bit j), for counting entities."""
        db.executemany("INSERT INTO word_groups VALUES (?, ?, ?, ?, ?)",
                       ((word, *(encode(groups, self.bits) for groups in sets)) for word, sets in self._words.items()))
        db.executemany("INSERT INTO pair_groups VALUES (?, ?, ?, ?, ?, ?, ?)",
                       ((a, b, a[::-1], *(encode(groups, self.bits) for groups in sets)) for (a, b), sets in self._pairs.items()))
        planes = [bytes(_bitmap((n for n, size in enumerate(sizes) if size >> j & 1), self.bits)) for j in range(max(sizes).bit_length())]
        db.executemany("INSERT INTO meta VALUES (?, ?)", [(f"plane{j}", plane) for j, plane in enumerate(planes)])
        db.execute("INSERT INTO meta VALUES ('multi', ?)", (bytes(_bitmap(self._multi, self.bits)),))


@dataclass(frozen=True)
class Kind:
    name: str
    first: int  # its groups are numbers first to end - 1
    end: int
    weight: int  # added to the score of its groups' names
    planes: list[tuple[int, int]]  # (2**j, the groups of this kind whose size has bit j) with the groups shifted to bit 0

    def bits(self, found: int) -> int:
        """``found``'s groups of this kind, shifted so that the kind's first group is bit 0."""
        return (found >> self.first) & ((1 << (self.end - self.first)) - 1)

    def entities(self, found: int) -> int:
        """How many entities the groups in ``found`` (as ``bits`` gives them) hold."""
        return sum(weight * (found & plane).bit_count() for weight, plane in self.planes)


@dataclass
class Group:
    """Entities that share kind, label and names, so score the same for any query."""

    id: int
    kind: str
    label_rank: int  # the label's place in label order (lower case), equal labels equal
    size: int
    score: float


class Layout:
    """What a search needs of every group, read once when the index opens: sizes, label order, kinds' ranges."""

    def __init__(self, db: sqlite3.Connection, weights: dict[str, int], other: int) -> None:
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        self.ranks, self.sizes = array("I"), array("I")
        self.ranks.frombytes(meta["ranks"])
        self.sizes.frombytes(meta["sizes"])
        self.bits = len(self.sizes)
        self.multi = int.from_bytes(meta["multi"], "little")  # groups with more than one name
        planes = [int.from_bytes(meta[f"plane{j}"], "little") for j in range(sum(name.startswith("plane") for name in meta))]
        self.kinds = {}
        for name, (first, end) in json.loads(meta["kinds"]).items():
            mask = (1 << (end - first)) - 1
            shifted = [(1 << j, (plane >> first) & mask) for j, plane in enumerate(planes)]
            self.kinds[name] = Kind(name, first, end, weights.get(name, other), [(w, plane) for w, plane in shifted if plane])

    def of(self, groups: Iterable[int]) -> int:
        return of(groups, self.bits)

    def union(self, blobs: Iterable[bytes | None]) -> int:
        return union(blobs, self.bits)

    def ranked(self, valued: list[tuple[float, int]], kind: str | None, end: int) -> tuple[dict[str, int], list[Group]]:
        """Entities per kind, and the ranked groups holding the first ``end`` entities (with every group tied with the
        last), where each group scores the highest value (plus its kind's weight) of the sets in ``valued`` holding it."""
        taken, bands = 0, []  # (score, kind, its groups scoring that) highest value first
        for value, found in sorted(valued, key=lambda item: -item[0]):
            band = found & ~taken
            taken |= band
            bands += [(value + k.weight, k, k.bits(band)) for k in self.kinds.values() if kind in (None, k.name)]
        counts = {name: n for name, k in self.kinds.items() if (n := k.entities(k.bits(taken)))}
        sizes = [(score, k.entities(found)) for score, k, found in bands if found]
        candidates: list[Group] = []
        for score, k, found in bands:
            # A band's groups past the first ``end`` entities, less those ranked above it, cannot reach the page.
            need = end - sum(n for other, n in sizes if other > score)
            if need > 0 and found:
                candidates += self._first(found, k, score, need)
        candidates.sort(key=lambda g: (-g.score, g.label_rank, g.id))
        ranked: list[Group] = []
        held = 0
        for group in candidates:
            if held >= end and (group.score, group.label_rank) != (ranked[-1].score, ranked[-1].label_rank):
                break
            ranked.append(group)
            held += group.size
        return counts, ranked

    def _first(self, found: int, kind: Kind, score: float, need: int) -> list[Group]:
        """A band's first groups in label order holding ``need`` entities, and the rest of the last one's label."""
        held, first = 0, list[Group]()
        for number in members(found, kind.first):
            if held >= need and self.ranks[number] != first[-1].label_rank:
                break
            first.append(Group(number, kind.name, self.ranks[number], self.sizes[number], score))
            held += self.sizes[number]
        return first
