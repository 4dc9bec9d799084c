"""Bytes sent and CPU per request with and without gzip, through the app's WSGI stack (no wire).

    python bench/compression.py /tmp/cscip-bench/1/build [--out bench/results/compression-x1.json]

For the home page, a big entity page and yasqe.min.js (the editor's script): the identity and gzip body sizes (what
goes on the wire besides headers). For the big page: CPU of one compression, of a cached answer
replayed identity and gzip (least of 5 rounds), and of an answer computed afresh (cache off).
Process time, so waiting for a core on a shared machine is not counted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src")]

from werkzeug.test import EnvironBuilder  # noqa: E402

from cscip_kg.server import close_app, create_app  # noqa: E402
from cscip_kg.server.compression import compress  # noqa: E402

PATHS = ("/", "/id/source/dfe-insights-2021", "/static/vendor/yasqe/yasqe.min.js")
BIG = PATHS[1]
PAGE = {"Accept": "text/html"}
GZIP = {**PAGE, "Accept-Encoding": "gzip, deflate, br"}


def call(app: Any, path: str, headers: dict[str, str]) -> tuple[dict[str, str], bytes]:
    seen: dict[str, str] = {}
    environ = EnvironBuilder(path=path, headers=headers).get_environ()
    body = b"".join(app.wsgi_app(environ, lambda _status, headers, _exc=None: seen.update(headers)))
    return seen, body


def least_cpu(action: Callable[[], object], count: int, rounds: int = 5) -> float:
    """Least process time of one action, in ms, over ``rounds`` rounds of ``count``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(count):
            action()
        best = min(best, (time.process_time() - started) / count * 1000)
    return best


def measure(build: Path) -> dict[str, object]:
    sizes: dict[str, dict[str, object]] = {}
    cpu: dict[str, float] = {}
    with opened(build, cache_mb=64) as app:
        for path in PATHS:
            _h, plain = call(app, path, PAGE)
            headers, packed = call(app, path, GZIP)
            assert gzip.decompress(packed) == plain and headers.get("Content-Encoding") == "gzip"
            sizes[path] = {"identity": len(plain), "gzip": len(packed), "ratio": round(len(plain) / len(packed), 1)}
        _h, page = call(app, BIG, PAGE)
        cpu["compress once (level 6)"] = least_cpu(lambda: compress(page), 10)
        cpu["cached, identity"] = least_cpu(lambda: call(app, BIG, PAGE), 500)
        cpu["cached, gzip"] = least_cpu(lambda: call(app, BIG, GZIP), 500)
    with opened(build, cache_mb=0) as app:
        cpu["uncached, identity"] = least_cpu(lambda: call(app, BIG, PAGE), 5, rounds=3)
        cpu["uncached, gzip"] = least_cpu(lambda: call(app, BIG, GZIP), 5, rounds=3)
    return {"build": str(build), "when": datetime.now(UTC).isoformat(timespec="seconds"), "bytes": sizes,
            "cpu_ms": {name: round(value, 3) for name, value in cpu.items()}}


@contextmanager
def opened(build: Path, cache_mb: int) -> Iterator[Any]:
    app = create_app({"build": str(build), "workers": 1, "cache_mb": cache_mb})
    try:
        yield app
    finally:
        close_app(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = measure(args.build)
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
