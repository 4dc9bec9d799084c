"""A build, the embedded server over it, and a real Oxigraph server it was published to (per session).

The session store runs with --union-default-graph and holds a foreign graph as
well, as an organisation's shared store would: answers must not change.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cscip_kg.publish import publish
from cscip_kg.store import graph_url, send
from tests.server.live import running_server
from tests.store.oxigraph import Oxigraph

FOREIGN_GRAPH = "http://example.org/someone-elses-graph"
FOREIGN = (b"<http://example.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/cscip-kg/def/PracticeModel> .\n"
           b'<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "Not ours" .\n')


@pytest.fixture(scope="session")
def store(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph"), "--union-default-graph").start()
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
def remote_server(build_dir: Path, store: Oxigraph) -> Iterator[str]:
    # The parity tests compare answers, not speed: lineage.rq takes seconds on a store given every
    # graph as its dataset (a known gap, see BENCHMARKS.md), so the store gets a generous timeout here.
    with running_server(build_dir, "--store", f"{store.url}/query", env={"CSCIP_KG_STORE_TIMEOUT": "120"}) as url:
        yield url
