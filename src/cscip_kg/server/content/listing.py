"""Browse tables like Datasette's: rows answered once by the build from one query, then filtered, sorted and paged.

A ``Listing`` names a query (cscip_kg/listing_queries.py) whose every row is one
entity. Each column of the query is either a literal (text, money, a count,
yes/no) or a list of linked entities packed by ``entities()`` as
``iri<US>label<RS>iri<US>label``. ``build`` answers the queries and writes the
answers into the build folder (derived.py); a server reads them once per build
(``cache.per_build``), whether it queries its own store or a remote one. A
request only filters, sorts and pages the rows, through the sort orders and
value indexes listing_index.py makes once per build, and the same ``Page``
becomes HTML, CSV or JSON last, so the twins hold exactly the rows shown.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotFound

from cscip_kg.derived import read_listing
from cscip_kg.listing_queries import RECORD, UNIT
from cscip_kg.opened import Build
from cscip_kg.server.rendering.humanize import exact_pounds, pounds

if TYPE_CHECKING:
    from cscip_kg.server.content.listing_index import Prepared

PAGE_SIZES = (25, 50, 100, 500)
DEFAULT_SIZE = 50
RESERVED = ("sort", "desc", "page", "size", "format")


@dataclass(frozen=True, slots=True)
class Item:
    """One value in a cell: text for people, an IRI when it names an entity, a number to sort by."""

    text: str
    iri: str | None = None
    number: Decimal | None = None
    exact: str = ""  # the exact figure, for hover text and the CSV


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | entities | money | count | bool
    facet: str = ""  # the facet's heading, when the column is one
    note: str = ""  # what the column means, shown on hover

    def items(self, value: str) -> tuple[Item, ...]:
        """The cell of a lexical value from the listing's answer ("" where the query left it unbound)."""
        if value == "":
            return ()
        if self.kind == "entities":
            pairs = (part.split(UNIT, 1) for part in value.split(RECORD) if part)  # "": a solution with none
            return tuple(sorted((Item(label, iri) for iri, label in pairs), key=lambda i: i.text.lower()))
        if self.kind == "bool":
            return (Item("yes" if value in ("true", "1") else "no"),)
        try:
            number = Decimal(value)
        except InvalidOperation:
            return (Item(value),)
        if self.kind == "money":
            return (Item(pounds(number), None, number, exact_pounds(number)),)
        if self.kind == "count":
            return (Item(f"{number:f}", None, number, f"{number:f}"),)
        return (Item(value),)


@dataclass(frozen=True)
class Listing:
    name: str
    title: str
    intro: str
    query: str
    columns: tuple[Column, ...]
    sort: str  # the column the table opens sorted by
    desc: bool = False

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def facets(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.facet)


Cell = tuple[Item, ...]
Row = dict[str, Cell]  # a row shown: column key → cell
# Column key → every row's cell, in the answer's order: a listing is held by column, and only the rows a page
# shows are made dicts (at ×100 a dict per row was 16 of the seven listings' 54 MiB).
Columns = dict[str, list[Cell]]


def compute_columns(build: Build, listing: Listing) -> Columns:
    """The listing's cells from the answer the build wrote."""
    answer = read_listing(build.folder, listing.name)
    # The same cell (a round, a lead, a theme) recurs in thousands of rows at ×100, and the same item in
    # many cells: each is made once and shared, which holds a listing in about a third of the memory.
    cells: dict[tuple[str, str], Cell] = {}
    items: dict[Item, Item] = {}

    def cell(column: Column, value: str) -> Cell:
        found = cells.get((column.key, value))
        if found is None:
            found = cells[(column.key, value)] = tuple(items.setdefault(i, i) for i in column.items(value))
        return found

    return {c.key: [cell(c, row[c.key]) for row in answer] for c in listing.columns}


def facet_value(item: Item) -> str:
    """What a facet filter names: the entity's IRI, or the text of a literal."""
    return item.iri or item.text


@dataclass
class FacetCount:
    value: str
    text: str
    count: int
    selected: bool
    href: str  # toggles this value


@dataclass
class Facet:
    column: Column
    counts: list[FacetCount]


@dataclass
class Page:
    listing: Listing
    rows: list[Row]
    total: int  # rows matching the filters
    overall: int  # rows in the listing
    number: int
    size: int
    sort: str
    desc: bool
    filters: dict[str, list[str]]
    facets: list[Facet] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def sort_key(items: Cell) -> tuple[Any, ...]:
    """What a column's cells sort by."""
    if not items:
        return (1, Decimal(0), "")  # empty cells last, whichever way the table is sorted
    first = items[0]
    return (0, first.number if first.number is not None else Decimal(0), " ".join(i.text.lower() for i in items))


