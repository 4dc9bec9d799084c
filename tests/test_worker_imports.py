"""Serving imports what answering needs: a query worker not SHACL, rdflib or the web framework, the web process not rdflib or SHACL.

The parent imports the CLI and Flask, as `cscip-kg serve` (a console script) does: the fork server the
workers come from is a new interpreter, so none of that reaches them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PARENT = """
import sys
import cscip_kg.cli, flask, pyshacl, rdflib  # a main module with SHACL, rdflib and flask loaded
assert "pyshacl" in sys.modules and "rdflib" in sys.modules and "flask" in sys.modules
from cscip_kg.fork_server import ForkServer
from tests.worker_probe import report

if __name__ == "__main__":
    server = ForkServer(("cscip_kg.bounded",))
    worker = server.fork(report)
    modules = worker.connection.recv()
    worker.wait(30)
    worker.close()
    server.close()
    print(" ".join(modules))
"""


def test_a_forked_worker_imports_neither_pyshacl_rdflib_nor_flask(tmp_path: Path) -> None:
    script = tmp_path / "serve_like.py"
    script.write_text(PARENT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT), "PATH": ""}, check=False)
    assert done.returncode == 0, done.stderr
    modules = set(done.stdout.split())
    assert "cscip_kg.bounded" in modules and "pyoxigraph" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in {"pyshacl", "rdflib", "flask", "werkzeug", "SPARQLWrapper"}
                   or m in {"cscip_kg.validate", "cscip_kg.cli", "cscip_kg.server"})
    assert not heavy, f"a query worker imports {', '.join(heavy)}"


# What `cscip-kg serve` imports (the CLI, waitress, the app), then the pages, /sparql and downloads
# asked once each, so that imports made lazily on a route count too. The probe prints its modules.
SERVING = """
import json, sys
import cscip_kg.cli, waitress
from cscip_kg.server import create_app
from cscip_kg.server.context import POOL

app = create_app({"build": sys.argv[1], "workers": 1})
try:
    client = app.test_client()
    statuses = {path: client.get(path, headers={"Accept": accept}).status_code for path, accept in [
        ("/", "text/html"), ("/id/model/no-wrong-door", "text/html"), ("/id/model/no-wrong-door", "text/turtle"),
        ("/id/model/no-wrong-door", "application/ld+json"), ("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", "application/sparql-results+xml"),
        ("/sparql?query=DESCRIBE%20model%3Ano-wrong-door", "text/turtle"), ("/search?q=family", "text/html"),
        ("/queries/", "text/html"), ("/queries/lineage", "text/html"), ("/lineage/model/no-wrong-door", "text/html"),
        ("/dataset", "text/html"), ("/def/", "text/html"), ("/download/cscip-kg.ttl", "text/turtle"),
        ("/api/queries", "application/json")]}
finally:
    app.extensions[POOL].close()
print(json.dumps({"statuses": statuses, "modules": sorted(sys.modules)}))
"""
# Parsing and validating (build, validate) need these; serving a build never does. rdflib alone is about a
# third of the web process's start-up, pyshacl more; SPARQLWrapper only talks to a remote store.
BUILD_SIDE = {"rdflib", "pyshacl", "SPARQLWrapper"}


def test_serving_imports_neither_rdflib_nor_pyshacl(build_dir: Path, tmp_path: Path) -> None:
    script = tmp_path / "serving.py"
    script.write_text(SERVING, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(build_dir)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path, env={"PYTHONPATH": str(ROOT / "src"), "PATH": os.environ.get("PATH", "")},
                          check=False)  # PATH: the lineage page draws with Graphviz's dot
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    not_ok = {path: status for path, status in answer["statuses"].items() if status != 200}
    assert not not_ok, f"the probe's requests must be answered to count: {not_ok}"
    heavy = sorted({m.split(".")[0] for m in answer["modules"] if m.split(".")[0] in BUILD_SIDE}
                   | {m for m in answer["modules"] if m in {"cscip_kg.build", "cscip_kg.validate", "cscip_kg.loader",
                                                             "cscip_kg.lineage", "cscip_kg.rdf_namespaces"}})
    assert not heavy, f"serving imports {', '.join(heavy)}"


def test_the_remote_backends_query_forms_are_sparqlwrappers() -> None:
    # remote.py names the forms itself so that serving an embedded store never imports SPARQLWrapper.
    import SPARQLWrapper

    from cscip_kg import remote

    assert (remote.ASK, remote.CONSTRUCT, remote.SELECT) == (SPARQLWrapper.ASK, SPARQLWrapper.CONSTRUCT, SPARQLWrapper.SELECT)


def test_namespaces_loads_rdflib_only_when_an_rdflib_term_is_asked_for() -> None:
    probe = ("import sys; import cscip_kg.namespaces as n; before = 'rdflib' in sys.modules; "
             "term = n.CSCIP.Grant; print(before, 'rdflib' in sys.modules, type(term).__name__)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "URIRef"]
