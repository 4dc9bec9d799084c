"""The project parsed by pyoxigraph for validation, with rdflib holding only what Python tests read.

rdflib's Turtle parser and in-memory store cost about 100 µs a triple (233 of 246 s of validation
at ×100); pyoxigraph parses and stores the same triples in Rust, where the checks run as SPARQL.
What pyshacl still checks (and the constraints tested in Python on literals as written) needs an
rdflib graph of the triples whose predicate is in ``keep``.

Each file is read once and goes into the store with ``Store.load``, which makes no Python object per
triple (making one, a ``Quad`` and copying the graphs into the default graph were 45 of 130 s at ×100).
The store canonicalises some literals ("01"^^xsd:integer is stored as 1, "3"^^xsd:nonNegativeInteger
as the integer 3) and the tests read the lexical form, so the same text is also streamed through the
parser in Python, keeping only the triples with a kept predicate, as written. Those with a blank node
are read back from the store instead, so that rdflib and the store share its blank nodes; a graph where
such a triple has a literal the store rewrites is loaded again from the parser's terms (as every graph
was before).

The default graph stays empty: checks query the union of the named graphs
(``use_default_graph_as_union``), where a triple two sources state appears twice, so they ask for
distinct answers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from cscip_kg.loader import REGISTRY_FOLDER, SOURCES_FILE, DataError, Project, data_files, folder_of, graph_name_for
from cscip_kg.namespaces import ID_BASE
from cscip_kg.rdf_namespaces import CSCIP, ONTOLOGY_GRAPH, SOURCE_GRAPH, bind_prefixes

_DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
_PROBE = "urn:x-cscip-kg:probe:"


def query_union(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    """The answers of a SELECT query whose default graph is the union of the store's named graphs."""
    answers = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answers, ox.QuerySolutions)
    yield from answers


@dataclass
class ParsedProject:
    store: ox.Store  # a named graph per source (as loader.load names them); the default graph is empty
    files: dict[URIRef, list[Path]]  # the files of each named graph
    shapes: Graph
    kept: Graph  # the union's triples whose predicate was asked for, literals as written

    def triples(self) -> int:
        """Distinct triples in the union, as `validate` reports them."""
        count = next(query_union(self.store, _DISTINCT))["n"]
        return int(count.value)


def parse_shapes(project: Project) -> Graph:
    """shapes/ in rdflib (pyshacl and the shape compilers read it), parsed by pyoxigraph: ten times quicker."""
    shapes = Graph()
    for path in sorted(project.shapes_dir.glob("*.ttl")):
        _keep(shapes, _parse(path, _read(path), ox.DefaultGraph()), None)
    return shapes


def parse_project(project: Project, shapes: Graph, keep: Collection[URIRef] | None, pyshacl: bool = True) -> ParsedProject:
    """Parse ontology/ and data/ (DataError on the first bad file); keep every triple if ``keep`` is None.

    Without ``pyshacl`` (nothing left for it), the kept triples go into a SimpleMemory graph: no per-context
    indexes, a quarter of the default store's cost to add to; pyshacl needs a context-aware store.
    """
    if not project.data_dir.is_dir():
        raise DataError(project.data_dir, "data folder not found")
    named = [(ONTOLOGY_GRAPH, path) for path in sorted(project.ontology_dir.glob("*.ttl"))]
    for path in data_files(project):
        folder = folder_of(project, path)
        named.append((SOURCE_GRAPH if folder is None else graph_name_for(folder), path))
    wanted = None if keep is None else {ox.NamedNode(str(p)) for p in keep}
    store, kept, files = ox.Store(), Graph(store="default" if pyshacl else "SimpleMemory"), dict[URIRef, list[Path]]()
    bind_prefixes(kept)  # pyshacl's generic messages name nodes as the graph binds them, as loader's union does
    parsed: dict[URIRef, list[ox.Quad]] = {}
    for name, path in named:  # in loader.load's order, so the same bad file is named first
        text = _read(path)
        parsed.setdefault(name, []).extend(_triples(path, text, set() if wanted is None else wanted))
        if wanted is not None:
            store.load(text, ox.RdfFormat.TURTLE, base_iri=ID_BASE, to_graph=ox.NamedNode(str(name)))
        files.setdefault(name, []).append(path)
    whole = _loaded_from_parser(parsed, wanted is None)
    for name in whole:  # again, from the parser's terms, so that the store and rdflib share their blank nodes
        graph = ox.NamedNode(str(name))
        store.remove_graph(graph)
        for path in files[name]:
            quads = _parse(path, _read(path), graph)
            store.bulk_extend(quads)
            _keep(kept, quads, wanted)
    # The other graphs' kept triples: the parser's, as written, but those with a blank node (all stored as written,
    # see _loaded_from_parser), which must be the store's to share its blank nodes.
    _keep(kept, (t for name, triples in parsed.items() if name not in whole for t in triples if not _has_blank(t)), None)
    if wanted:
        skipped = {ox.NamedNode(str(name)) for name in whole}
        _keep(kept, (q for p in wanted for q in store.quads_for_pattern(None, p, None)
                     if _has_blank(q) and q.graph_name not in skipped), None)
    _check_folders_are_sources(project, store)
    return ParsedProject(store, files, shapes, kept)


