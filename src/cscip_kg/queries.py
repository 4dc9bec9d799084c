"""Named queries: .rq files in queries/ with a strict metadata header.

Header lines start with ``#+``::

    #+ title: Which round 1 models fed Strengthening Families?
    #+ description: One line saying what the answer is.
    #+ param: programme | iri | default=programme:sfpc | The programme the models fed
    #+ column: innovatorLabel | Innovator

A parameter is ``name | type | required|optional|default=VALUE | description``;
types are iri, string, integer, decimal and boolean. The parameter binds the
query variable of the same name (``?programme``). A malformed header is an
error naming the file and line; the file name (without .rq) is the query name.
A ``column`` line (optional) gives a result variable's heading on the pages.

Each file is complete SPARQL: it declares its own PREFIX lines, so it runs as
written in any SPARQL 1.1 tool. Its IRIs are written under the canonical base;
a build made with ``--base-iri`` moves them, as it moves the data (``under``).
An ad-hoc file (``cscip-kg query my.rq``) is read with ``strict=False``: any
file name, and the header is optional.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.engine import strip_literals
from cscip_kg.namespaces import BASE, PREFIXES, base_of

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "integer", "decimal", "boolean")
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class QueryFileError(Exception):
    """A query file's header is malformed."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class ParameterError(ValueError):
    """A parameter value given by a user is missing, unknown or of the wrong type."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        super().__init__(f"parameter '{name}': {message}")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    required: bool = False
    default: str | None = None

    def convert(self, value: str, prefixes: Mapping[str, str] = PREFIXES) -> ox.NamedNode | ox.Literal:
        """Turn a user's text into an RDF term, or raise ParameterError saying why not."""
        value = value.strip()
        if self.type == "iri":
            return ox.NamedNode(expand_iri(value, self.name, prefixes))
        if self.type == "string":
            return ox.Literal(value)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", value):
                raise ParameterError(self.name, f"expected an integer, got {value!r}")
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
        if self.type == "decimal":
            try:
                Decimal(value)
            except InvalidOperation:
                raise ParameterError(self.name, f"expected a decimal number, got {value!r}") from None
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "decimal"))
        if value not in ("true", "false"):
            raise ParameterError(self.name, f"expected true or false, got {value!r}")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "boolean"))


