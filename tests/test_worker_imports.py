"""A query worker imports what evaluating a query needs, not SHACL or the web framework.

The parent imports the CLI and Flask, as `cscip-kg serve` (a console script) does:
spawn would re-import that main module in every worker unless bounded.start_lean hides it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PARENT = """
import multiprocessing, sys
import cscip_kg.cli, flask, pyshacl  # as the main module of `cscip-kg serve` may have them (validate loads pyshacl only when needed)
assert "pyshacl" in sys.modules and "flask" in sys.modules
from cscip_kg.bounded import start_lean
from tests.worker_probe import report

if __name__ == "__main__":
    context = multiprocessing.get_context("spawn")
    mine, child = context.Pipe()
    process = context.Process(target=report, args=(child,))
    start_lean(process)
    modules = mine.recv()
    process.join(30)
    print(" ".join(modules))
"""


def test_a_spawned_worker_imports_neither_pyshacl_nor_flask(tmp_path: Path) -> None:
    script = tmp_path / "serve_like.py"
    script.write_text(PARENT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT), "PATH": ""}, check=False)
    assert done.returncode == 0, done.stderr
    modules = set(done.stdout.split())
    assert "cscip_kg.bounded" in modules and "pyoxigraph" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in {"pyshacl", "flask", "werkzeug"}
                   or m in {"cscip_kg.validate", "cscip_kg.cli", "cscip_kg.server"})
    assert not heavy, f"a query worker imports {', '.join(heavy)}"
