"""The project parsed by pyoxigraph for validation, with rdflib holding only what pyshacl reads.

rdflib's Turtle parser and in-memory store cost about 100 µs a triple (233 of 246 s of validation
at ×100); pyoxigraph parses and stores the same triples in Rust, where the checks run as SPARQL.
What pyshacl still checks (and the constraints tested in Python on literals as written) needs an
rdflib graph, so the parse also keeps, as rdflib terms, the triples whose predicate is in ``keep``.
Those come from the parser, not the store, because the store canonicalises literals ("01" and
"3"^^xsd:nonNegativeInteger are stored as the integers 1 and 3) and the tests read the lexical form.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from cscip_kg.loader import REGISTRY_FOLDER, SOURCES_FILE, DataError, Project, data_files, folder_of, graph_name_for
from cscip_kg.namespaces import ID_BASE
from cscip_kg.rdf_namespaces import CSCIP, ONTOLOGY_GRAPH, SOURCE_GRAPH, bind_prefixes

# Fills the default graph with each triple of the named graphs once (SHACL sees the merged graph).
_UNION = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class ParsedProject:
    store: ox.Store  # a named graph per source (as loader.load names them); the default graph is their union
    files: dict[URIRef, list[Path]]  # the files of each named graph
    shapes: Graph
    kept: Graph  # the union's triples whose predicate was asked for, literals as written

    def triples(self) -> int:
        """Distinct triples in the union, as `validate` reports them."""
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def parse_shapes(project: Project) -> Graph:
    """shapes/ in rdflib (pyshacl and the shape compilers read it), parsed by pyoxigraph: ten times quicker."""
    shapes = Graph()
    for path in sorted(project.shapes_dir.glob("*.ttl")):
        _keep(shapes, _parse(path, ox.DefaultGraph()), None)
    return shapes


def parse_project(project: Project, shapes: Graph, keep: Collection[URIRef] | None) -> ParsedProject:
    """Parse ontology/ and data/ (DataError on the first bad file); keep every triple if ``keep`` is None."""
    if not project.data_dir.is_dir():
        raise DataError(project.data_dir, "data folder not found")
    named = [(ONTOLOGY_GRAPH, path) for path in sorted(project.ontology_dir.glob("*.ttl"))]
    for path in data_files(project):
        folder = folder_of(project, path)
        named.append((SOURCE_GRAPH if folder is None else graph_name_for(folder), path))
    wanted = None if keep is None else {ox.NamedNode(str(p)) for p in keep}
    store, kept, files = ox.Store(), Graph(), dict[URIRef, list[Path]]()
    bind_prefixes(kept)  # pyshacl's generic messages name nodes as the graph binds them, as loader's union does
    for name, path in named:  # in loader.load's order, so the same bad file is named first
        quads = _parse(path, ox.NamedNode(str(name)))
        store.bulk_extend(quads)
        _keep(kept, quads, wanted)
        files.setdefault(name, []).append(path)
    store.update(_UNION)
    _check_folders_are_sources(project, store)
    return ParsedProject(store, files, shapes, kept)


def _parse(path: Path, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(path, f"cannot read file: {error}") from error
    try:
        triples = ox.parse(text, ox.RdfFormat.TURTLE, base_iri=ID_BASE, rename_blank_nodes=True)
        return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    except SyntaxError as error:
        reason = str(error.msg).split(": ", 1)[-1] if error.msg else str(error)
        raise DataError(path, f"Turtle syntax error: {reason}", error.lineno) from error


def _keep(kept: Graph, quads: Iterable[ox.Quad], wanted: set[ox.NamedNode] | None) -> None:
    for quad in quads:
        if wanted is None or quad.predicate in wanted:
            kept.add((rdflib_term(quad.subject), URIRef(quad.predicate.value), rdflib_term(quad.object)))


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
