"""Validate the project: SHACL shapes, undefined terms and dangling entity IRIs.

Every problem is reported as a :class:`Problem` that names the file and line it
comes from, the focus node, the path and a message, so that an analyst who
mistyped one triple can find it without reading a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from cscip_kg import basis, shacl_core, shacl_sparql
from cscip_kg.loader import LoadedGraph
from cscip_kg.namespaces import ID_BASE
from cscip_kg.rdf_namespaces import ONTOLOGY_GRAPH, compact

SH = Namespace("http://www.w3.org/ns/shacl#")
DEFINING_TYPES = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}


@dataclass(frozen=True)
class Problem:
    """One reason the graph does not conform."""

    kind: str  # "shacl", "undefined-term", "dangling-iri", "no-basis"
    message: str
    focus: str = ""
    path: str = ""
    shape: str = ""
    file: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else (self.file or "<graph>")
        parts = [where, self.focus]
        if self.path:
            parts.append(f"path {self.path}")
        return f"{': '.join(p for p in parts if p)}: {self.message}" + (f" [{self.shape}]" if self.shape else "")


class SourceLocator:
    """Finds the file and line where a subject or term is written in data/."""

    def __init__(self, loaded: LoadedGraph, root: Path) -> None:
        self._root = root
        self._paths = [p for name, paths in loaded.files.items() if name != ONTOLOGY_GRAPH for p in paths]

    @cached_property
    def _texts(self) -> dict[Path, list[str]]:
        return {p: p.read_text(encoding="utf-8").splitlines() for p in self._paths}

    def locate(self, term: object, as_subject: bool = True) -> tuple[str, int | None]:
        if not isinstance(term, URIRef):
            return "", None
        forms = {compact(term), f"<{term}>"}
        pattern = re.compile(
            ("^" if as_subject else r"(^|[\s;,\[(])") + "(" + "|".join(re.escape(f) for f in forms) + r")(?=[\s;,.\])]|$)"
        )
        # A thing described in several files (a grant dated in another folder, a model defined in
        # each source's folder) is reported where it is typed, its main record, if it is typed anywhere.
        typed = re.compile(pattern.pattern + r"\s+a\s") if as_subject else None
        first: tuple[str, int | None] = ("", None)
        for path, lines in self._texts.items():
            for number, line in enumerate(lines, 1):
                if pattern.search(line):
                    if typed is None or typed.search(line):
                        return self._relative(path), number
                    if first[1] is None:
                        first = (self._relative(path), number)
        return first

    def locate_statement(self, subject: object, value: object) -> tuple[str, int | None]:
        """The line, within the subject's block, that writes ``value`` (else the subject's own line)."""
        file, line = self.locate(subject)
        if line is None:
            return file, line
        wanted = compact(value) if isinstance(value, URIRef) else str(value)
        lines = self._texts.get(self._root / file, [])
        for number in range(line, len(lines) + 1):
            text = lines[number - 1]
            if number > line and not text.strip():
                break
            if wanted in text:
                return file, number
        return file, line

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self._root))
        except ValueError:
            return str(path)


def shacl_problems(data: Graph, shapes: Graph, locator: SourceLocator | None = None,
                   offload: bool = True) -> list[Problem]:
    """SHACL problems of ``data``, a graph the caller throws away afterwards (SHACL rules may add to it).

    With ``offload`` (always, but in the tests that prove the two ways report the same problems) the
    constraints pyoxigraph can answer once per graph go there (shacl_core, shacl_sparql), the rest to pyshacl.
    """
    rest, problems = shapes, []
    if offload:
        rest, core_checks = shacl_core.split(shapes)
        rest, sparql_constraints = shacl_sparql.split(rest)
        store = shacl_sparql.store_of(data)
        problems = _core_problems(data, store, core_checks, locator) \
            + _sparql_problems(data, store, sparql_constraints, locator)
    if any(True for _ in rest.subjects(RDF.type, SH.NodeShape)):
        problems += _pyshacl_problems(data, rest, shapes, locator)
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.focus, p.message, p.path, p.shape))


def _pyshacl_problems(data: Graph, rest: Graph, shapes: Graph, locator: SourceLocator | None) -> list[Problem]:
    # inplace: advanced mode would otherwise copy the whole graph first (a sixth of validation
    # time at ×1), only in case SHACL rules write to it; there is no inference, and shapes/ has no rules.
    conforms, report, _text = shacl_validate(
        data, shacl_graph=rest, inference="none", advanced=True, allow_warnings=False, inplace=True
    )
    if conforms:
        return []
    assert isinstance(report, Graph)
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = _owner(data, report.value(result, SH.focusNode))
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        shape = report.value(result, SH.sourceShape)
        value = report.value(result, SH.value)
        text = str(message) if message is not None else "constraint violated"
        if value is not None and not isinstance(value, BNode):
            text += f" (value: {compact(value)})"
        file, line = locator.locate(focus) if locator else ("", None)
        problems.append(
            Problem("shacl", text, compact(focus), _path_text(report, path), _shape_name(shapes, shape), file, line)
        )
    return problems


def _core_problems(data: Graph, store: ox.Store, checks: list[shacl_core.CoreCheck],
                   locator: SourceLocator | None) -> list[Problem]:
    """Reported as pyshacl reports them; a node-level check has the focus node as its value."""
    problems = []
    for check, node, value in shacl_core.violations(store, checks, data):
        focus = _owner(data, node)
        if not check.path:
            value = node
        text = check.message + ("" if value is None or isinstance(value, BNode) else f" (value: {compact(value)})")
        file, line = locator.locate(focus) if locator else ("", None)
        problems.append(Problem("shacl", text, compact(focus), check.path,
                                _shape_name(shapes=Graph(), shape=check.shape), file, line))
    return problems


def _sparql_problems(data: Graph, store: ox.Store, constraints: list[shacl_sparql.SparqlConstraint],
                     locator: SourceLocator | None) -> list[Problem]:
    """Reported as pyshacl reports a node shape's SPARQL constraint: the focus node is also the value."""
    problems = []
    for constraint, node in shacl_sparql.violations(store, constraints):
        focus = _owner(data, node)
        file, line = locator.locate(focus) if locator else ("", None)
        text = constraint.message + ("" if isinstance(node, BNode) else f" (value: {compact(node)})")
        problems.append(Problem("shacl", text, compact(focus), "", _shape_name(Graph(), constraint.shape), file, line))
    return problems


