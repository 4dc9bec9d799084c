"""The one place where SPARQL is evaluated.

Every query — from the CLI, the named-query API, the pages and /sparql — goes
through :meth:`Engine.query`, so refusing and bounding queries is done here
once. The embedded engine is pyoxigraph: the build's store opened read-only, or
one loaded in memory from N-Quads (cscip_kg.build.dataset_engine makes those from
the validated rdflib dataset; rdflib stays in charge of parsing and SHACL, and
this module, which the server and its query workers import, never imports it).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from cscip_kg.namespaces import PREFIXES

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class QueryError(Exception):
    """The query is malformed; the message gives the parser's reason and position."""


class QueryRefused(Exception):
    """The query is well formed but asks for something this endpoint never does."""


# Refused before evaluation: pyoxigraph would send SERVICE requests over HTTP,
# and any update form would change the graph. Strings, IRIs and comments are
# blanked first so that the words inside them do not count.
_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>')
_COMMENTS = re.compile(r"#[^\n]*")
# A keyword is a bare word: not a ?variable, $variable or part of a prefixed name.
_REFUSED = re.compile(
    r"(?<![?$:\w-])(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|COPY|MOVE|ADD|WITH)(?![:\w-])", re.IGNORECASE
)


def strip_literals(query: str) -> str:
    """The query with strings, IRIs and comments blanked out (keywords stay in place)."""
    without_strings = _STRINGS.sub(lambda m: " " * len(m.group(0)), query)
    return _COMMENTS.sub(lambda m: " " * len(m.group(0)), without_strings)


# Cheap substring tests first: most queries contain none of these words, and the
# keyword regexes (look-behinds, case folding) cost ~0.3 ms on a named query's text.
_REFUSED_WORDS = ("service", "load", "insert", "delete", "clear", "drop", "create", "copy", "move", "add", "with")


def check_allowed(query: str, stripped: str | None = None) -> None:
    """Refuse SERVICE, LOAD and every update form (``stripped``: the query already through strip_literals)."""
    stripped = strip_literals(query) if stripped is None else stripped
    lowered = stripped.lower()
    if not any(word in lowered for word in _REFUSED_WORDS):
        return
    match = _REFUSED.search(stripped)
    if match is None:
        return
    word = match.group(1).upper()
    if word in {"SERVICE", "LOAD"}:
        raise QueryRefused(f"{word} is not allowed: this endpoint makes no requests to other servers")
    raise QueryRefused(f"SPARQL Update ({word}) is not allowed: this endpoint is read-only")


