"""Deterministic synthetic data at ×N the real graph, in the real ontology's shape.

    python bench/generate.py --scale 100 --out bench/data/x100

Copy 0 is the real data/ verbatim. Copy k ≥ 1 is every data file again with each
entity IRI under ``…/id/`` renamed ``<iri>-c<k>`` (ontology terms unchanged) and
each source folder renamed ``<folder>-c<k>``, so every copy has its own sources,
registry records, programmes, rounds, projects, grants, organisations, models,
evaluations and lineage chains, all linked among themselves; the project's shapes
validate the result (``cscip-kg --root OUT/project validate``). Nothing is random:
the same scale gives the same bytes.

Two folders are written under OUT:

* ``project/`` — ontology/, shapes/, queries/ copied and data/ generated, so
  ``cscip-kg --root OUT/project validate|build`` runs on it;
* ``build/`` — what ``cscip-kg serve`` needs (the store, TriG, the other dumps, void.ttl, derived/,
  the search index, manifest.json, queries/), written straight from N-Quads with pyoxigraph, because
  rdflib's serialisers (and SHACL) take minutes at ×1000; plus ``cscip-kg.nq``
  for the peer servers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cscip_kg import __version__  # noqa: E402
from cscip_kg.build import (  # noqa: E402
    DUMPS,
    MANIFEST_FILE,
    QUERIES_FOLDER,
    STORE_FOLDER,
    VOID_FILE,
    content_version,
    precompress,
    write_search,
)
from cscip_kg.derived import write_derived  # noqa: E402
from cscip_kg.engine import Engine  # noqa: E402
from cscip_kg.lineage import LINEAGE_GRAPH, derive  # noqa: E402
from cscip_kg.loader import REGISTRY_FOLDER, Project, graph_name_for  # noqa: E402
from cscip_kg.namespaces import BASE, ID_BASE, PREFIXES  # noqa: E402
from cscip_kg.rdf_namespaces import ONTOLOGY_GRAPH, SOURCE_GRAPH  # noqa: E402

FILE = "\x00file"  # a key no blank-node label can take
MARK = "\x00"  # stands for the copy suffix in a template; never occurs in N-Triples output (it is escaped)
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
           ".rdf": ox.RdfFormat.RDF_XML, ".trig": ox.RdfFormat.TRIG}


def shared_iris(source: Path) -> frozenset[str]:
    """Entity IRIs the shapes name (the scheme of measures): every copy uses them as they are, or no copy conforms."""
    return frozenset(term.value for path in sorted((source / "shapes").glob("*.ttl"))
                     for triple in ox.parse(path=path, format=ox.RdfFormat.TURTLE)
                     for term in (triple.subject, triple.object)
                     if isinstance(term, ox.NamedNode) and term.value.startswith(ID_BASE))


def _render(term: object, blanks: dict[str, str], shared: frozenset[str]) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}{MARK}>" if term.value.startswith(ID_BASE) and term.value not in shared else str(term)
    if isinstance(term, ox.BlankNode):
        # Labels by first appearance, not the parser's random ones: the output is deterministic.
        return f"_:{blanks.setdefault(term.value, f'{blanks[FILE]}b{len(blanks)}')}{MARK}"
    return str(term)


def template(path: Path, number: int, shared: frozenset[str]) -> str:
    """Turtle file ``number`` as N-Triples with MARK where each copy's suffix goes (IRIs under id/, blank nodes)."""
    blanks = {FILE: f"f{number}"}  # blank nodes of different files never merge
    lines = [f"{_render(t.subject, blanks, shared)} {_render(t.predicate, blanks, shared)} "
             f"{_render(t.object, blanks, shared)} .\n"
             for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=ID_BASE)]
    return "".join(lines)


def copy_name(name: str, copy: int) -> str:
    return name if copy == 0 else f"{name}-c{copy}"


def data_layout(data: Path) -> list[tuple[Path, str | None]]:
    """Every data file with its source folder (None for data/sources.ttl; 'registry' for the registry)."""
    files = []
    for path in sorted(data.rglob("*.ttl")):
        relative = path.relative_to(data)
        files.append((path, relative.parts[0] if len(relative.parts) > 1 else None))
    return files


