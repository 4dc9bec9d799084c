"""`cscip-kg publish`: atomic, idempotent, and clear when it fails; a down store is a 503, never a traceback."""

from __future__ import annotations

import json
import socket
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.engine import Prepared, QueryRefused
from cscip_kg.namespaces import PREFIXES
from cscip_kg.publish import PublishFailed, publish, staging_prefix
from cscip_kg.publish_lock import lock_graph
from cscip_kg.remote import NotPublished, Publication, RemoteEngine, read_publication
from cscip_kg.server import create_app
from cscip_kg.store import StoreConfig, StoreUnavailable
from tests.conftest import ROOT
from tests.server.live import fetch, running_server
from tests.store.conftest import ADDED, RETIRED
from tests.store.oxigraph import Oxigraph, free_port
from tests.test_headline import EXPECTED, _answer

pytestmark = pytest.mark.slow

BASE = "https://w3id.org/cscip-kg/"


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "store").start()
    yield server
    server.stop()


def _version(folder: Path) -> str:
    return str(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"])


def _quads(server: Oxigraph) -> Counter[tuple[str, ...]]:
    """Everything the store holds, straight from its Graph Store endpoint (blank nodes as one label)."""
    answer = fetch(f"{server.url}/store", headers={"Accept": "application/n-quads"})
    assert answer.status == 200, answer.text
    return Counter(tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
                   for q in ox.parse(answer.body, format=ox.RdfFormat.N_QUADS))


def _graphs(quads: Counter[tuple[str, ...]]) -> set[str]:
    return {quad[3].strip("<>") for quad in quads}


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(ROOT), *args])
    return result.exit_code, result.output


# small_build, blank nodes and all (a publish that added a graph's triples again would repeat its blank nodes): a
# publish of the whole build costs seconds of the store's CPU, twice here.
def test_publish_twice_is_idempotent_and_leaves_no_staging_graphs(small_build, oxigraph):
    code, output = _cli("publish", "--build", str(small_build), *oxigraph.flags_for_cli())
    assert code == 0, output
    assert f"published version {_version(small_build)}" in output
    first = _quads(oxigraph)
    code, output = _cli("publish", "--build", str(small_build), *oxigraph.flags_for_cli())
    assert code == 0, output
    second = _quads(oxigraph)
    modified = "<http://purl.org/dc/terms/modified>"
    assert Counter({q: n for q, n in first.items() if q[1] != modified}) == Counter({q: n for q, n in second.items() if q[1] != modified})
    assert not any(g.startswith(staging_prefix(BASE)) for g in _graphs(second))
    live = read_publication(oxigraph.config(), BASE)
    assert live is not None and live.version == _version(small_build)


def test_a_store_killed_mid_publish_loses_nothing(build_dir, version_b, oxigraph):
    publish(build_dir, oxigraph.config())
    before = _quads(oxigraph)
    staged: list[str] = []

    def kill_after_three(message: str) -> None:
        staged.extend([message] if message.startswith("staged ") else [])
        if len(staged) == 3:
            oxigraph.kill()

    with pytest.raises(PublishFailed) as failure:
        publish(version_b, oxigraph.config(), progress=kill_after_three)
    assert "publish failed while loading graph" in str(failure.value)
    assert f"still serves the previous version {_version(build_dir)}, unchanged" in str(failure.value)

    oxigraph.start()
    after = _quads(oxigraph)
    leftovers = {g for g in _graphs(after) if g.startswith(staging_prefix(BASE))}
    assert len(leftovers) == 3
    # The dead run's lock claim stays too (the next publish from this machine breaks it, below).
    assert lock_graph(BASE) in _graphs(after)
    assert Counter({q: n for q, n in after.items() if q[3].strip("<>") not in leftovers | {lock_graph(BASE)}}) == before
    code, output = _cli("query", "round1-models-fed-sfpc", "--format", "csv", "--store", f"{oxigraph.url}/query")
    assert code == 0 and _answer(output) == EXPECTED

    publish(version_b, oxigraph.config())
    now = _quads(oxigraph)
    assert not any(g.startswith(staging_prefix(BASE)) for g in _graphs(now))
    assert RETIRED not in _graphs(now)
    assert tuple(str(t) for t in ADDED) in now
    live = read_publication(oxigraph.config(), BASE)
    assert live is not None and live.version == _version(version_b) and RETIRED not in live.graphs