def expand_iri(value: str, name: str = "iri", prefixes: Mapping[str, str] = PREFIXES) -> str:
    """Accept a full http(s) IRI or a project prefixed name such as model:no-wrong-door."""
    if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
        return value
    prefix, _, local = value.partition(":")
    if prefix in prefixes and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", local or ""):
        return prefixes[prefix] + local
    raise ParameterError(name, f"expected an http(s) IRI or a prefixed name like model:no-wrong-door, got {value!r}")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    columns: tuple[tuple[str, str], ...] = ()  # (result variable, heading for people)

    @property
    def headings(self) -> dict[str, str]:
        return dict(self.columns)

    def bind(self, given: Mapping[str, str], prefixes: Mapping[str, str] = PREFIXES, *, inline: bool = True) -> str:
        """The query text with the given parameter values bound (defaults filled in).

        An IRI goes into the text in place of its variable where that means the
        same as binding it (as grlc does): engines plan from a constant, while a
        VALUES block may be joined only after the rest is evaluated (lineage at
        ×1: 0.04 s inline, 0.2 s as VALUES). Any other value, or a variable that
        is projected, assigned, tested with BOUND or used in a subquery or MINUS,
        goes in as an inline VALUES block at the top of the outer WHERE group.
        Either way the result is plain SPARQL that any store evaluates the same;
        ``inline=False`` always uses VALUES, the meaning inlining must keep.
        """
        return self.under(prefixes)._bind(self.bindings(given, prefixes), inline)

    def _bind(self, bindings: Mapping[str, ox.NamedNode | ox.Literal], inline: bool) -> str:
        spans = self._inlinable if inline else dict.fromkeys(bindings)
        edits: list[tuple[tuple[int, int], str]] = []
        rest: dict[str, ox.NamedNode | ox.Literal] = {}
        for name, term in bindings.items():
            where = spans[name]
            if isinstance(term, ox.NamedNode) and where is not None:
                edits.extend((span, str(term)) for span in where)
            else:
                rest[name] = term
        text = self.text
        for (start, end), value in sorted(edits, reverse=True):
            text = f"{text[:start]}{value}{text[end:]}"
        if not rest:
            return text
        names = " ".join(f"?{n}" for n in rest)
        terms = " ".join(str(t) for t in rest.values())
        # Every inlined span lies after the WHERE brace, so its position still holds.
        position = self._where_brace
        return f"{text[:position + 1]}\n  VALUES ({names}) {{ ({terms}) }}{text[position + 1:]}"

    def under(self, prefixes: Mapping[str, str]) -> NamedQuery:
        """This query with its IRIs moved to the base ``prefixes`` were made for (itself if unmoved)."""
        base = base_of(prefixes)
        return self if base == BASE else _moved(self, base)

    # Both once per query, not per request: finding them strips the literals from the whole text.
    @cached_property
    def _inlinable(self) -> dict[str, tuple[tuple[int, int], ...] | None]:
        return {p.name: _inline_spans(self.text, p.name) for p in self.parameters}

    @cached_property
    def _where_brace(self) -> int:
        return _outer_where_brace(self.text)

    def bindings(self, given: Mapping[str, str], prefixes: Mapping[str, str] = PREFIXES) -> dict[str, ox.NamedNode | ox.Literal]:
        """Validated substitutions for the given parameter values, defaults filled in."""
        known = {p.name for p in self.parameters}
        for name in given:
            if name not in known:
                raise ParameterError(name, f"unknown parameter (this query takes: {', '.join(sorted(known)) or 'none'})")
        result: dict[str, ox.NamedNode | ox.Literal] = {}
        for parameter in self.parameters:
            raw = given.get(parameter.name)
            if raw is None or raw == "":
                raw = parameter.default
            if raw is None:
                if parameter.required:
                    raise ParameterError(parameter.name, "is required")
                continue
            result[parameter.name] = parameter.convert(raw, prefixes)
        return result


_CANONICAL_IRI = re.compile(rf"<{re.escape(BASE)}")


@lru_cache(maxsize=64)
def _moved(query: NamedQuery, base: str) -> NamedQuery:
    # As build.rebase moves the data: every IRI minted under the canonical base, PREFIX lines included.
    text = _CANONICAL_IRI.sub(lambda _m: f"<{base}", query.text)
    return NamedQuery(query.name, query.title, query.description, text, query.path, query.parameters, query.columns)


_WHERE = re.compile(r"(?<![?$:\w-])WHERE\s*\{", re.IGNORECASE)


def _outer_where_brace(text: str) -> int:
    match = _WHERE.search(strip_literals(text))
    if match is None:
        raise ValueError("query has no WHERE {")
    return match.end() - 1