def _loaded_from_parser(parsed: dict[URIRef, list[ox.Quad]], everything: bool) -> set[URIRef]:
    """The graphs to load from the parser's terms rather than in Rust: every graph if everything is kept, else
    those where a kept triple with a blank node has a literal the store would not give back as written (its
    lexical form must come from the parser, and the store must then hold the parser's blank node)."""
    if everything:
        return set(parsed)
    changed = _not_as_written([q.object for quads in parsed.values() for q in quads if isinstance(q.object, ox.Literal)])
    return {name for name, quads in parsed.items() if any(_has_blank(q) and q.object in changed for q in quads)}


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(path, f"cannot read file: {error}") from error


def _parse(path: Path, text: str, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in _triples(path, text, None)]


def _triples(path: Path, text: str, wanted: set[ox.NamedNode] | None) -> list[ox.Quad]:
    """The file's triples whose predicate is wanted (all if ``wanted`` is None): the whole file is parsed."""
    try:
        triples = ox.parse(text, ox.RdfFormat.TURTLE, base_iri=ID_BASE, rename_blank_nodes=True)
        if wanted is None:
            return list(triples)
        return [t for t in triples if t.predicate in wanted]
    except SyntaxError as error:
        reason = str(error.msg).split(": ", 1)[-1] if error.msg else str(error)
        raise DataError(path, f"Turtle syntax error: {reason}", error.lineno) from error


def _not_as_written(literals: list[ox.Literal]) -> set[ox.Literal]:
    """Those of ``literals`` that a store gives back otherwise (canonicalised)."""
    distinct, predicate, scratch = list(set(literals)), ox.NamedNode(_PROBE), ox.Store()
    scratch.bulk_extend(ox.Quad(ox.NamedNode(f"{_PROBE}{n}"), predicate, literal) for n, literal in enumerate(distinct))
    return {literal for quad in scratch
            if quad.object != (literal := distinct[int(quad.subject.value[len(_PROBE):])])}


def _keep(kept: Graph, quads: Iterable[ox.Quad], wanted: set[ox.NamedNode] | None) -> None:
    memo: dict[object, URIRef | BNode | Literal] = {}  # rdflib makes a literal's value on creation: once per term
    for quad in quads:
        if wanted is None or quad.predicate in wanted:
            kept.add((_memo_term(memo, quad.subject), _memo_term(memo, quad.predicate), _memo_term(memo, quad.object)))


def _memo_term(memo: dict[object, URIRef | BNode | Literal], term: object) -> URIRef | BNode | Literal:
    found = memo.get(term)
    if found is None:
        found = memo[term] = rdflib_term(term)
    return found


def rdflib_term(term: object) -> URIRef | BNode | Literal:
    """The term as rdflib's Turtle parser gives it (a plain string has no datatype there)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if not isinstance(term, ox.Literal):
        raise TypeError(f"not an RDF term of a triple: {term!r}")
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _check_folders_are_sources(project: Project, store: ox.Store) -> None:
    sources = ox.NamedNode(str(SOURCE_GRAPH))
    for folder in sorted({p for p in (folder_of(project, f) for f in data_files(project)) if p}):
        if folder == REGISTRY_FOLDER:
            continue
        declared = ox.Quad(ox.NamedNode(str(graph_name_for(folder))), ox.NamedNode(str(RDF.type)),
                           ox.NamedNode(str(CSCIP.SourceDocument)), sources)
        if declared not in store:
            raise DataError(
                project.data_dir / folder,
                f"folder '{folder}' has no matching cscip:SourceDocument "
                f"<{graph_name_for(folder)}> in data/{SOURCES_FILE}",
            )
