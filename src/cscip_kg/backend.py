"""What the rest of cscip-kg needs from whatever answers its queries.

Two backends satisfy it: ``engine.Engine`` (pyoxigraph in memory, the default)
and ``remote.RemoteEngine`` (a SPARQL 1.1 store over HTTP). Both return
pyoxigraph result objects, so pages, the API, /sparql and the CLI serialise the
same objects whichever store answered.
"""

from __future__ import annotations

from typing import Protocol

from cscip_kg.engine import Prepared, QueryResult


class Backend(Protocol):
    version: str  # the build's content version this backend answers for
    prefixes: dict[str, str]  # predefined for every query (cscip:, model:, …)

    def query(self, prepared: Prepared) -> QueryResult:
        """Answer one read-only query; raises QueryError, QueryRefused or store.StoreUnavailable."""
        ...