def _owner(data: Graph, node: object) -> object:
    """A blank node (e.g. an amount) is reported at the IRI that owns it."""
    seen = 0
    while isinstance(node, BNode) and seen < 5:
        owner = next(data.subjects(None, node), None)
        if owner is None:
            break
        node, seen = owner, seen + 1
    return node


def _shape_name(shapes: Graph, shape: object) -> str:
    seen = 0
    while isinstance(shape, BNode) and seen < 5:
        parent = next(shapes.subjects(SH.property, shape), None) or next(shapes.subjects(SH.sparql, shape), None)
        if parent is None:
            break
        shape, seen = parent, seen + 1
    return str(shape).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if isinstance(shape, URIRef) else ""


def _path_text(report: Graph, path: object) -> str:
    if path is None:
        return ""
    alternatives = report.value(path, SH.alternativePath) if isinstance(path, BNode) else None
    inverse = report.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if inverse is not None:
        return "^" + compact(inverse)
    if alternatives is not None:
        return "(" + " | ".join(compact(p) for p in report.items(alternatives)) + ")"
    return compact(path)


def _defined_terms(ontology: Graph) -> set[URIRef]:
    return {s for s, t in ontology.subject_objects(RDF.type) if t in DEFINING_TYPES and isinstance(s, URIRef)}


def _undefined_terms(loaded: LoadedGraph, locator: SourceLocator) -> list[Problem]:
    defined = _defined_terms(loaded.ontology)
    problems: dict[URIRef, Problem] = {}
    for name in loaded.files:
        if name == ONTOLOGY_GRAPH:
            continue
        for _s, p, o in loaded.dataset.graph(name):
            for term, role in ((p, "property"), (o if p == RDF.type else None, "class")):
                if isinstance(term, URIRef) and term not in defined and term not in problems:
                    file, line = locator.locate(term, as_subject=False)
                    problems[term] = Problem(
                        "undefined-term",
                        f"{role} {compact(term)} is not defined in ontology/ "
                        "(a typo? standard terms must be declared in ontology/external-terms.ttl)",
                        file=file, line=line,
                    )
    return sorted(problems.values(), key=lambda p: (p.file, p.line or 0))


def _dangling_iris(union: Graph, locator: SourceLocator) -> list[Problem]:
    typed = set(union.subjects(RDF.type, None))
    problems = []
    seen: set[URIRef] = set()
    for s, p, o in union:
        if isinstance(o, URIRef) and str(o).startswith(ID_BASE) and o not in typed and o not in seen:
            seen.add(o)
            file, line = locator.locate(o, as_subject=False)
            problems.append(Problem(
                "dangling-iri",
                f"{compact(o)} is used (by {compact(s)} {compact(p)}) but never described: "
                "a typo, or a missing entry in data/",
                file=file, line=line,
            ))
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


def _without_basis(loaded: LoadedGraph, union: Graph, locator: SourceLocator) -> list[Problem]:
    problems = []
    for s, p, o in basis.unsupported(loaded, union):
        file, line = locator.locate_statement(s, o)
        problems.append(Problem(
            "no-basis",
            f"{compact(p)} {compact(o) if isinstance(o, URIRef) else repr(str(o))} is in the registry, which is no "
            "source: add a statement record (data/registry/bases.ttl) that is cscip:stated with the dcterms:source "
            "whose text says it, or cscip:inferred with a cscip:inferenceNote saying why",
            compact(s), file=file, line=line))
    return problems


def validate(loaded: LoadedGraph, root: Path) -> list[Problem]:
    """All problems, undefined terms and dangling IRIs first (they explain SHACL failures)."""
    locator = SourceLocator(loaded, root)
    union = loaded.union()
    without_basis = _without_basis(loaded, union, locator)
    return _undefined_terms(loaded, locator) + _dangling_iris(union, locator) + without_basis + shacl_problems(
        union, loaded.shapes, locator
    )

