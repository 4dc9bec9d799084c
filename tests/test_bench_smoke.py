"""A smoke test of the benchmark scripts (seconds, not a benchmark): ×2 data validates, a build serves it,
and the report code turns one short measurement into a table."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from cscip_kg.build import compile_graph
from cscip_kg.loader import Project
from cscip_kg.validate import validate
from tests.server.live import fetch, running_server

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import client  # noqa: E402
import generate  # noqa: E402
import report  # noqa: E402
from mix import Mix  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "x2"
    generate.generate(2, out)
    return out


def test_generated_data_conforms(synthetic: Path):
    """Every copy validates (copies once renamed the scheme of measures the shapes name, and no finding conformed)."""
    assert [str(p) for p in validate(Project(synthetic / "project"))] == []


def test_generated_data_conforms_and_doubles_the_graph(synthetic: Path):
    compiled = compile_graph(Project(synthetic / "project"))  # raises if a shape fails
    manifest = json.loads((synthetic / "build" / "manifest.json").read_text())
    # Counted as a store holds them: pyoxigraph rewrites some literals on load ("5"^^xsd:nonNegativeInteger is
    # stored as 5, an xsd:integer; oxigraph issue #526), so two statements rdflib keeps apart can be one there.
    stored = ox.Store()
    stored.load(compiled.loaded.union().serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert manifest["triples"] == len(stored)
    assert manifest["triples"] > 7000  # twice the real graph, less the ontology it does not copy


def test_generation_is_deterministic(synthetic: Path, tmp_path: Path):
    again = generate.generate(2, tmp_path / "x2")
    assert again["version"] == json.loads((synthetic / "build" / "manifest.json").read_text())["version"]


def test_cached_data_goes_stale_when_a_query_changes(synthetic: Path, tmp_path: Path):
    source = tmp_path / "checkout"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(generate.ROOT / folder, source / folder)
    assert generate.is_current(synthetic, 2)
    assert generate.inputs_fingerprint(source, 2) == generate.inputs_fingerprint(generate.ROOT, 2)
    (source / "queries" / "lineage.rq").write_text("# changed\n", encoding="utf-8")
    assert generate.inputs_fingerprint(source, 2) != generate.inputs_fingerprint(generate.ROOT, 2)
    assert not generate.is_current(synthetic, 3)


def test_mix_runs_against_the_server_and_reports(synthetic: Path):
    mix = Mix.from_build(synthetic / "build")
    assert "model:family-safeguarding-c1" in mix.values["lineage"]
    # lineage.rq overflows the 8 KiB of request headers the Oxigraph server takes, so it goes as a form POST
    path, _accept, body = mix.source("/query", True, "lineage", False)(0)
    assert path == "/query" and body is not None and body.startswith(b"query=")
    assert mix.source("/query", True, "describe", False)(0)[2] is None
    with running_server(synthetic / "build") as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        assert fetch(url + "id/model/family-safeguarding-c1").status == 200
        # budget 60 s: a cap for a loaded CI machine, where 3 warm-ups and 3 lineage answers at ×2 may pass 5 s
        figures = client.latency(port, mix.source("/sparql", False, "lineage", False), 3, 60, 30)
        assert figures["n"] == 3 and figures["errors"] == 0
        rate = client.throughput(port, mix.mix_source("/sparql", False, True), 2, 0.3)
        assert rate["requests"] > 0 and rate["errors"] == 0
    scale = {"scale": 2, "triples": 1, "servers": {"cscip-kg": {
        "cold_start_s": 1.0, "rows": {"lineage": 3}, "peak_memory": {"rss_mib": 1, "pss_mib": 1},
        "latency": {"lineage": {"cached": figures, "uncached": figures}}, "throughput": {"mix/cached": [rate]}}}}
    run = {"date": "today", "machine": {"cpus": 2, "processor": "x", "python": "3", "platform": "p"}, "scales": [scale]}
    run["targets"] = report.targets(run)
    assert "| lineage |" in report.markdown(run)
