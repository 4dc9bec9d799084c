"""Every named query runs as written on the Oxigraph server: its PREFIX lines make it complete SPARQL.

The query goes to the server with nothing added (no prefix prologue, no dataset),
as any other SPARQL tool would send it, and answers the same rows as the CLI.
"""

from __future__ import annotations

import urllib.parse

import pytest
from click.testing import CliRunner

from cscip_kg.cli import main
from cscip_kg.queries import load_catalogue
from tests.conftest import ROOT
from tests.server.live import fetch
from tests.store.compare import rows, variables
from tests.store.oxigraph import Oxigraph

pytestmark = pytest.mark.slow

CATALOGUE = load_catalogue(ROOT / "queries")
JSON = "application/sparql-results+json"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_named_query_runs_as_written_on_the_oxigraph_server(name: str, store: Oxigraph) -> None:
    text = CATALOGUE[name].bind({})  # the file's text, with any default parameter bound
    answer = fetch(f"{store.url}/query", "POST", {"Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"},
                   urllib.parse.urlencode({"query": text}).encode())
    assert answer.status == 200, answer.text
    cli = CliRunner().invoke(main, ["--root", str(ROOT), "query", name, "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert variables(answer.body) == variables(cli.stdout_bytes)
    assert rows(answer.body, text) == rows(cli.stdout_bytes, text)
    assert rows(answer.body, text), f"{name} answers nothing, so the comparison proves nothing"
