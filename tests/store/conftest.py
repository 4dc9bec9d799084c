"""A build, the embedded server over it, and a real store it was published to (per session, per store).

Two independent stores: the Oxigraph server (with --union-default-graph) and Virtuoso 7.
Each holds a foreign graph as well, as an organisation's shared store would: answers must not change.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cscip_kg.build import STORE_FOLDER, write_store
from cscip_kg.engine import Engine, materialise_default_graph
from cscip_kg.publish import publish
from cscip_kg.store import graph_url, send
from tests.conftest import shared_folder
from tests.server.live import running_server
from tests.store.oxigraph import Oxigraph
from tests.store.virtuoso import Virtuoso

Store = Oxigraph | Virtuoso


def new_store(kind: str, location: Path) -> Store:
    return Oxigraph(location, "--union-default-graph") if kind == "oxigraph" else Virtuoso(location)

RETIRED = "https://w3id.org/cscip-kg/id/source/innovationcsc-home"
ADDED = ox.Quad(ox.NamedNode("https://w3id.org/cscip-kg/id/model/no-wrong-door"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#note"),
                ox.Literal("added in version B"), ox.NamedNode("https://w3id.org/cscip-kg/graph/registry"))
FOREIGN_GRAPH = "http://example.org/someone-elses-graph"
FOREIGN = (b"<http://example.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/cscip-kg/def/PracticeModel> .\n"
           b'<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "Not ours" .\n')


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def store(build_dir: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Store]:
    server = new_store(request.param, tmp_path_factory.mktemp(request.param)).start()
    try:
        config = server.config()
        send(config, graph_url(config.gsp_url, FOREIGN_GRAPH), "PUT", FOREIGN, "application/n-triples")
        publish(build_dir, config)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def embedded_server(server: str) -> str:
    """The shared live server (tests/conftest.py): a second one over the same build would answer the same."""
    return server


@pytest.fixture(scope="session")
def remote_server(build_dir: Path, store: Store) -> Iterator[str]:
    # The parity tests compare answers, not speed: lineage.rq takes seconds on a store given every
    # graph as its dataset (a known gap, see BENCHMARKS.md), so the store gets a generous timeout here.
    with running_server(build_dir, "--store", store.query_url, env={"CSCIP_KG_STORE_TIMEOUT": "120"}) as url:
        yield url


@pytest.fixture(scope="session")
def version_b(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another build: one source graph fewer, one triple more, a new version (read only, like build_dir; one per run)."""
    return shared_folder(tmp_path_factory, "build-b", functools.partial(_write_version_b, build_dir))


@pytest.fixture(scope="session")
def small_build(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build cut to a few dozen triples per graph, every graph kept (read only, one per run).

    For the store tests whose checks are about the lock, the switch and the version, not the data: a publish of the
    whole build costs seconds of the store's CPU (the Oxigraph server's switch MOVEs 40 000 triples), this one
    milliseconds. Its store and manifest are cut; its dumps, search index and derived/ are still the whole build's.
    """
    return shared_folder(tmp_path_factory, "small-build", functools.partial(_write_small, build_dir))


@pytest.fixture(scope="session")
def small_version_b(small_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """small_build as version_b is build_dir: one source graph fewer, one triple more, another version."""
    return shared_folder(tmp_path_factory, "small-build-b", functools.partial(_write_version_b, small_build))


SMALL = 12  # triples kept per named graph of small_build, of each kind of subject (IRI, blank node)


def _write_small(build_dir: Path, out: Path) -> None:
    def cut(store: ox.Store) -> None:
        for graph in list(store.named_graphs()):
            quads = sorted(store.quads_for_pattern(None, None, None, graph), key=str)
            for blank in (False, True):  # blank nodes kept too: a publish must keep them whole, and not repeat them
                for quad in [q for q in quads if isinstance(q.subject, ox.BlankNode) == blank][SMALL:]:
                    store.remove(quad)
    # Not the version_b scheme's "b"/"c": version_b of build_dir and of small_build stay apart.
    _rewrite(build_dir, out, cut, lambda version: "small" + version[5:])


def _write_version_b(build_dir: Path, out: Path) -> None:
    def change(store: ox.Store) -> None:
        store.clear_graph(ox.NamedNode(RETIRED))
        store.remove_graph(ox.NamedNode(RETIRED))
        store.add(ADDED)
    _rewrite(build_dir, out, change, lambda version: ("c" if version.startswith("b") else "b") + version[1:])  # always another


def _rewrite(build_dir: Path, out: Path, change: Callable[[ox.Store], None], version: Callable[[str], str]) -> None:
    """A copy of a build with its graphs changed and a new version (its dumps, search and derived/ left as they were)."""
    shutil.copytree(build_dir, out)
    store = ox.Store()
    store.bulk_load(path=out / "cscip-kg.trig", format=ox.RdfFormat.TRIG)
    change(store)
    store.dump(out / "cscip-kg.trig", ox.RdfFormat.TRIG)
    materialise_default_graph(store)
    shutil.rmtree(out / STORE_FOLDER)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["graphs"] = write_store(Engine(store, "b"), out / STORE_FOLDER)
    manifest["triples"] = len(store) - sum(manifest["graphs"].values())
    manifest["version"] = version(manifest["version"])
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
