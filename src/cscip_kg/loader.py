"""Read ontology/, data/ and shapes/ into rdflib graphs, one named graph per source folder.

Parsing is all-or-nothing: any file that cannot be read or parsed raises
:class:`DataError` naming the file and, where the parser gives one, the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from cscip_kg.namespaces import GRAPH_BASE, ID_BASE
from cscip_kg.rdf_namespaces import CSCIP, ONTOLOGY_GRAPH, SOURCE_GRAPH, bind_prefixes

REGISTRY_FOLDER = "registry"
SOURCES_FILE = "sources.ttl"


class DataError(Exception):
    """A file in the project could not be read or parsed."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


_LINE = re.compile(r"line (\d+)")
_WHY = re.compile(r"Bad syntax \((.*?)\) at \^", re.DOTALL)


def _line_of(error: Exception) -> int | None:
    match = _LINE.search(str(error))
    return int(match.group(1)) if match else None


def _why(error: Exception) -> str:
    text = str(error)
    match = _WHY.search(text)
    return match.group(1) if match else " ".join(text.split())


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file, turning any failure into a DataError with its line."""
    target = graph if graph is not None else Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(path, f"cannot read file: {error}") from error
    scratch = Graph()
    try:
        scratch.parse(data=text, format="turtle", publicID=ID_BASE)
    except (SyntaxError, ValueError) as error:  # rdflib's BadSyntax is a SyntaxError
        raise DataError(path, f"Turtle syntax error: {_why(error)}", _line_of(error)) from error
    for triple in scratch:
        target.add(triple)
    return target


@dataclass
class Project:
    """Where a checkout keeps its ontology, data, shapes and queries."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"


@dataclass
class LoadedGraph:
    """The parsed project: a dataset with a named graph per source, plus the shapes."""

    dataset: Dataset
    shapes: Graph
    ontology: Graph
    files: dict[URIRef, list[Path]] = field(default_factory=dict)

    def union(self) -> Graph:
        """Every triple of every named graph, ontology included, in one graph."""
        merged = Graph()
        bind_prefixes(merged)
        for context in self.dataset.graphs():
            for triple in context:
                merged.add(triple)
        return merged


def graph_name_for(folder: str) -> URIRef:
    if folder == REGISTRY_FOLDER:
        return URIRef(f"{GRAPH_BASE}registry")
    return URIRef(f"{ID_BASE}source/{folder}")


def data_files(project: Project) -> list[Path]:
    return sorted(project.data_dir.rglob("*.ttl"))


def folder_of(project: Project, path: Path) -> str | None:
    relative = path.relative_to(project.data_dir)
    return relative.parts[0] if len(relative.parts) > 1 else None


def load(project: Project) -> LoadedGraph:
    """Parse everything; raise DataError on the first unreadable or malformed file."""
    if not project.data_dir.is_dir():
        raise DataError(project.data_dir, "data folder not found")
    dataset = Dataset()
    bind_prefixes(dataset)
    files: dict[URIRef, list[Path]] = {}

    ontology = Graph()
    for path in sorted(project.ontology_dir.glob("*.ttl")):
        parse_turtle(path, ontology)
    _add(dataset, ONTOLOGY_GRAPH, ontology)
    files[ONTOLOGY_GRAPH] = sorted(project.ontology_dir.glob("*.ttl"))

    for path in data_files(project):
        folder = folder_of(project, path)
        name = SOURCE_GRAPH if folder is None else graph_name_for(folder)
        _add(dataset, name, parse_turtle(path))
        files.setdefault(name, []).append(path)

    shapes = Graph()
    for path in sorted(project.shapes_dir.glob("*.ttl")):
        parse_turtle(path, shapes)
    _check_folders_are_sources(project, dataset)
    return LoadedGraph(dataset=dataset, shapes=shapes, ontology=ontology, files=files)


def _add(dataset: Dataset, name: URIRef, graph: Graph) -> None:
    context = dataset.graph(name)
    for triple in graph:
        context.add(triple)


def _check_folders_are_sources(project: Project, dataset: Dataset) -> None:
    sources = dataset.graph(SOURCE_GRAPH)
    for folder in sorted({p for p in (folder_of(project, f) for f in data_files(project)) if p}):
        if folder == REGISTRY_FOLDER:
            continue
        if (graph_name_for(folder), RDF.type, CSCIP.SourceDocument) not in sources:
            raise DataError(
                project.data_dir / folder,
                f"folder '{folder}' has no matching cscip:SourceDocument "
                f"<{graph_name_for(folder)}> in data/{SOURCES_FILE}",
            )
