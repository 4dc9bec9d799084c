"""Two publishes at once never interleave, and a publisher killed at the switch leaves one whole version live.

On both stores (the Oxigraph server and Virtuoso), with real `cscip-kg publish`
processes: one is paused (SIGSTOP) while it holds the lock, or killed (SIGKILL)
the moment it announces the switch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cscip_kg.publish import PublishFailed, publish, staging_prefix
from cscip_kg.publish_lock import lock_graph
from cscip_kg.remote import Publication, read_publication, run
from tests.store.conftest import Store, new_store

pytestmark = pytest.mark.slow

BASE = "https://w3id.org/cscip-kg/"
CLI = [sys.executable, "-c", "from cscip_kg.cli import main; main()"]


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    server = new_store(request.param, tmp_path_factory.mktemp(f"guards-{request.param}")).start()
    yield server
    server.stop()


def _version(folder: Path) -> str:
    return str(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"])


def _start_publish(folder: Path, store: Store) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*CLI, "publish", "--build", str(folder), *store.flags_for_cli()], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)


def _read_until(process: subprocess.Popen[str], prefix: str) -> list[str]:
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith(prefix):
            return lines
    raise AssertionError(f"the publisher ended without printing {prefix!r}: {''.join(lines)}")


def _live_counts(store: Store, live: Publication) -> dict[str, int]:
    graphs = tuple(live.graphs)
    result = run(store.config(), "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", graphs, graphs)
    assert isinstance(result, ox.QuerySolutions)
    return {row["g"].value: int(row["n"].value) for row in result}  # type: ignore[union-attr]


def _staging_graphs(store: Store) -> set[str]:
    query = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{staging_prefix(BASE)}")) }}'
    result = run(store.config(), query, (), ())
    assert isinstance(result, ox.QuerySolutions)
    return {row["g"].value for row in result}  # type: ignore[union-attr]


@pytest.mark.xfail(run=False, reason="since the lineage and findings merges a staged graph can hold 0 triples at verification "
                   "(graph/lineage: 0 of 3632), so the stopped first publisher fails and the second is not refused; run, it also "
                   "leaves its publisher's pipes open (ResourceWarnings in later tests). Known gap of issue 18")
def test_a_second_publish_refuses_while_the_first_holds_the_lock(build_dir, version_b, store):
    publish(build_dir, store.config())
    first = _start_publish(version_b, store)
    try:
        _read_until(first, "staged ")
        os.kill(first.pid, signal.SIGSTOP)  # the first publisher is mid-way, holding the lock
        with pytest.raises(PublishFailed, match=r"another publish .* is publishing into this store; nothing was changed"):
            publish(build_dir, store.config())
        live = read_publication(store.config(), BASE)
        assert live is not None and live.version == _version(build_dir), "the refused publish must not have switched"
    finally:
        os.kill(first.pid, signal.SIGCONT)
    output, _ = first.communicate(timeout=300)
    assert first.returncode == 0, output
    live = read_publication(store.config(), BASE)
    assert live is not None and live.version == _version(version_b)
    assert _live_counts(store, live) == live.graphs
    publish(build_dir, store.config())  # the lock was released: the next publish goes ahead


@pytest.mark.xfail(run=False, reason="since the lineage and findings merges a staged graph can hold 0 triples at verification "
                   "(graph/lineage: 0 of 3632), so the stopped first publisher fails and the second is not refused; run, it also "
                   "leaves its publisher's pipes open (ResourceWarnings in later tests). Known gap of issue 18")
def test_a_publisher_killed_at_the_switch_leaves_one_whole_version(build_dir, version_b, store):
    publish(build_dir, store.config())
    publisher = _start_publish(version_b, store)
    _read_until(publisher, "verified ")  # the next thing it does is send the switch
    publisher.kill()
    publisher.communicate(timeout=60)
    live = read_publication(store.config(), BASE)
    assert live is not None and live.version in {_version(build_dir), _version(version_b)}
    assert _live_counts(store, live) == live.graphs, "the live graphs are exactly one version's, never a mix"
    # The dead publisher's claim is broken by the next publish from this machine, which then cleans up.
    published = publish(version_b, store.config())
    assert published.version == _version(version_b)
    assert not _staging_graphs(store)
    claims = run(store.config(), "ASK { GRAPH ?g { ?s ?p ?o } }", (lock_graph(BASE),), (lock_graph(BASE),))
    assert not bool(claims), "the lock graph is empty after a publish"
