"""The logic of bench/pagecost.py (no timing is judged here: figures go in BENCHMARKS.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.engine import Engine, Prepared

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import pagecost

EX = "http://example.org/"
NQUADS = f"""<{EX}a> <{EX}p> "1" <{EX}g> .
<{EX}b> <{EX}p> "2" <{EX}g> .
""".encode()


def test_the_recorder_times_each_query_and_hands_back_the_same_answer():
    engine = Engine.from_nquads(NQUADS)
    recorder = pagecost.Recorder(engine)
    query = Prepared(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }}")
    unrecorded = engine.query(query)
    assert isinstance(unrecorded, ox.QuerySolutions)
    assert len(list(unrecorded)) == 2 and recorder.queries == []
    with recorder.recording() as queries:
        answered = engine.query(query)
        asked = engine.query(Prepared(f"ASK {{ <{EX}a> <{EX}p> ?o }}"))
    assert isinstance(answered, ox.QuerySolutions) and sorted(row["s"].value for row in answered) == [f"{EX}a", f"{EX}b"]
    assert isinstance(asked, ox.QueryBoolean) and bool(asked)
    assert [(q.rows, q.text) for q in queries] == [(2, query.text), (1, f"ASK {{ <{EX}a> <{EX}p> ?o }}")]
    assert all(q.cpu_ms >= 0 for q in queries)
    engine.query(query)
    assert len(queries) == 2  # nothing recorded once the block is left


def test_pick_spreads_over_the_list_and_adds_the_heavy_ones():
    found = [f"model/{n:02}" for n in range(20)]
    assert pagecost.pick(found, 4, []) == ["model/00", "model/05", "model/10", "model/15"]
    assert pagecost.pick(found, 4, ["model/07", "model/99"]) == ["model/00", "model/05", "model/10", "model/15", "model/07"]
    assert pagecost.pick(found[:2], 6, []) == found[:2]


def _page(query_ms: float, page_ms: float = 10.0) -> dict[str, object]:
    return {"page_cpu_ms": page_ms, "query_cpu_ms": query_ms, "queries": []}


def _run(**types: list[float]) -> dict[str, dict[str, object]]:
    return {kind: {"first_query_cpu_ms": 0.0, "paths": {f"/{kind}/{i}": _page(ms) for i, ms in enumerate(times)}}
            for kind, times in types.items()}


def test_a_page_type_is_over_when_its_summed_query_time_grows_past_the_limit():
    small = _run(model=[1.0, 3.0], theme=[2.0, 2.0], home=[0.0])
    large = _run(model=[1.0, 9.0], theme=[2.0, 5.0], home=[0.0])
    lines, over = pagecost.compare(small, large, 2.0)
    assert over == ["model"]  # 10 / 4 = 2.5; theme 7 / 4 = 1.75
    assert any(line.startswith("| model | 2 | 4.00 | 10.00 | 2.50× |") and "**over**" in line for line in lines)
    assert any(line.startswith("| home | 1 | 0.00 | 0.00 | – |") for line in lines)  # no queries: nothing to judge
