"""Every named query runs as written on the Oxigraph server: its PREFIX lines make it complete SPARQL.

The query goes to the server with nothing added to its text (no prefix prologue), as
any other SPARQL tool would send it, and answers the same rows as the CLI. The protocol's
default-graph-uri names the published default graph (each triple once, as the CLI's),
since the server's own union default graph repeats a triple once per graph holding it.
"""

from __future__ import annotations

import urllib.parse

import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.queries import load_catalogue
from cscip_kg.remote import default_graph
from tests.conftest import ROOT
from tests.server.live import fetch
from tests.store.compare import rows, variables
from tests.store.oxigraph import Oxigraph
from tests.store.virtuoso import Virtuoso

pytestmark = pytest.mark.slow

CATALOGUE = load_catalogue(ROOT / "queries")
JSON = "application/sparql-results+json"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_named_query_runs_as_written_on_the_oxigraph_server(name: str, store: Oxigraph | Virtuoso) -> None:
    if not isinstance(store, Oxigraph):
        pytest.skip("the Oxigraph server's check; Virtuoso's differences are in test_parity.py")
    text = CATALOGUE[name].bind({})  # the file's text, with any default parameter bound
    form = {"query": text, "default-graph-uri": default_graph("https://w3id.org/cscip-kg/")}
    answer = fetch(store.query_url, "POST", {"Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"},
                   urllib.parse.urlencode(form).encode())
    assert answer.status == 200, answer.text
    cli = CliRunner().invoke(main, ["--root", str(ROOT), "query", name, "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert variables(answer.body) == variables(cli.stdout_bytes)
    assert rows(answer.body, text) == rows(cli.stdout_bytes, text)
    assert rows(answer.body, text), f"{name} answers nothing, so the comparison proves nothing"
