"""Two publishes at once never interleave, and a publisher killed at the switch leaves one whole version live.

On both stores (the Oxigraph server and Virtuoso), with real `cscip-kg publish`
processes: one is paused (SIGSTOP) while it holds the lock, or killed (SIGKILL)
the moment it announces the switch; and one "dies" with its switch request still
running in the store. Every publisher process is waited for and its pipe closed,
whatever the test's outcome (a leaked one fails a later test).

The tests run from two files, test_publish_guards_oxigraph.py and test_publish_guards_virtuoso.py, one store
each: `make test` hands out whole files (--dist loadfile), so its two processes can take a store each.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cscip_kg.publish import Publisher, PublishFailed, publish, staging_prefix
from cscip_kg.publish_lock import PublishLock, PublishLocked, lock_graph
from cscip_kg.remote import Publication, read_publication, run
from cscip_kg.store import send
from tests.store.conftest import Store, new_store

BASE = "https://w3id.org/cscip-kg/"
CLI = [sys.executable, "-c", "from cscip_kg.cli import main; main()"]
KILLED_TIMEOUT = 5  # seconds: the killed publisher's --store-timeout (it publishes small_build, see below)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])  # each test file names its one store
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    server = new_store(request.param, tmp_path_factory.mktemp(f"guards-{request.param}")).start()
    yield server
    server.stop()


def _version(folder: Path) -> str:
    return str(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"])


@contextlib.contextmanager
def _publishing(folder: Path, store: Store, *flags: str) -> Iterator[subprocess.Popen[str]]:
    """A `cscip-kg publish` process; on leaving, it is resumed and killed if still running, waited for, its pipe closed."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [*CLI, "publish", "--build", str(folder), *store.flags_for_cli(), *flags]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                process.kill()


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


def _claim(store: Store, holder: str) -> str:
    """Put a claim in the lock graph directly, as another publisher would."""
    iri = f"{lock_graph(BASE)}/{holder.rpartition(':')[2]}"
    update = (f'INSERT DATA {{ GRAPH <{lock_graph(BASE)}> {{ <{iri}> <http://purl.org/dc/terms/identifier> "{holder}" ; '
              f'<http://purl.org/dc/terms/created> "2026-01-01T00:00:00+00:00" }} }}')
    send(store.config(), store.config().update_url, "POST", update.encode("utf-8"), "application/sparql-update")
    return iri


def _claimed_by(store: Store) -> set[str]:
    query = f"SELECT ?holder WHERE {{ GRAPH <{lock_graph(BASE)}> {{ ?claim <http://purl.org/dc/terms/identifier> ?holder }} }}"
    result = run(store.config(), query, (lock_graph(BASE),), (lock_graph(BASE),))
    assert isinstance(result, ox.QuerySolutions)
    return {row["holder"].value for row in result}  # type: ignore[union-attr]


@contextlib.contextmanager
def _another_process() -> Iterator[int]:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"]) as process:
        try:
            yield process.pid
        finally:
            process.kill()


def test_a_claim_held_by_a_running_publisher_is_respected_and_a_dead_one_s_is_broken(store):
    with _another_process() as pid:
        holder = f"{socket.gethostname()}:{pid}:otherclaim01"
        _claim(store, holder)
        with pytest.raises(PublishLocked, match=rf"another publish \({holder}, since .*\) is publishing into this store"):
            PublishLock(store.config(), BASE).acquire()
        assert _claimed_by(store) == {holder}, "the refused publisher's claim must not have landed"
    lock = PublishLock(store.config(), BASE)  # that process has ended: its claim is stale and broken
    lock.acquire()
    assert _claimed_by(store) == {lock.claim.holder}
    lock.release()
    assert _claimed_by(store) == set()


def test_two_claims_that_landed_at_once_never_both_proceed(store):
    """A store that does not serialise updates may take both claims: the one that saw itself alone holds the lock."""
    lock = PublishLock(store.config(), BASE)
    with _another_process() as pid:
        holder = f"{socket.gethostname()}:{pid}:otherclaim02"
        _claim(store, holder)
        _claim(store, lock.claim.holder)  # its own claim landed too
        with pytest.raises(PublishLocked, match=r"another publish .* is publishing into this store"):
            lock.acquire()
        assert _claimed_by(store) == {holder}, "the second claim stepped back"
    PublishLock(store.config(), BASE).acquire()  # breaks the ended process's claim
    send(store.config(), store.config().update_url, "POST", f"DROP SILENT GRAPH <{lock_graph(BASE)}>".encode(),
         "application/sparql-update")


