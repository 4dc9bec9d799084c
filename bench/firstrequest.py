"""The first request after start, and later ones, per page: CPU in the server's own process (issue 18).

    python bench/firstrequest.py BUILD [BUILD ...] [--paths / /id/model/family-safeguarding ...] [--repeat 5]

For each build and each path, a fresh Python process opens the app on the build (``create_app``, no
answer cache, one query worker, which pages never use) and times, with Flask's test client, the CPU
of the first GET of the path (what the first visitor after ``serve`` starts waits for: templates
compiled, per-build results read or computed) and the least of ``--repeat`` later GETs. A fresh
process per path, so no path's first request pays for another's. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PATHS = ("/", "/id/model/family-safeguarding", "/id/programme/sfpc", "/id/organisation/walsall")


def child(build: Path, path: str, repeat: int) -> dict[str, float]:
    """In this process: open the app, then the first and later GETs of ``path`` (CPU ms)."""
    sys.path.insert(0, str(ROOT / "src"))
    from cscip_kg.server import close_app, create_app

    started = time.process_time()
    app = create_app({"build": str(build), "workers": 1, "cache_mb": 0})
    opened = time.process_time() - started
    client = app.test_client()
    try:
        times = []
        for _ in range(repeat + 1):
            started = time.process_time()
            answer = client.get(path, headers={"Accept": "text/html"})
            times.append(time.process_time() - started)
            if answer.status_code != 200:
                raise SystemExit(f"GET {path} answered {answer.status_code}")
    finally:
        close_app(app)
    return {"create_app_ms": round(opened * 1000, 1), "first_ms": round(times[0] * 1000, 1),
            "later_ms": round(min(times[1:]) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("builds", type=Path, nargs="+", help="build folders (bench/generate.py OUT: OUT/build)")
    parser.add_argument("--paths", nargs="+", default=list(PATHS))
    parser.add_argument("--repeat", type=int, default=5, help="later requests; the least is kept")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per path; the median first request is kept")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.builds[0], args.paths[0], args.repeat)))
        return
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for build in args.builds:
        for path in args.paths:
            runs = [json.loads(subprocess.run(
                [sys.executable, __file__, str(build), "--child", "--paths", path, "--repeat", str(args.repeat)],
                check=True, capture_output=True, text=True).stdout) for _ in range(args.rounds)]
            runs.sort(key=lambda run: run["first_ms"])
            middle = runs[len(runs) // 2]
            middle["later_ms"] = min(run["later_ms"] for run in runs)
            figures.setdefault(str(build), {})[path] = middle
            print(f"{build} {path}: {middle}", file=sys.stderr)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