# FROM / FROM NAMED may only pick graphs held here: this endpoint never fetches a URL
# (rdflib would, and a store behind us might). Found on the blanked text, read from the original.
_FROM = re.compile(r"(?<![?$:\w-])FROM(?:\s+NAMED)?(?![:\w-])", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"(?<![?$:\w-])PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_IRI_REF = re.compile(r"<([^<>\"{}|^`\\\s]*)>")
_PNAME = re.compile(r"([A-Za-z][\w.-]*)?:([\w.-]*)")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


class _Clause(NamedTuple):
    start: int
    end: int
    written: str
    iri: str
    named: bool


def _dataset_clauses(query: str, prefixes: dict[str, str], stripped: str) -> list[_Clause]:
    """Each FROM / FROM NAMED clause the parser will accept."""
    declared = dict(prefixes)
    for match in _PREFIX_DECL.finditer(stripped):
        declaration = _IRI_REF.match(query, _skip_space(query, match.end()))
        if declaration:
            declared[match.group(1) or ""] = declaration.group(1)
    clauses = []
    for match in _FROM.finditer(stripped):
        start = _skip_space(query, match.end())
        named = _IRI_REF.match(query, start) or _PNAME.match(query, start)
        if named is None:
            continue  # not a dataset clause the parser will accept; it reports the error
        # An undeclared prefix can name no graph here (the parser will reject it anyway).
        iri = named.group(1) if named.re is _IRI_REF else declared.get(named.group(1) or "", "\0") + named.group(2)
        clauses.append(_Clause(match.start(), named.end(), named.group(0), iri, len(match.group(0)) > len("FROM")))
    return clauses


def _blank(text: str, clauses: list[_Clause]) -> str:
    # Blanked, not removed: the parser's positions in error messages stay true.
    for clause in clauses:
        text = f"{text[:clause.start]}{' ' * (clause.end - clause.start)}{text[clause.end:]}"
    return text


def guard(prepared: Prepared, graphs: frozenset[str], prefixes: dict[str, str]) -> tuple[Prepared, Prepared | None]:
    """The one check before any backend evaluates a query.

    Refuses SERVICE, LOAD and every update form, and FROM / FROM NAMED naming
    anything but a graph of ``graphs``: this endpoint never fetches a URL (rdflib
    would, and a store behind us might). With dataset parameters
    (default-graph-uri / named-graph-uri) the protocol replaces the query's own
    dataset, so its FROM clauses are cut from the text, unread: no engine can
    fetch them, and a FROM naming an unknown graph does not stop the query.

    Returns what to evaluate, and the query's own dataset when its FROM clauses
    define it: the text without them and their graphs as explicit lists (a store
    may let its default-graph setting override FROM, as the Oxigraph server's
    --union-default-graph does, but not the protocol's parameters).
    """
    stripped = strip_literals(prepared.text)
    check_allowed(prepared.text, stripped)
    if "from" not in stripped.lower():
        return prepared, None
    clauses = _dataset_clauses(prepared.text, prefixes, stripped)
    if not clauses:
        return prepared, None
    if prepared.default_graphs or prepared.named_graphs:
        return replace(prepared, text=_blank(prepared.text, clauses)), None
    for clause in clauses:
        if clause.iri not in graphs:
            raise QueryRefused(f"FROM {clause.written} names no graph of this store, and this endpoint never fetches URLs")
    default = tuple(c.iri for c in clauses if not c.named)
    named = tuple(c.iri for c in clauses if c.named)
    return prepared, Prepared(_blank(prepared.text, clauses), default, named)


@dataclass(frozen=True)
class Prepared:
    """What a caller asks for, independent of the engine that answers it."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


# The default graph users query is the set of every triple any source states: SPARQL merges graphs
# as sets, and a union computed per query (pyoxigraph's use_default_graph_as_union) repeats a triple
# once per source graph that states it, so SUM and COUNT would count it twice.
MATERIALISE_DEFAULT = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def materialise_default_graph(store: ox.Store) -> None:
    """Fill the store's default graph with the distinct triples of all its named graphs."""
    store.update(MATERIALISE_DEFAULT)


def named_quads(store: ox.Store) -> list[ox.Quad]:
    """The quads of the per-source named graphs (the default graph is derived from them)."""
    return [quad for quad in store if not isinstance(quad.graph_name, ox.DefaultGraph)]


class Engine:
    """A pyoxigraph store holding one version of the graph: in memory, or a build's store opened read-only.

    Its default graph holds each triple once (see materialise_default_graph); the named graphs
    keep, per source, who stated what.
    """

    def __init__(self, store: ox.Store, version: str, prefixes: dict[str, str] | None = None) -> None:
        self.store = store
        self.version = version
        self.prefixes = PREFIXES if prefixes is None else prefixes
        self._graphs: frozenset[str] | None = None

    @classmethod
    def from_nquads(cls, nquads: bytes, prefixes: dict[str, str] | None = None) -> Engine:
        store = ox.Store()
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        materialise_default_graph(store)
        return cls(store, hashlib.sha256(nquads).hexdigest()[:16], prefixes)

    @classmethod
    def open(cls, path: Path, version: str, prefixes: dict[str, str] | None = None) -> Engine:
        """Open the on-disk store written by ``cscip-kg build``, read-only: nothing is parsed or copied.

        Every process that opens it reads the same files, so the page cache holds one copy for all.
        """
        try:
            store = ox.Store.read_only(str(path))
        except OSError as error:
            raise OSError(f"cannot open the store {path}: {error}") from error
        return cls(store, version, prefixes)

    def query(self, prepared: Prepared) -> QueryResult:
        return evaluate(self.store, prepared, self.prefixes, self.graphs)

    @property
    def graphs(self) -> frozenset[str]:
        if self._graphs is None:
            self._graphs = frozenset(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        return self._graphs


def evaluate(store: ox.Store, prepared: Prepared, prefixes: dict[str, str], graphs: frozenset[str]) -> QueryResult:
    """Guard, then evaluate, one query: the only call of Store.query in the project."""
    prepared, _own_dataset = guard(prepared, graphs, prefixes)  # pyoxigraph reads the FROM clauses itself
    options: dict[str, object] = {"prefixes": prefixes}
    if prepared.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in prepared.default_graphs]
    if prepared.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in prepared.named_graphs]
    try:
        return store.query(prepared.text, **options)  # type: ignore[arg-type]
    except SyntaxError as error:
        raise QueryError(str(error)) from error
