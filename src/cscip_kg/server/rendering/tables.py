"""SELECT results as tables for people: words for headings, money and yes/no, one row per fact.

The rules, applied to every named-query table (query pages, overview pages,
entity pages):

* ``?x`` with ``?xLabel`` is one column: the label, linked to x's page.
* ``?amount`` (or total, funding) is money, "£4.8m"; ``?upTo``, ``?moreThan`` and
  ``?statedAs`` beside it qualify it ("up to £1.7m") and hover text, not columns.
* ``?source``, ``?sources`` and ``?url`` are one "Stated by" column of links to the
  pages cited; rows that differ only in their sources are one row with all of them.
* booleans are yes/no, a claim status or basis is said in words, and a column
  that is empty in every row is left out.
* headings come from the query's ``#+ column:`` lines, else the ontology term of
  the same name, else the name split into words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from cscip_kg.anchored import each_iri
from cscip_kg.engine import Prepared
from cscip_kg.opened import Build
from cscip_kg.server.cache import per_build
from cscip_kg.server.rendering.basis import STATED, Basis, basis_in_words
from cscip_kg.server.rendering.humanize import basis_words, column_label, literal_words, money
from cscip_kg.server.rendering.links import Cell, Link, Table, href
from cscip_kg.server.rendering.source_links import site_name, source_links
from cscip_kg.server.rendering.views import short
from cscip_kg.server.rendering.vocabulary import LABELS

LABEL_SUFFIX = "Label"
MONEY = ("amount", "total", "funding", "totalAmount")
QUALIFIERS = ("upTo", "moreThan", "statedAs")
SOURCES = ("source", "sources", "url", "statedBy")
BASIS = ("status", "statusLabel", "basis", "basisLabel")
_LABELS = "SELECT ?x ?label WHERE {{ {branches} }}"
_ONTOLOGY_LABELS = """SELECT ?term ?label WHERE {{ GRAPH <{graph}> {{ ?term <http://www.w3.org/2000/01/rdf-schema#label> ?label }} }}"""


def ontology_labels() -> dict[str, str]:
    """Local name of each own term → its rdfs:label (``upTo`` → "up to"), once per build."""
    return per_build("ontology-labels", _ontology_labels)


def _ontology_labels(build: Build) -> dict[str, str]:
    result = build.engine.query(Prepared(_ONTOLOGY_LABELS.format(graph=build.base + "graph/ontology")))
    assert isinstance(result, ox.QuerySolutions)
    namespace = build.base + "def/"
    return {row["term"].value[len(namespace):]: row["label"].value for row in result
            if row["term"].value.startswith(namespace) and (row["label"].language in (None, "en"))}


def people_table(build: Build, names: list[str], solutions: Sequence[ox.QuerySolution], headings: Mapping[str, str]) -> Table:
    folded = {n + LABEL_SUFFIX for n in names if n + LABEL_SUFFIX in names}
    money_column = next((n for n in names if n in MONEY), None)
    hidden = set(folded) | ({q for q in QUALIFIERS if q in names} if money_column else set())
    sources = [n for n in names if n in SOURCES]
    if "source" in sources and "url" in sources:
        sources.remove("url")  # the source's link already goes to its original page
    hidden |= {n for n in names if n in SOURCES}
    shown = [n for n in names if n not in hidden]
    labels = labels_of(build, {t.value for solution in solutions for n in shown if n + LABEL_SUFFIX not in folded
                             and isinstance(t := solution[n], ox.NamedNode)})
    merged: dict[tuple[tuple[str, ...], ...], list[Cell]] = {}
    order: list[tuple[tuple[str, ...], ...]] = []
    for solution in solutions:
        cells = [_column_cell(build, solution, n, folded, money_column, labels) for n in shown]
        key = tuple(tuple(f"{link.text}\x00{link.href}" for link in cell) for cell in cells)
        found = [key for n in sources for key in (_text(solution, n) or "").split()]
        if key not in merged:
            merged[key] = [*cells, []]
            order.append(key)
        merged[key][-1].extend(source_links(build, found))
    rows = []
    for key in order:
        row = merged[key]
        row[-1] = _unique(row[-1])
        rows.append(row)
    for index in [i for i, n in enumerate(shown) if n in BASIS] if sources else []:
        _name_stating(rows, index)
    columns = [headings.get(n) or column_label(n, ontology_labels()) for n in shown]
    for repeated in [i for i, c in enumerate(columns) if columns.count(c) > 1 and all(_coded(row[i]) for row in merged.values())]:
        columns[repeated] = ""  # the same fact as another column, as a code: ``?relatedType`` beside ``?typeLabel``
    if sources:
        columns.append(headings.get(sources[0]) or "Stated by")
    else:
        rows = [row[:-1] for row in rows]
    return _drop_empty(Table(columns, rows, frozenset(i for i, n in enumerate(shown) if n == money_column)))


def _name_stating(rows: list[list[Cell]], index: int) -> None:
    """A stated row's basis names the sites that state it ("stated by gov.uk"), as an entity page's does:
    "stated by the source" on every row said nothing a reader could not assume."""
    for row in rows:
        names = tuple(dict.fromkeys(site_name(link) for link in row[-1]))
        if names and [link.text for link in row[index]] == [basis_words(None)]:
            row[index] = [Link(basis_in_words(Basis(STATED, sources=names)))]


def _coded(cell: Cell) -> bool:
    return all(":" in link.text and " " not in link.text for link in cell)


def _unique(links: list[Link]) -> list[Link]:
    return list({(link.href or link.text): link for link in links}.values())


def _column_cell(build: Build, solution: ox.QuerySolution, name: str, folded: set[str], money_column: str | None,
                 labels: dict[str, str]) -> Cell:
    term = solution[name]
    if name == money_column and isinstance(term, ox.Literal):
        found = money(term.value, *(_text(solution, q) for q in QUALIFIERS))
        if found is not None:
            return [Link(found.text, None, found.title, str(found.value))]
    if name in BASIS and isinstance(term, ox.NamedNode | ox.Literal):
        return [Link(basis_words(term.value))]
    label = solution[name + LABEL_SUFFIX] if name + LABEL_SUFFIX in folded else None
    if label is None and isinstance(term, ox.NamedNode) and term.value in labels:
        label = ox.Literal(labels[term.value])
    return [term_cell(build, term, label)] if term is not None else []


def labels_of(build: Build, iris: set[str]) -> dict[str, str]:
    """Names for the IRIs a query returned without one (a grant, a class): one query, on those IRIs only."""
    if not iris:
        return {}
    branches = each_iri("x", iris, "?x <http://www.w3.org/2000/01/rdf-schema#label> ?label")
    result = build.engine.query(Prepared(_LABELS.format(branches=branches)))
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, str] = {}
    for row in result:
        if row["label"].language in (None, "en") or row["x"].value not in found:
            found[row["x"].value] = row["label"].value
    for iri in iris - found.keys():
        if iri in LABELS:
            found[iri] = LABELS[iri]
    return found


def _text(solution: ox.QuerySolution, name: str) -> str | None:
    try:
        term = solution[name]
    except KeyError:
        return None
    return term.value if term is not None else None


def term_cell(build: Build, term: object, label: object) -> Link:
    if isinstance(term, ox.NamedNode):
        text = label.value if isinstance(label, ox.Literal) else short(term.value, build.prefixes)
        return Link(text, href(build, term.value), term.value)
    if isinstance(term, ox.Literal):
        if term.value.startswith(("http://", "https://")) and " " not in term.value:
            return source_links(build, [term.value])[0]
        return Link(literal_words(term.value, term.datatype.value))
    return Link("" if term is None else str(term))


def _drop_empty(table: Table) -> Table:
    """Leave out the columns no row has a value in (an optional part the query never matched)."""
    keep = [i for i in range(len(table.columns))
            if table.columns[i] and (not table.rows or any(any(link.text for link in row[i]) for row in table.rows))]
    if len(keep) == len(table.columns):
        return table
    numeric = frozenset(keep.index(i) for i in table.numeric if i in keep)
    return Table([table.columns[i] for i in keep], [[row[i] for i in keep] for row in table.rows], numeric)
