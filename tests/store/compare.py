"""Comparing answers from two stores the way SPARQL defines them, not byte for byte.

Rows are a multiset (ORDER BY ties may come in any order), blank node labels
are local to one answer, and GROUP_CONCAT joins its values in an order the
standard leaves open, so those columns compare as sorted parts.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

_CONCAT = re.compile(r"GROUP_CONCAT\s*\(((?:[^()]|\([^()]*\))*)\)\s*AS\s*\?(\w+)", re.IGNORECASE)
_SEPARATOR = re.compile(r'separator\s*=\s*"([^"]*)"', re.IGNORECASE)


def concat_columns(query: str) -> dict[str, str]:
    """Variable → separator of every GROUP_CONCAT in ``query``."""
    columns = {}
    for match in _CONCAT.finditer(query):
        separator = _SEPARATOR.search(match.group(1))
        columns[match.group(2)] = separator.group(1) if separator else " "
    return columns


def _cell(name: str, term: object, columns: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:b"
    if name in columns and isinstance(term, ox.Literal):
        return columns[name].join(sorted(term.value.split(columns[name])))
    return str(term)


def rows(body: bytes, query: str) -> Counter[tuple[str, ...]] | bool:
    """A SPARQL JSON results document as a comparable multiset of rows (or the ASK answer)."""
    result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    columns = concat_columns(query)
    names = [v.value for v in result.variables]
    return Counter(tuple(_cell(n, solution[n], columns) for n in names) for solution in result)


def same_graph(first: bytes, second: bytes, fmt: str = "nt") -> bool:
    return isomorphic(Graph().parse(data=first, format=fmt), Graph().parse(data=second, format=fmt))


def variables(body: bytes) -> list[str]:
    return list(json.loads(body)["head"].get("vars", []))
