"""Turn the project files into a validated graph, and the graph into dumps.

``compile_graph`` is the single entry point for every consumer (CLI, server,
tests): parse, check, and only then hand out an engine. ``write_dumps`` writes
all serialisations, the on-disk store the server opens and what is derived at
build time into a fresh folder and swaps it in, so a failure never leaves a
half-written output behind and a running server stays on its last good build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from cscip_kg import __version__
from cscip_kg.derived import write_derived
from cscip_kg.engine import Engine, named_quads
from cscip_kg.layout import DUMPS, GZIP_SUFFIX, MANIFEST_FILE, QUERIES_FOLDER, STORE_FOLDER, TRIG_FILE, VOID_FILE
from cscip_kg.lineage import add_lineage
from cscip_kg.loader import LoadedGraph, Project, load
from cscip_kg.namespaces import BASE, prefixes_for
from cscip_kg.rdf_namespaces import DCAT, VOID, bind_prefixes
from cscip_kg.search_db import SEARCH_FILE
from cscip_kg.search_write import write_search_db
from cscip_kg.validate import Problem, validate

__all__ = ["DUMPS", "MANIFEST_FILE", "QUERIES_FOLDER", "STORE_FOLDER", "TRIG_FILE", "VOID_FILE", "CompiledGraph",
           "ValidationFailed", "compile_graph", "dataset_engine", "to_nquads", "write_dumps", "write_store"]


class ValidationFailed(Exception):
    """The graph does not conform; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the graph")


@dataclass
class CompiledGraph:
    project: Project
    loaded: LoadedGraph
    engine: Engine

    @property
    def dataset(self) -> Dataset:
        return self.loaded.dataset


# Versions of the inputs (content_version) already found to conform in this process. SHACL takes
# seconds and its answer depends on nothing but those bytes, so a process that compiles the same
# inputs again (the test suite, from several checkouts of one tree) checks them once.
_CONFORMING: set[str] = set()


def compile_graph(project: Project) -> CompiledGraph:
    """Load, validate and derive lineage; raise DataError or ValidationFailed rather than return a bad graph."""
    before = content_version(project, BASE)
    loaded = load(project)
    if before not in _CONFORMING:
        problems = validate(project)
        if problems:
            raise ValidationFailed(problems)
        if content_version(project, BASE) == before:  # not edited while it was read
            _CONFORMING.add(before)
    # Derived from validated data only, so the lineage graph never needs validating itself.
    add_lineage(loaded.dataset, loaded.ontology)
    return CompiledGraph(project, loaded, dataset_engine(loaded.dataset))


def to_nquads(dataset: Dataset) -> bytes:
    """Canonically ordered N-Quads (so equal graphs give equal versions)."""
    lines = sorted(
        f"{s.n3()} {p.n3()} {o.n3()}{'' if graph.identifier == DATASET_DEFAULT_GRAPH_ID else ' ' + graph.identifier.n3()} .\n"
        for graph in dataset.graphs()
        for s, p, o in graph
    )
    return "".join(lines).encode("utf-8")


def dataset_engine(dataset: Dataset, prefixes: dict[str, str] | None = None) -> Engine:
    """An in-memory engine over an rdflib dataset, its version the hash of its canonical N-Quads."""
    return Engine.from_nquads(to_nquads(dataset), prefixes)


def rebase(dataset: Dataset, base: str) -> Dataset:
    """The dataset with every IRI minted under the canonical base moved under ``base``.

    A deployment at its own domain serves its own IRIs, so the move happens once,
    at build time, and the server only ever sees the IRIs it answers for.
    """
    def move(term: Any) -> Any:
        if isinstance(term, URIRef) and str(term).startswith(BASE):
            return URIRef(base + str(term)[len(BASE):])
        return term

    rebased = Dataset()
    for graph in dataset.graphs():
        target = rebased.default_graph if graph.identifier == DATASET_DEFAULT_GRAPH_ID else rebased.graph(move(graph.identifier))
        for s, p, o in graph:
            target.add((move(s), move(p), move(o)))
    return rebased


def _union(dataset: Dataset, base: str) -> Graph:
    merged = Graph()
    bind_prefixes(merged, base)
    for graph in dataset.graphs():
        for triple in graph:
            merged.add(triple)
    return merged