# The characters that may follow a variable name's first character (SPARQL VARNAME).
_VARNAME_REST = r"[\w\u00B7\u0300-\u036F\u203F-\u2040]"
_SCOPED = re.compile(r"(?<![?$:\w-])(SELECT|MINUS)(?![:\w-])", re.IGNORECASE)
_STAR = re.compile(r"(?<![?$:\w-])(SELECT|DESCRIBE)\s+((DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)


def _inline_spans(text: str, name: str) -> tuple[tuple[int, int], ...] | None:
    """Where ``?name`` may be replaced by a constant without changing the answer, or None.

    Not when it appears outside the outer WHERE group (projected, also by
    ``SELECT *``, grouped, ordered), is assigned (``AS ?name``, VALUES), is
    given to BOUND (which takes only a variable), or when the group holds a
    subquery or MINUS, whose variables are scoped apart from the outer ones;
    nor in an unclosed group, whose syntax error the engine reports.
    """
    stripped = strip_literals(text)
    start = _outer_where_brace(text)
    end = _matching_brace(stripped, start)
    if end is None:
        return None
    body = stripped[start:end]
    variable = rf"[?$]{re.escape(name)}(?!{_VARNAME_REST})"
    spans = tuple(m.span() for m in re.finditer(variable, stripped))
    if any(s < start or e > end for s, e in spans) or _SCOPED.search(body) or _STAR.search(stripped[:start]):
        return None
    assigned = rf"\bAS\s+{variable}|\bBOUND\s*\(\s*{variable}|\bVALUES\s*(?:\(\s*(?:[?$]{_VARNAME_REST}+\s*)*)?{variable}"
    if re.search(assigned, body, re.IGNORECASE):
        return None
    return spans


def _matching_brace(stripped: str, opening: int) -> int | None:
    depth = 0
    for position in range(opening, len(stripped)):
        character = stripped[position]
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
            if depth == 0:
                return position
    return None


def parse_query_file(path: Path, *, strict: bool = True) -> NamedQuery:
    """Read a query file; ``strict`` (named queries) requires a hyphenated name, title and description."""
    name = path.stem
    if strict and not NAME.match(name):
        raise QueryFileError(path, None, "query file names must be lower-case words joined by hyphens")
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    columns: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, sep, value = line[2:].strip().partition(":")
        key, value = key.strip(), value.strip()
        if not sep or not value:
            raise QueryFileError(path, number, "header lines look like '#+ key: value'")
        if key == "param":
            parameters.append(_parse_param(path, number, value, text))
        elif key == "column":
            variable, bar, heading = (part.strip() for part in value.partition("|"))
            if not bar or not PARAM_NAME.match(variable) or not heading:
                raise QueryFileError(path, number, "column is 'variable | heading'")
            columns[variable] = heading
        elif key in ("title", "description"):
            if key in fields:
                raise QueryFileError(path, number, f"'{key}' given twice")
            fields[key] = value
        else:
            raise QueryFileError(path, number, f"unknown header key '{key}' (expected title, description, param, column)")
    for key in ("title", "description"):
        if strict and key not in fields:
            raise QueryFileError(path, 1, f"header has no '#+ {key}:' line")
    if parameters and not _WHERE.search(strip_literals(text)):
        raise QueryFileError(path, None, "a query with parameters must use the WHERE keyword")
    names = [p.name for p in parameters]
    if len(set(names)) != len(names):
        raise QueryFileError(path, None, "a parameter is declared twice")
    return NamedQuery(name, fields.get("title", name), fields.get("description", ""), text, path, tuple(parameters),
                      tuple(columns.items()))


def _parse_param(path: Path, number: int, value: str, text: str) -> Parameter:
    parts = [p.strip() for p in value.split("|")]
    if len(parts) != 4:
        raise QueryFileError(path, number, "param is 'name | type | required|optional|default=VALUE | description'")
    name, kind, presence, description = parts
    if not PARAM_NAME.match(name):
        raise QueryFileError(path, number, f"bad parameter name '{name}'")
    if kind not in PARAM_TYPES:
        raise QueryFileError(path, number, f"parameter type must be one of {', '.join(PARAM_TYPES)}, not '{kind}'")
    if not re.search(rf"[?$]{re.escape(name)}\b", text):
        raise QueryFileError(path, number, f"parameter '{name}' is not used as ?{name} in the query")
    if not description:
        raise QueryFileError(path, number, f"parameter '{name}' needs a description")
    parameter = Parameter(name, kind, description, required=presence == "required")
    if presence.startswith("default="):
        default = presence.removeprefix("default=").strip()
        parameter = Parameter(name, kind, description, default=default)
        try:
            parameter.convert(default)
        except ParameterError as error:
            raise QueryFileError(path, number, f"default does not fit its type: {error}") from None
    elif presence not in ("required", "optional"):
        raise QueryFileError(path, number, "third field must be required, optional or default=VALUE")
    return parameter


def load_catalogue(directory: Path) -> dict[str, NamedQuery]:
    """Every named query in the folder, by name; the first bad header raises QueryFileError."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))}
