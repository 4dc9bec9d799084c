"""Rendering query results for people (tables) and machines (CSV, JSON, Turtle...)."""

from __future__ import annotations

import pyoxigraph as ox

from cscip_kg.engine import QueryResult
from cscip_kg.namespaces import compact

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def display(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(result: QueryResult) -> str:
    """A fixed-width text table for a terminal."""
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    if isinstance(result, ox.QueryTriples):
        return "\n".join(" ".join(display(t) for t in (tr.subject, tr.predicate, tr.object)) for tr in result)
    names = [v.value for v in result.variables]
    rows = [[display(solution[name]) for name in names] for solution in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def serialize(result: QueryResult, fmt: str) -> bytes:
    """Machine-readable output; raises ValueError when the format does not fit the query form."""
    if isinstance(result, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise ValueError(f"a CONSTRUCT or DESCRIBE result can be {', '.join(GRAPH_FORMATS)}, not {fmt}")
        return result.serialize(format=GRAPH_FORMATS[fmt]) or b""
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"a SELECT or ASK result can be {', '.join(RESULT_FORMATS)}, not {fmt}")
    return result.serialize(format=RESULT_FORMATS[fmt]) or b""