def content_version(project: Project, base: str) -> str:
    """A hash of every input file and the base: equal inputs give equal versions, on any machine.

    (Hashing the parsed graph would not do: blank-node labels differ between parses.)
    """
    digest = hashlib.sha256(base.encode("utf-8"))
    folders = (project.ontology_dir, project.data_dir, project.shapes_dir, project.queries_dir)
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(project.root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    digest.update(__version__.encode("utf-8"))
    return digest.hexdigest()[:16]


def write_dumps(compiled: CompiledGraph, out: Path, base: str = BASE) -> list[Path]:
    """Write every dump, the VoID/DCAT description and a manifest into ``out``, replacing it whole."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    dataset = compiled.dataset if base == BASE else rebase(compiled.dataset, base)
    engine = compiled.engine if base == BASE else dataset_engine(dataset, prefixes_for(base))
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        union = _union(dataset, base)
        for name, fmt, _media in DUMPS:
            if fmt == "trig":
                # rdflib's TriG writer goes through a deprecated API; the store writes TriG natively.
                # The per-source graphs only: the default graph is derived from them.
                ox.serialize(named_quads(engine.store), staging / name, ox.RdfFormat.TRIG, prefixes=prefixes_for(base))
            else:
                union.serialize(destination=staging / name, format=fmt, encoding="utf-8")
            precompress(staging / name)
        describe(union, staging, base).serialize(destination=staging / VOID_FILE, format="turtle", encoding="utf-8")
        # The named queries travel with the build, so a deployment needs nothing but this folder.
        shutil.copytree(compiled.project.queries_dir, staging / QUERIES_FOLDER)
        write_search(engine, staging, base)
        sizes = write_store(engine, staging / STORE_FOLDER)
        write_derived(engine, staging)
        manifest = {"version": content_version(compiled.project, base), "base_iri": base, "triples": len(union),
                    "cscip_kg": __version__, "graphs": sizes}
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(out.iterdir())


def precompress(dump: Path) -> Path:
    """``dump``.gz beside it, which /download/ sends to a client that accepts gzip (a tenth of the bytes for
    N-Triples; 3.1 s CPU for its 333 MB at x100), since compressing a dump per request would cost that every time."""
    packed = dump.with_name(dump.name + GZIP_SUFFIX)
    with dump.open("rb") as source, packed.open("wb") as sink, \
            gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=6, mtime=0) as target:
        shutil.copyfileobj(source, target, 2**20)
    return packed


def write_search(engine: Engine, folder: Path, base: str) -> None:
    """The search index /search reads (search_write.py, search_db.py): SQLite, built once here rather than by every server."""
    write_search_db(engine, folder / SEARCH_FILE, base)


def write_store(engine: Engine, folder: Path) -> dict[str, int]:
    """Copy the engine's graphs (named graphs and the derived default graph) into an on-disk store.

    Returns triples per named graph, counted once here so that nobody opening the
    build has to scan the store for them.
    """
    store = ox.Store(str(folder))
    store.bulk_extend(engine.store)
    store.flush()
    store.optimize()
    del store  # closes RocksDB: readers may open the folder only once no writer holds it
    result = engine.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(result, ox.QuerySolutions)
    return dict(sorted((row["g"].value, int(row["n"].value)) for row in result))


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    os.replace(out, retired / out.name)
    os.replace(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


def describe(union: Graph, folder: Path, base: str) -> Graph:
    """A VoID dataset and DCAT catalogue entry for the dumps in ``folder``."""
    graph = Graph()
    bind_prefixes(graph, base)
    dataset = URIRef(f"{base}dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("cscip-kg: Children's Social Care Innovation Programme knowledge graph", lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(
        "Programmes, projects, grants, organisations, practice models, themes and evaluation reports of the "
        "Department for Education's Children's Social Care Innovation Programme and what grew out of it, "
        "each fact with the source document that states it.", lang="en")))
    graph.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    graph.add((dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(__version__)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(f"{base}id/")))
    graph.add((dataset, VOID.vocabulary, URIRef(f"{base}def/")))
    graph.add((dataset, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    subjects = {s for s in union.subjects() if isinstance(s, URIRef)}
    graph.add((dataset, VOID.entities, Literal(len(subjects), datatype=XSD.integer)))
    classes: dict[URIRef, int] = {}
    for _s, cls in union.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            classes[cls] = classes.get(cls, 0) + 1
    for cls, count in sorted(classes.items()):
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], cls))
        graph.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for name, _fmt, media in DUMPS:
        download = URIRef(f"{base}download/{name}")
        distribution = URIRef(f"{base}download/{name}#distribution")
        graph.add((dataset, VOID.dataDump, download))
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.downloadURL, download))
        graph.add((distribution, DCAT.mediaType, Literal(media)))
        graph.add((distribution, DCAT.byteSize, Literal((folder / name).stat().st_size, datatype=XSD.integer)))
        graph.add((distribution, RDFS.label, Literal(name)))
    return graph
