"""Every named query runs as written on the Oxigraph server: its PREFIX lines make it complete SPARQL.

The query goes to the server with nothing added to its text (no prefix prologue), as
any other SPARQL tool would send it, and answers the same rows as the CLI. The protocol's
dataset names the publication's graphs: the published default graph (each triple once, as
the CLI's; the server's own union default graph repeats a triple once per graph holding it)
and the source graphs as named graphs (not the store's other graphs).
"""

from __future__ import annotations

import urllib.parse

import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.queries import load_catalogue
from cscip_kg.remote import read_publication
from tests.conftest import ROOT
from tests.server.live import fetch
from tests.store.compare import rows, variables
from tests.store.oxigraph import Oxigraph

pytestmark = pytest.mark.slow

CATALOGUE = load_catalogue(ROOT / "queries")
JSON = "application/sparql-results+json"
BASE = "https://w3id.org/cscip-kg/"


@pytest.mark.parametrize("store", ["oxigraph"], indirect=True)  # Virtuoso's differences: test_parity.py
@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_named_query_runs_as_written_on_the_oxigraph_server(name: str, store: Oxigraph) -> None:
    text = CATALOGUE[name].bind({})  # the file's text, with any default parameter bound
    live = read_publication(store.config(), BASE)
    assert live is not None and live.default is not None
    form = [("query", text), ("default-graph-uri", live.default), *(("named-graph-uri", g) for g in live.sources)]
    answer = fetch(store.query_url, "POST", {"Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"},
                   urllib.parse.urlencode(form).encode())
    assert answer.status == 200, answer.text
    cli = CliRunner().invoke(main, ["--root", str(ROOT), "query", name, "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert variables(answer.body) == variables(cli.stdout_bytes)
    assert rows(answer.body, text) == rows(cli.stdout_bytes, text)
    assert rows(answer.body, text), f"{name} answers nothing, so the comparison proves nothing"
