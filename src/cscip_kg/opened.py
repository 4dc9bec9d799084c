"""The build a server (or ``publish``) answers from: opened once, immutable while served.

``cscip-kg build`` validates data/ and writes dumps, an on-disk store and a manifest;
the server never validates (SHACL takes seconds) nor parses: it opens the build's
store read-only, so start-up takes milliseconds at any size, every process (web
and query workers) reads the same files through the page cache, and a bad data/
can never reach it. What depends only on the graph version and costs a scan
(graph sizes, home figures) was computed by the build and is read here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from cscip_kg.backend import Backend
from cscip_kg.derived import missing
from cscip_kg.engine import Engine
from cscip_kg.layout import MANIFEST_FILE, QUERIES_FOLDER, STORE_FOLDER, VOID_FILE
from cscip_kg.namespaces import prefixes_for
from cscip_kg.queries import NamedQuery, QueryFileError, load_catalogue


class NoBuild(Exception):
    """There is no usable build to serve; the message says how to make one."""


@dataclass(frozen=True)
class Build:
    folder: Path
    version: str
    base: str
    triples: int  # distinct triples in the union of all graphs, as counted by the build
    engine: Backend  # embedded Engine, or remote.RemoteEngine with a store setting
    void: list[ox.Triple]
    graph_sizes: dict[str, int]
    catalogue: dict[str, NamedQuery] = field(default_factory=dict)

    @property
    def prefixes(self) -> dict[str, str]:
        return self.engine.prefixes

    def local_path(self, iri: str) -> str | None:
        """The path on this server that answers for ``iri``, if it is minted here."""
        return "/" + iri[len(self.base):] if iri.startswith(self.base) else None


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_FILE
    hint = f"run `cscip-kg build --out {folder}` (or `make run`) to make one"
    if not path.is_file():
        raise NoBuild(f"no build in {folder}: {hint}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NoBuild(f"{path}: unreadable build manifest ({error}); {hint}") from error
    if not isinstance(manifest, dict) or not all(isinstance(manifest.get(k), str) for k in ("version", "base_iri")) \
            or not isinstance(manifest.get("triples"), int):
        raise NoBuild(f"{path}: not a cscip-kg build manifest (needs version, base_iri and triples); {hint}")
    return manifest


# (build folder, version, IRI base) → the backend that answers the build's queries
Connect = Callable[[Path, str, str], Backend]


def embedded(folder: Path, version: str, base: str) -> Backend:
    store = folder / STORE_FOLDER
    if not store.is_dir():
        raise OSError(f"no store folder {STORE_FOLDER}/ (a build made by an older cscip-kg?)")
    return Engine.open(store, version, prefixes_for(base))


def open_build(folder: Path, connect: Connect = embedded) -> Build:
    """Load a build folder, or raise NoBuild naming what is missing or broken.

    With a remote store, ``connect`` answers queries from the store and the
    folder provides the rest (manifest, VoID, downloads, named queries).
    """
    folder = folder.resolve()
    manifest = read_manifest(folder)
    lacking = _older(folder, manifest)
    if lacking:
        raise NoBuild(f"{folder}: made by an older cscip-kg, without {'; '.join(lacking)}; "
                      f"rebuild it with `cscip-kg build --out {folder}`")
    base = manifest["base_iri"]
    try:
        engine = connect(folder, manifest["version"], base)
        void = list(ox.parse(path=folder / VOID_FILE, format=ox.RdfFormat.TURTLE))
        catalogue = load_catalogue(folder / QUERIES_FOLDER) if (folder / QUERIES_FOLDER).is_dir() else {}
    except (OSError, SyntaxError, QueryFileError) as error:
        raise NoBuild(f"{folder}: broken build ({error}); rebuild it with `cscip-kg build --out {folder}`") from error
    # Counting every graph is a scan of the whole store: the build counted them once.
    return Build(folder, manifest["version"], base, manifest["triples"], engine, void, dict(sorted(manifest["graphs"].items())),
                 catalogue)


def _older(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """What a build by an older cscip-kg lacks of what a server reads (derived.missing says why none is patched up)."""
    graphs = manifest.get("graphs")
    counted = isinstance(graphs, dict) and all(isinstance(n, int) for n in graphs.values())
    return ([] if counted else [f"the graphs' sizes in {MANIFEST_FILE}"]) + missing(folder)