# This test and the next publish small_build (tests/store/conftest.py): what they check is the version the store
# holds and how a down store is reported, and a publish of the whole build costs seconds of the store's CPU.
def test_serve_refuses_a_store_holding_another_version(small_build, small_version_b, oxigraph):
    settings = {"build": str(small_build), "store": f"{oxigraph.url}/query"}
    with pytest.raises(NotPublished, match="holds no cscip-kg graph"):
        create_app(settings)
    publish(small_version_b, oxigraph.config())
    expected = f"holds graph version {_version(small_version_b)}, but the build is version {_version(small_build)}"
    with pytest.raises(NotPublished, match=expected):
        create_app(settings)
    code, output = _cli("serve", "--build", str(small_build), "--port", "0", "--store", f"{oxigraph.url}/query")
    assert code == 1 and "cscip-kg publish" in output and "Traceback" not in output
    assert create_app({**settings, "build": str(small_version_b)}).extensions["cscip_kg"].version == _version(small_version_b)


def test_a_store_that_goes_down_gives_503_and_recovers(small_build, oxigraph):
    publish(small_build, oxigraph.config())
    with running_server(small_build, "--store", f"{oxigraph.url}/query") as server:
        query = f"{server}sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
        assert fetch(query).status == 200
        oxigraph.kill()
        # Requests not answered before: an answer already given is replayed from the HTTP cache.
        for url in (f"{query}%20%23down", f"{server}id/model/no-wrong-door", f"{server}graph/registry.ttl"):
            answer = fetch(url)
            assert answer.status == 503, answer.text
            assert answer.media_type == "text/plain"
            assert f"the triple store at {oxigraph.url}/query is unavailable: the connection was refused" in answer.text
            assert "Traceback" not in answer.text and answer.headers["Retry-After"]
        oxigraph.start()
        assert fetch(f"{query}%20%23back").status == 200


def test_a_store_that_does_not_answer_times_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        engine = RemoteEngine(StoreConfig(url, timeout=0.5), Publication("v", {}), PREFIXES)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=r"is unavailable: it did not answer within 0\.5 s"):
            engine.query(Prepared("ASK { ?s ?p ?o }"))
        assert time.monotonic() - started < 5


def test_refused_queries_never_reach_the_store():
    engine = RemoteEngine(StoreConfig(f"http://127.0.0.1:{free_port()}/query"), Publication("v", {}), PREFIXES)
    for query in ("DROP ALL", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                  "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }"):  # the same guard as embedded
        with pytest.raises(QueryRefused):
            engine.query(Prepared(query))
    with pytest.raises(StoreUnavailable, match="connection was refused"):
        engine.query(Prepared("ASK { ?s ?p ?o }"))


def test_publish_without_a_graph_store_endpoint_loads_through_update(build_dir, oxigraph):
    live = publish(build_dir, oxigraph.config(gsp=False))
    assert live.version == _version(build_dir)
    manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    assert live.graphs == {**manifest["graphs"], live.default: manifest["triples"]} and sum(live.graphs.values()) > 4000
    # What the store holds, counted there (not what its manifest graph says): every graph whole, blank nodes included.
    held = Counter(quad[3].strip("<>") for quad in _quads(oxigraph).elements())
    assert {graph: held[graph] for graph in live.graphs} == live.graphs


def test_publish_failures_say_what_failed(build_dir, tmp_path):
    port = free_port()
    code, output = _cli("publish", "--build", str(build_dir))
    assert code == 2 and "publish needs a triple store" in output
    code, output = _cli("publish", "--build", str(build_dir), "--store", f"http://127.0.0.1:{port}/query")
    assert code == 1 and "needs the store's SPARQL Update URL" in output
    code, output = _cli("publish", "--build", str(build_dir), "--store", f"http://127.0.0.1:{port}/query",
                        "--store-update", f"http://127.0.0.1:{port}/update")
    assert code == 1
    assert (f"publish failed while claiming the publish lock: the triple store at http://127.0.0.1:{port}/update "
            "is unavailable: the connection was refused") in output
    assert "This publish changed nothing" in output and "Traceback" not in output
    code, output = _cli("publish", "--build", str(tmp_path / "nothing"), "--store", f"http://127.0.0.1:{port}/query",
                        "--store-update", f"http://127.0.0.1:{port}/update")
    assert code == 1 and "no build in" in output
    code, output = _cli("publish", "--build", str(build_dir), "--store", "ftp://example.org/")
    assert code == 2 and "http(s) URL" in output


def test_serve_and_query_on_a_down_store_say_so(build_dir):
    store = f"http://127.0.0.1:{free_port()}/query"
    for args in (("serve", "--build", str(build_dir), "--port", "0"), ("query", "lineage")):
        code, output = _cli(*args, "--store", store)
        assert code == 1
        assert f"the triple store at {store} is unavailable: the connection was refused" in output
