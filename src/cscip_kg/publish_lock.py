"""One publish at a time per store: a claim recorded in the store itself, where every publisher looks.

Publishers may run on different machines, so the lock lives in the store, in the
graph ``<base>graph/publish-lock`` (never part of the answers). A publisher claims
it with one conditional update (insert my claim only if there is none), reads the
claims back and proceeds only if its own is the one there; otherwise it refuses,
naming the holder. If two claims land at once (a store that does not serialise
updates), both publishers see both and the smaller claim wins, the other withdraws.
A claim left by a publisher that was killed is broken by the next publish from
the same machine (its process is gone); from another machine it must be dropped
by hand, as the refusal says.
"""

from __future__ import annotations

import datetime
import os
import socket
import uuid
from dataclasses import dataclass

import pyoxigraph as ox

from cscip_kg.remote import DCTERMS, run
from cscip_kg.store import StoreConfig, send

SPARQL_UPDATE = "application/sparql-update"


class PublishLocked(Exception):
    """Another publish holds this store's lock; the message names it and what to do."""


@dataclass(frozen=True)
class Claim:
    iri: str
    holder: str  # host:pid:token
    since: str

    @property
    def stale_here(self) -> bool:
        """Made by a process of this machine that no longer runs (or by this very process, which holds no other)."""
        host, _, rest = self.holder.partition(":")
        pid_text = rest.partition(":")[0]
        if host != socket.gethostname() or not pid_text.isdigit():
            return False
        pid = int(pid_text)
        if pid == os.getpid():
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def lock_graph(base: str) -> str:
    return f"{base}graph/publish-lock"


class PublishLock:
    def __init__(self, config: StoreConfig, base: str) -> None:
        self.config, self.graph = config, lock_graph(base)
        token = uuid.uuid4().hex[:12]
        self.claim = Claim(f"{self.graph}/{token}", f"{socket.gethostname()}:{os.getpid()}:{token}",
                           datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))

    def acquire(self) -> None:
        """Claim the lock, or raise PublishLocked (StoreUnavailable / StoreError if the store fails)."""
        for _attempt in range(2):
            self._update(f"""INSERT {{ GRAPH <{self.graph}> {{ <{self.claim.iri}> <{DCTERMS}identifier> "{self.claim.holder}" ;
                <{DCTERMS}created> "{self.claim.since}" }} }}
              WHERE {{ FILTER NOT EXISTS {{ GRAPH <{self.graph}> {{ ?claim <{DCTERMS}identifier> ?holder }} }} }}""")
            claims = self._claims()
            if claims and min(claims, key=lambda c: c.holder) == self.claim:
                return
            self._withdraw(self.claim)
            others = [c for c in claims if c != self.claim]
            stale = [c for c in others if c.stale_here]
            if not stale or len(stale) != len(others):
                holder = min(others, key=lambda c: c.holder) if others else self.claim
                raise PublishLocked(
                    f"another publish ({holder.holder}, since {holder.since}) is publishing into this store; "
                    f"nothing was changed. Run publish again when it has finished; if that publisher is dead, "
                    f"drop its claim with the SPARQL update `DROP GRAPH <{self.graph}>`")
            for claim in stale:
                self._withdraw(claim)
        raise PublishLocked(f"could not claim the publish lock in <{self.graph}>; nothing was changed")

    def release(self) -> None:
        self._withdraw(self.claim)

    def _claims(self) -> list[Claim]:
        result = run(self.config, f"""SELECT ?claim ?holder ?since WHERE {{ GRAPH <{self.graph}> {{
            ?claim <{DCTERMS}identifier> ?holder . OPTIONAL {{ ?claim <{DCTERMS}created> ?since }} }} }}""",
                     (self.graph,), (self.graph,))
        assert isinstance(result, ox.QuerySolutions)
        return [Claim(row["claim"].value, row["holder"].value, row["since"].value if row["since"] is not None else "")
                for row in result if isinstance(row["claim"], ox.NamedNode)]

    def _withdraw(self, claim: Claim) -> None:
        self._update(f"DELETE WHERE {{ GRAPH <{self.graph}> {{ <{claim.iri}> ?p ?o }} }}")

    def _update(self, text: str) -> None:
        send(self.config, self.config.update_url, "POST", text.encode("utf-8"), SPARQL_UPDATE)