def target(data_out: Path, path: Path, folder: str | None, copy: int) -> Path:
    """Where copy ``copy`` of a data file goes (the registry and sources stay single named graphs)."""
    if folder is None:
        return data_out / f"{path.stem}{'' if copy == 0 else f'-c{copy}'}.ttl"
    if folder == REGISTRY_FOLDER:
        return data_out / REGISTRY_FOLDER / f"{path.stem}{'' if copy == 0 else f'-c{copy}'}.ttl"
    return data_out / copy_name(folder, copy) / path.name


def graph_of(folder: str | None, copy: int) -> str:
    if folder is None:
        return str(SOURCE_GRAPH)
    return str(graph_name_for(folder if folder == REGISTRY_FOLDER else copy_name(folder, copy)))


def write_project(source: Path, out: Path, scale: int) -> Path:
    """OUT/project: the real ontology, shapes and queries, and ``scale`` copies of the data. Returns N-Quads."""
    project = out / "project"
    if project.exists():
        shutil.rmtree(project)
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(source / folder, project / folder)
    data_out = project / "data"
    nquads = out / "cscip-kg.nq"
    shared = shared_iris(source)
    layout = [(path, folder, template(path, number, shared))
              for number, (path, folder) in enumerate(data_layout(source / "data"))]
    ontology = [template(path, number, shared)
                for number, path in enumerate(sorted((source / "ontology").glob("*.ttl")), len(layout))]
    lineage = lineage_template(layout, ontology, len(layout) + len(ontology), shared)
    with nquads.open("w", encoding="utf-8") as quads:
        for text in ontology:
            _append_quads(quads, text, "", str(ONTOLOGY_GRAPH))
        for copy in range(scale):
            suffix = "" if copy == 0 else f"-c{copy}"
            for path, folder, text in layout:
                destination = target(data_out, path, folder, copy)
                destination.parent.mkdir(parents=True, exist_ok=True)
                if copy == 0:
                    shutil.copyfile(path, destination)  # the real files, so ×1 is the real graph, lines and all
                else:
                    destination.write_text(text.replace(MARK, suffix), encoding="utf-8")
                _append_quads(quads, text, suffix, graph_of(folder, copy))
            _append_quads(quads, lineage, suffix, str(LINEAGE_GRAPH))
    return nquads


def _append_quads(quads: object, text: str, suffix: str, graph: str) -> None:
    body = text.replace(MARK, suffix).replace(" .\n", f" <{graph}> .\n")
    quads.write(body)  # type: ignore[attr-defined]


