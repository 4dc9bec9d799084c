"""A listing's rows made ready once per build for every request: sort orders, facet cells, value indexes.

At ×100 a listing has up to 17,900 rows and a facet up to 3,400 values. Sorting the rows, reading
each row's facet values out of its items and asking every row whether it matches a filter, again
on every request, took 50–120 ms a page. Here each is done once per process (``cache.per_build``)
and a request only walks lists of row numbers: a filter is the union of the rows each chosen value
names, a page is a slice of the sorted row numbers it keeps, and a facet's counts are a Counter
over the kept rows' prepared cells (over all rows: computed once per sort order and kept).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from urllib.parse import quote_plus

from cscip_kg.server.content.listing import Cell, Columns, Listing, Row, facet_value, sort_key

Pair = tuple[str, str]  # (the value a filter names, its text)
Counts = list[tuple[Pair, int]]


@dataclass
class Prepared:
    listing: Listing
    columns: Columns
    cells: dict[str, list[tuple[Pair, ...]]]  # facet key → each row's distinct (value, text) pairs
    holders: dict[str, dict[str, list[int]]]  # facet key → value → the rows holding it, ascending
    quoted: dict[str, str]  # facet value → as a query string carries it
    numbers: list[int]  # range(number of rows), made once: every order and index holds these very ints
    _orders: dict[tuple[str, bool], list[int]] = field(default_factory=dict)
    _counts: dict[tuple[str, str, bool], Counts] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def row(self, number: int) -> Row:
        return {key: cells[number] for key, cells in self.columns.items()}

    def order(self, sort: str, desc: bool) -> list[int]:
        """Every row's number, sorted as ``listing.select`` sorts; stable, so any subset keeps the same order."""
        found = self._orders.get((sort, desc))
        if found is None:
            cells = self.columns[sort]
            # The row numbers of self.numbers, not new ints: above 256 each int is an object of its own.
            found = sorted(self.numbers, key=lambda i: sort_key(cells[i]), reverse=desc)
            if desc:  # keep empty cells last
                found.sort(key=lambda i: 0 if cells[i] else 1)
            with self._lock:
                self._orders[(sort, desc)] = found
        return found

    def kept(self, filters: dict[str, list[str]], sort: str, desc: bool) -> list[int]:
        """The numbers of the rows matching every filter (any of its values), in the order asked for."""
        order = self.order(sort, desc)
        if not filters:
            return order
        chosen: set[int] | None = None
        for key, wanted in filters.items():
            holders = self.holders[key]
            matching: set[int] = set().union(*(holders.get(value, ()) for value in wanted))
            chosen = matching if chosen is None else chosen & matching
        assert chosen is not None
        return [i for i in order if i in chosen]

    def counts(self, key: str, kept: Sequence[int], filtered: bool, sort: str, desc: bool) -> Counts:
        """Each value of facet ``key`` among the kept rows, most rows first, then by text, then by first row shown."""
        if filtered:
            return self._count(key, kept)
        found = self._counts.get((key, sort, desc))
        if found is None:
            found = self._count(key, kept)
            with self._lock:
                self._counts[(key, sort, desc)] = found
        return found

    def _count(self, key: str, kept: Sequence[int]) -> Counts:
        cells = self.cells[key]
        # A Counter remembers first sight: ties of count and text keep the order the rows are shown in.
        counted = Counter(chain.from_iterable(map(cells.__getitem__, kept)))
        return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0][1].lower()))


def prepare(listing: Listing, columns: Columns) -> Prepared:
    """The rows with each facet's cells and value index worked out; sort orders come on first use."""
    cells: dict[str, list[tuple[Pair, ...]]] = {}
    holders: dict[str, dict[str, list[int]]] = {}
    numbers = list(range(len(columns[listing.columns[0].key])))
    quoted: dict[str, str] = {}
    pairs: dict[Cell, tuple[Pair, ...]] = {}  # a cell shared by many rows has its pairs made once

    def cell_pairs(cell: Cell) -> tuple[Pair, ...]:
        found = pairs.get(cell)
        if found is None:
            found = pairs[cell] = tuple(dict.fromkeys((facet_value(i), i.text) for i in cell))
        return found

    for column in listing.facets:
        key = column.key
        column_cells = [cell_pairs(cell) for cell in columns[key]]
        index: dict[str, list[int]] = {}  # lists, not sets: a tenth of the memory, and a filter unions them anyway
        for number, cell in zip(numbers, column_cells, strict=True):
            for value, _text in cell:
                index.setdefault(value, []).append(number)
        for value in index:
            if value not in quoted:
                quoted[value] = quote_plus(value)
        cells[key], holders[key] = column_cells, index
    return Prepared(listing, columns, cells, holders, quoted, numbers)
