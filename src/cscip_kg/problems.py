"""A problem found in the project, and where in data/ it is written.

Every problem names the file and line it comes from, the focus node, the path and a message,
so that an analyst who mistyped one triple can find it without reading a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import URIRef

from cscip_kg.namespaces import compact
from cscip_kg.rdf_namespaces import ONTOLOGY_GRAPH


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

    def __init__(self, files: Mapping[URIRef, list[Path]], root: Path) -> None:
        self._root = root
        self._paths = [p for name, paths in files.items() if name != ONTOLOGY_GRAPH for p in paths]

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