def parse_request(listing: Listing, args: MultiDict[str, str]) -> tuple[dict[str, list[str]], str, bool, int, int]:
    """Filters, sort column, direction, page number and size from the query string, or BadRequest naming the bad one."""
    filters: dict[str, list[str]] = {}
    for key in args:
        if key in RESERVED:
            continue
        column = listing.column(key)
        if column is None or not column.facet:
            allowed = ", ".join(c.key for c in listing.facets)
            raise BadRequest(f"{key!r} is not a filter of {listing.title}; the filters are {allowed}, and sort, desc, page, size")
        filters[key] = args.getlist(key)
    sort = args.get("sort", listing.sort)
    if listing.column(sort) is None:
        raise BadRequest(f"sort={sort!r}: no such column; the columns are {', '.join(c.key for c in listing.columns)}")
    desc = args.get("desc", "1" if listing.desc and "sort" not in args else "0")
    if desc not in ("0", "1"):
        raise BadRequest(f"desc={desc!r}: give 1 (largest or last first) or 0")
    return filters, sort, desc == "1", _whole(args, "page", 1, 1), _size(args)


def _whole(args: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise BadRequest(f"{name}={raw!r}: give a whole number from {minimum}")
    return int(raw)


def _size(args: Mapping[str, str]) -> int:
    size = _whole(args, "size", DEFAULT_SIZE, 1)
    if size > PAGE_SIZES[-1]:
        raise BadRequest(f"size={size}: at most {PAGE_SIZES[-1]} rows a page")
    return size


def page_count(total: int, size: int) -> int:
    """Pages of ``size`` that ``total`` rows fill; one, empty, when there are none."""
    return max(1, -(-total // size))


def select(prepared: Prepared, args: MultiDict[str, str], here: str) -> Page:
    """The page of rows a request asks for, with facet counts over the filtered rows; ``here`` is the page's path."""
    listing = prepared.listing
    filters, sort, desc, number, size = parse_request(listing, args)
    kept = prepared.kept(filters, sort, desc)
    pages = page_count(len(kept), size)
    if number > pages:  # an empty page past the end would read as "no such rows"
        raise NotFound(f"page={number}: {len(kept)} {'row fills' if len(kept) == 1 else 'rows fill'} "
                       f"{pages} page{'' if pages == 1 else 's'} of {size}")
    shown = [prepared.row(i) for i in kept[(number - 1) * size:number * size]]
    page = Page(listing, shown, len(kept), len(prepared.numbers), number, size, sort, desc, filters)
    page.facets = [_facet(prepared, c, kept, filters, args, here, sort, desc) for c in listing.facets]
    return page


def link(here: str, args: MultiDict[str, str]) -> str:
    return here + ("?" + urlencode(list(args.items(multi=True))) if args else "")


def _facet(prepared: Prepared, column: Column, kept: Sequence[int], filters: dict[str, list[str]], args: MultiDict[str, str],
           here: str, sort: str, desc: bool) -> Facet:
    selected = filters.get(column.key, [])
    # A value not chosen adds itself to the query string, after this facet's chosen values (where
    # MultiDict.add puts it); x100: thousands of values a page, so the rest is encoded once.
    others = [(k, v) for k, v in args.items(multi=True) if k != "page"]
    last = max((n + 1 for n, (k, _v) in enumerate(others) if k == column.key), default=len(others))
    before = "".join(f"{quote_plus(k)}={quote_plus(v)}&" for k, v in others[:last])
    after = "".join(f"&{quote_plus(k)}={quote_plus(v)}" for k, v in others[last:])
    prefix = f"{here}?{before}{quote_plus(column.key)}="
    quoted = prepared.quoted
    found = []
    for (value, text), count in prepared.counts(column.key, kept, bool(filters), sort, desc):
        if value in selected:
            toggled = MultiDict([(k, v) for k, v in others if not (k == column.key and v == value)])
            found.append(FacetCount(value, text, count, True, link(here, toggled)))
        else:
            found.append(FacetCount(value, text, count, False, prefix + quoted[value] + after))
    return Facet(column, found)


def to_csv(page: Page) -> str:
    """The rows shown, with exact figures and, for linked columns, the IRIs in a column of their own."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header: list[str] = []
    for c in page.listing.columns:
        header += [c.key, f"{c.key}_iri"] if c.kind == "entities" else [c.key]
    writer.writerow(header)
    for row in page.rows:
        line: list[str] = []
        for c in page.listing.columns:
            items = row[c.key]
            if c.kind == "entities":
                line += ["; ".join(i.text for i in items), " ".join(i.iri or "" for i in items)]
            elif c.kind in ("money", "count"):
                line.append("; ".join(f"{i.number:f}" for i in items if i.number is not None))
            else:
                line.append("; ".join(i.text for i in items))
        writer.writerow(line)
    return out.getvalue()


def to_json(page: Page, links: Mapping[str, str | None]) -> dict[str, Any]:
    def cell(column: Column, items: tuple[Item, ...]) -> Any:
        if column.kind == "entities":
            return [{"label": i.text, "iri": i.iri} for i in items]
        if column.kind in ("money", "count"):
            return float(items[0].number) if items and items[0].number is not None else None
        if column.kind == "bool":
            return items[0].text == "yes" if items else None
        return "; ".join(i.text for i in items) or None

    return {
        "title": page.listing.title, "total": page.total, "page": page.number, "size": page.size, "pages": page.pages,
        "sort": page.sort, "desc": page.desc, "filters": page.filters, "links": dict(links),
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in page.listing.columns],
        "rows": [{c.key: cell(c, row[c.key]) for c in page.listing.columns} for row in page.rows],
        "facets": {f.column.key: [{"value": fc.value, "label": fc.text, "count": fc.count} for fc in f.counts] for f in page.facets},
    }
