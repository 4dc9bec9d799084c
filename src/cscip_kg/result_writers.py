"""W3C SPARQL result formats written from a list of rows, so a result cut at the row cap can say so.

pyoxigraph writes a whole result iterator; a capped answer needs to write the
rows taken and then say, in the answer itself, that more were left off. The
JSON answer carries ``"truncated": true`` and ``"rowLimit"`` beside the standard
members (clients ignore members they do not know); every format also gets the
HTTP header set by the caller.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Row = Sequence[object | None]


# xml.sax.saxutils's escape and quoteattr, written out: importing it pulls in urllib.request, http.client,
# email and ssl, a third of what a query worker imports before it can answer (tests/test_worker_imports.py).
def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


_encode = json.JSONEncoder(ensure_ascii=False).encode  # a JSON string literal, escaped as json.dumps escapes it


def _json_term(term: object) -> str:
    """A term as its SPARQL JSON object, written out (the same bytes json.dumps would give, compact)."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _encode(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _encode(term.value) + "}"
    if isinstance(term, ox.Literal):
        value = '{"type":"literal","value":' + _encode(term.value)
        if term.language:
            return value + ',"xml:lang":' + _encode(term.language) + "}"
        if term.datatype.value != XSD_STRING:
            return value + ',"datatype":' + _encode(term.datatype.value) + "}"
        return value + "}"
    return '{"type":"literal","value":' + _encode(str(term)) + "}"  # RDF-star triple terms, written as text


def _json(variables: list[str], rows: Sequence[Row], truncated: bool, limit: int) -> bytes:
    # Written as text rather than built as dicts for json.dumps: a term recurs in many rows (a programme, a
    # source) and is written once per answer, and reading a term's parts costs a call into pyoxigraph each;
    # this was a third of a /sparql answer's time in the worker (evidence-at-adoption at x1: 3.6 -> 1.2 ms).
    names = [_encode(v) + ":" for v in variables]
    written: dict[object, str] = {}
    bindings = []
    for row in rows:
        cells = []
        for name, term in zip(names, row, strict=True):
            if term is not None:
                text = written.get(term)
                if text is None:
                    text = written[term] = _json_term(term)
                cells.append(name + text)
        bindings.append("{" + ",".join(cells) + "}")
    tail = f',"truncated":true,"rowLimit":{int(limit)}' if truncated else ""
    head = '{"head":{"vars":[' + ",".join(_encode(v) for v in variables) + ']},"results":{"bindings":['
    return (head + ",".join(bindings) + "]}" + tail + "}").encode("utf-8")


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _xml(variables: list[str], rows: Sequence[Row]) -> bytes:
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        parts += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                  for v, t in zip(variables, row, strict=True) if t is not None]
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def _csv_value(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return "" if term is None else str(term)


def _separated(variables: list[str], rows: Sequence[Row], tsv: bool) -> bytes:
    out = io.StringIO()
    if tsv:
        # TSV writes terms in their Turtle form (escapes included), so no quoting layer on top.
        out.write("\t".join(f"?{v}" for v in variables) + "\n")
        for row in rows:
            out.write("\t".join("" if t is None else str(t) for t in row) + "\n")
    else:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
    return out.getvalue().encode("utf-8")


def write_solutions(variables: list[str], rows: Sequence[Row], fmt: str, truncated: bool = False, limit: int = 0) -> bytes:
    if fmt == "json":
        return _json(variables, rows, truncated, limit)
    if fmt == "xml":
        return _xml(variables, rows)
    if fmt in ("csv", "tsv"):
        return _separated(variables, rows, fmt == "tsv")
    raise ValueError(f"no SELECT results format {fmt!r}")


def write_boolean(answer: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if answer else 'false'}</boolean></sparql>\n").encode()
    if fmt == "csv":
        return f"_askResult\r\n{'true' if answer else 'false'}\r\n".encode()
    if fmt == "tsv":
        return f"?_askResult\n{'true' if answer else 'false'}\n".encode()
    raise ValueError(f"no ASK results format {fmt!r}")