# The lock tests publish small_build (tests/store/conftest.py): what they check is the lock and the switch, and a
# publish of the whole build costs seconds of the store's CPU.
def test_a_second_publish_refuses_while_the_first_holds_the_lock(small_build, small_version_b, store):
    publish(small_build, store.config())
    with _publishing(small_version_b, store) as first:
        _read_until(first, "staged ")
        os.kill(first.pid, signal.SIGSTOP)  # the first publisher is mid-way, holding the lock
        with pytest.raises(PublishFailed, match=r"another publish .* is publishing into this store; nothing was changed"):
            publish(small_build, store.config())
        live = read_publication(store.config(), BASE)
        assert live is not None and live.version == _version(small_build), "the refused publish must not have switched"
        os.kill(first.pid, signal.SIGCONT)
        output, _ = first.communicate(timeout=300)
        assert first.returncode == 0, output
    live = read_publication(store.config(), BASE)
    assert live is not None and live.version == _version(small_version_b)
    assert _live_counts(store, live) == live.graphs
    assert _claimed_by(store) == set(), "the first publisher released the lock"
    lock = PublishLock(store.config(), BASE)  # so the next publish goes ahead (a whole publish costs seconds more)
    lock.acquire()
    lock.release()


def test_a_publisher_killed_at_the_switch_leaves_one_whole_version(small_build, small_version_b, store):
    publish(small_build, store.config())
    # A short time limit for the killed one: killed after stamping its claim but before its switch went out (the
    # usual case), its claim stands until then (nothing tells the next publish that the switch will never arrive), so
    # the next publish waits that long. Each of its requests before the kill must still end within it: with the
    # whole build the largest (staging the default graph) took up to 16 s on a 2-core machine at load 12; with
    # small_build each carries a few dozen triples.
    with _publishing(small_version_b, store, "--store-timeout", str(KILLED_TIMEOUT)) as publisher:
        _read_until(publisher, "verified ")  # next it stamps its claim and sends the switch
        publisher.kill()
        publisher.communicate(timeout=60)
    live = read_publication(store.config(), BASE)
    assert live is not None and live.version in {_version(small_build), _version(small_version_b)}
    assert _live_counts(store, live) == live.graphs, "the live graphs are exactly one version's, never a mix"
    # The dead publisher's claim is broken by the next publish from this machine, which then cleans up.
    published = publish(small_version_b, store.config())
    assert published.version == _version(small_version_b)
    assert not _staging_graphs(store)
    claims = run(store.config(), "ASK { GRAPH ?g { ?s ?p ?o } }", (lock_graph(BASE),), (lock_graph(BASE),))
    assert not bool(claims), "the lock graph is empty after a publish"


class _DiesAfterSendingItsSwitch(Publisher):
    """A real publisher whose switch request goes out (from a thread) just before it "dies", leaving its claim.

    The deterministic form of a kill at the switch: the store is still running the switch when the next publish
    starts. Before staging graphs were named per attempt, the late switch's MOVEs emptied the next attempt's
    same-named staging graphs on the Oxigraph server, which runs concurrent updates without a write-conflict check.
    """

    def _switch(self, staged_manifest: str, stale: set[str]) -> None:
        self.sending = threading.Thread(target=Publisher._switch, args=(self, staged_manifest, stale))
        self.sending.start()
        while self.sending.is_alive() and not any(c.until for c in self.lock._claims() if c.iri == self.lock.claim.iri):
            time.sleep(0.01)  # until stamped: the switch goes out next
        raise _Died


class _Died(Exception):
    pass


def test_a_switch_still_running_for_a_dead_publisher_is_waited_for(small_build, version_b, store):
    # The whole build here: its switch takes long enough (seconds) to be still running when the next publish looks.
    # Any other version live before will do: small_build costs no switch of its own.
    publish(small_build, store.config())
    dead = _DiesAfterSendingItsSwitch(version_b, store.config(), lambda _message: None)
    with pytest.raises(_Died):
        dead.run()
    try:
        messages: list[str] = []
        published = publish(version_b, store.config(), messages.append)  # same version: same staging names before
    finally:
        dead.sending.join(timeout=600)
    assert any(m.startswith(f"a publish killed after sending its switch ({dead.lock.claim.holder})") for m in messages), messages
    live = read_publication(store.config(), BASE)
    assert live == published and live.version == _version(version_b)
    assert _live_counts(store, live) == live.graphs
    assert not _staging_graphs(store) and not _claimed_by(store)
