"""One publish at a time per store: a claim recorded in the store itself, where every publisher looks.

Publishers may run on different machines, so the lock lives in the store, in the
graph ``<base>graph/publish-lock`` (never part of the answers). A publisher claims
it with one conditional update (insert my claim only if there is none), reads the
claims back and proceeds only if its own is the only one there; if another is
there it refuses, naming the holder. A store that does not serialise updates may
let two claims land at once: then neither is alone, both withdraw and try again
after a random pause, so at most one ever proceeds (the one whose read came first
saw only itself, and every later read sees it). A claim left by a publisher that
was killed is broken by the next publish from the same machine (its process is
gone); from another machine it must be dropped by hand, as the refusal says.

The condition counts the claims in a subquery rather than using ``FILTER NOT
EXISTS`` in an otherwise empty pattern: Virtuoso 7 evaluates that filter as true
whatever the graph holds, so every claim landed and two publishes interleaved.
"""

from __future__ import annotations

import datetime
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass

import pyoxigraph as ox

from cscip_kg.remote import DCTERMS, run
from cscip_kg.store import StoreConfig, send

SPARQL_UPDATE = "application/sparql-update"
ATTEMPTS = 5


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
        for _attempt in range(ATTEMPTS):
            self._update(f"""INSERT {{ GRAPH <{self.graph}> {{ <{self.claim.iri}> <{DCTERMS}identifier> "{self.claim.holder}" ;
                <{DCTERMS}created> "{self.claim.since}" }} }}
              WHERE {{ {{ SELECT (COUNT(?claim) AS ?claims) WHERE {{ GRAPH <{self.graph}> {{ ?claim <{DCTERMS}identifier> ?holder }} }} }}
                      FILTER(?claims = 0) }}""")
            claims = self._claims()
            if [c.iri for c in claims] == [self.claim.iri]:
                return
            others = [c for c in claims if c.iri != self.claim.iri]
            if len(others) < len(claims):
                self._withdraw(self.claim)  # two claims landed at once: step back, so that neither proceeds
            stale = [c for c in others if c.stale_here]
            for claim in stale:
                self._withdraw(claim)
            live = [c for c in others if not c.stale_here]
            if live and len(others) == len(claims):  # another claim was there first: it holds the lock
                raise self._refusal(min(live, key=lambda c: c.since))
            time.sleep(random.uniform(0.05, 0.5))  # a stale claim broken, or a tie: try again, not in step
        raise PublishLocked(f"could not claim the publish lock in <{self.graph}> in {ATTEMPTS} attempts "
                            "(other publishes kept claiming it at the same moment); nothing was changed")

    def _refusal(self, holder: Claim) -> PublishLocked:
        return PublishLocked(
            f"another publish ({holder.holder}, since {holder.since}) is publishing into this store; "
            f"nothing was changed. Run publish again when it has finished; if that publisher is dead, "
            f"drop its claim with the SPARQL update `DROP GRAPH <{self.graph}>`")

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
