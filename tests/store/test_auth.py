"""Credentials reach the store on every request, and a store that refuses them is a clear 503 reason."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest

from cscip_kg.engine import Prepared
from cscip_kg.namespaces import PREFIXES
from cscip_kg.remote import Publication, RemoteEngine
from cscip_kg.store import StoreConfig, StoreUnavailable, send

ASK_TRUE = b'{"head":{},"boolean":true}'


class Gatekeeper(http.server.BaseHTTPRequestHandler):
    """A store that answers ASK with true only for the one accepted Authorization header."""

    accepted = "Bearer s3cret"
    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        header = self.headers.get("Authorization") or ""
        self.seen.append(header)
        ok = header == self.accepted
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(ASK_TRUE if ok else b"")

    do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture()
def gatekeeper() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gatekeeper)
    # serve_forever looks for shutdown() every poll_interval (0.5 s by default): each test's teardown waited that long.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    Gatekeeper.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _ask(config: StoreConfig) -> bool:
    return bool(RemoteEngine(config, Publication("v", {}), PREFIXES).query(Prepared("ASK { ?s ?p ?o }")))


def test_bearer_token_is_sent_on_queries_and_writes(gatekeeper):
    config = StoreConfig(f"{gatekeeper}/query", f"{gatekeeper}/update", token="s3cret")
    assert _ask(config)
    send(config, f"{gatekeeper}/store?graph=x", "PUT", b"", "application/n-triples")
    assert Gatekeeper.seen == ["Bearer s3cret", "Bearer s3cret"]


def test_basic_credentials_are_sent_and_refusal_is_clear(gatekeeper):
    config = StoreConfig(f"{gatekeeper}/query", user="cscip", password="wrong")
    with pytest.raises(StoreUnavailable, match=r"refused our credentials \(401\)"):
        _ask(config)
    assert Gatekeeper.seen == ["Basic Y3NjaXA6d3Jvbmc="]  # base64("cscip:wrong")