def _default_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """The default graph (each triple once), streamed: at ×1000 a list of it would not fit in memory."""
    return (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def _count(store: ox.Store, query: str) -> int:
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _materialise_default(store: ox.Store, scratch: Path) -> None:
    """materialise_default_graph's result, through a file: one INSERT of millions of triples is one
    transaction held in memory, where a bulk load of the distinct triples is not."""
    rows = store.query("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(rows, ox.QuerySolutions)
    ox.serialize((ox.Triple(r["s"], r["p"], r["o"]) for r in rows), scratch, ox.RdfFormat.N_TRIPLES)
    store.bulk_load(path=scratch, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    scratch.unlink()


def write_build(nquads: Path, out: Path, source: Path, scale: int) -> dict[str, object]:
    """OUT/build: what ``cscip-kg serve`` reads, from the N-Quads, in the shape build.write_dumps gives.

    The store is loaded on disk where `serve` opens it and every dump is streamed from it, so memory
    stays bounded at ×1000 (an in-memory store and a list of the union needed tens of GiB).
    """
    build = out / "build"
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    store = ox.Store(str(build / STORE_FOLDER))
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    _materialise_default(store, out / "default-graph.nt")
    triples = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    for name, _fmt, _media in DUMPS:
        fmt = FORMATS[Path(name).suffix]
        if fmt == ox.RdfFormat.TRIG:
            named = (q for q in store.quads_for_pattern(None, None, None) if not isinstance(q.graph_name, ox.DefaultGraph))
            ox.serialize(named, build / name, fmt, prefixes=PREFIXES)
        else:
            ox.serialize(_default_triples(store), build / name, fmt, prefixes=PREFIXES if fmt != ox.RdfFormat.N_TRIPLES else None)
        precompress(build / name)  # as `build` does, so /download/ answers gzip here too
    (build / VOID_FILE).write_text(void_turtle(store, triples, build), encoding="utf-8")
    shutil.copytree(source / "queries", build / QUERIES_FOLDER)
    sizes = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(sizes, ox.QuerySolutions)
    graphs = dict(sorted((row["g"].value, int(row["n"].value)) for row in sizes))
    engine = Engine(store, "", PREFIXES)
    write_derived(engine, build)
    write_search(engine, build, BASE)
    store.flush()
    store.optimize()
    del engine, store  # closes RocksDB: `serve` opens the folder read-only only once no writer holds it
    inputs = inputs_fingerprint(source, scale)
    digest = hashlib.sha256(f"{inputs}\0".encode())
    with nquads.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    manifest = {"version": digest.hexdigest()[:16], "base_iri": BASE, "triples": triples, "cscip_kg": __version__,
                "graphs": graphs, "synthetic_scale": scale, "inputs": inputs}
    (build / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def lineage_template(layout: list[tuple[Path, str | None, str]], ontology: list[str], number: int,
                     shared: frozenset[str]) -> str:
    """The lineage graph build.compile_graph derives, derived from copy 0 and templated like a data file.

    Copies share no entity, so copy k's lineage is copy 0's renamed; deriving it once keeps
    rdflib (which would need tens of GiB for the whole graph at ×1000) to one copy's size, and
    puts the lineage graph into the N-Quads the peer servers load, so they answer the same.
    """
    dataset = Dataset()
    for _path, folder, text in layout:
        dataset.graph(URIRef(graph_of(folder, 0))).parse(data=text.replace(MARK, ""), format="nt")
    dataset.graph(ONTOLOGY_GRAPH).parse(data="".join(ontology).replace(MARK, ""), format="nt")
    derived = derive(dataset, dataset.graph(ONTOLOGY_GRAPH))
    blanks = {FILE: f"f{number}"}
    return "".join(f"{_render(t.subject, blanks, shared)} {_render(t.predicate, blanks, shared)} "
                   f"{_render(t.object, blanks, shared)} .\n"
                   for t in ox.parse(derived.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))


def void_turtle(store: ox.Store, triples: int, folder: Path) -> str:
    """The VoID/DCAT description build.describe writes, computed with the store instead of rdflib."""
    entities = store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }", )
    classes = store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY ?c")
    assert isinstance(entities, ox.QuerySolutions) and isinstance(classes, ox.QuerySolutions)
    count = next(iter(entities))["n"].value
    lines = [f"@prefix void: <http://rdfs.org/ns/void#> .\n@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
             f"@prefix dcterms: <http://purl.org/dc/terms/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
             f"<{BASE}dataset> a void:Dataset, dcat:Dataset ;\n"
             f"  dcterms:title \"cscip-kg (synthetic data)\"@en ;\n"
             f"  void:sparqlEndpoint <{BASE}sparql> ; void:uriSpace \"{ID_BASE}\" ; void:vocabulary <{BASE}def/> ;\n"
             f"  void:triples {triples} ; void:entities {count} ."]
    for row in classes:
        lines.append(f"<{BASE}dataset> void:classPartition [ void:class {row['c']} ; void:entities {row['n'].value} ] .")  # type: ignore[union-attr]
    for name, _fmt, media in DUMPS:
        download = f"{BASE}download/{name}"
        lines.append(f"<{BASE}dataset> void:dataDump <{download}> ; dcat:distribution <{download}#distribution> .\n"
                     f"<{download}#distribution> a dcat:Distribution ; dcat:downloadURL <{download}> ; "
                     f"dcat:mediaType \"{media}\" ; dcat:byteSize {(folder / name).stat().st_size} ; rdfs:label \"{name}\" .")
    return "\n".join(lines) + "\n"


def inputs_fingerprint(source: Path, scale: int) -> str:
    """What generated data depends on: the scale, this generator and the project's inputs.

    A changed named query must not be benchmarked from a stale copy under bench/data/.
    """
    digest = hashlib.sha256(f"{scale}\0{content_version(Project(source), BASE)}\0".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def is_current(out: Path, scale: int, source: Path = ROOT) -> bool:
    """Whether OUT holds data generated from today's inputs at this scale."""
    manifest = out / "build" / MANIFEST_FILE
    return manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("inputs") == inputs_fingerprint(source, scale)


def generate(scale: int, out: Path, source: Path = ROOT) -> dict[str, object]:
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    nquads = write_project(source, out, scale)
    manifest = write_build(nquads, out, source, scale)
    return {**manifest, "seconds": round(time.perf_counter() - started, 2), "out": str(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1, help="copies of the real data (1, 10, 100, 1000)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale is at least 1")
    print(json.dumps(generate(args.scale, args.out.resolve()), indent=2))


if __name__ == "__main__":
    main()
