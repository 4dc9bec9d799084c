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

A publisher killed after sending its switch is another matter: the store still
has the request and may apply it later. The Oxigraph server runs concurrent
updates at "repeatable read" with no write-conflict check, so a next publish
staging or switching while that switch runs loses writes (the late switch's MOVE
cleared the next attempt's staging graphs, and two switches at once could mix
versions). So, before sending its switch, a publisher stamps its claim with
``dcterms:valid`` (until when its switch may still be running: now + its
store_timeout), and the switch request deletes the claim in the same
transaction. A dead claim without the stamp is broken at once (no switch was
sent); one with it is waited for until it goes (the switch landed) or its time
is up (the switch never arrived, or outran its publisher's limit).

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
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from cscip_kg.remote import DCTERMS, run
from cscip_kg.store import StoreConfig, send

SPARQL_UPDATE = "application/sparql-update"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
ATTEMPTS = 5
POLL = 0.5  # seconds between looks at a dead publisher's claim whose switch may still land


class PublishLocked(Exception):
    """Another publish holds this store's lock; the message names it and what to do."""


@dataclass(frozen=True)
class Claim:
    iri: str
    holder: str  # host:pid:token
    since: str
    until: str = ""  # stamped when its switch was sent: the switch may still land until then (ISO 8601, UTC)

    @property
    def switch_pending(self) -> bool:
        """Its switch was sent and may still be running in the store."""
        if not self.until:
            return False
        try:
            until = datetime.datetime.fromisoformat(self.until)
        except ValueError:
            raise PublishLocked(f"the publish lock claim <{self.iri}> ({self.holder}) has an unreadable dcterms:valid "
                                f"{self.until!r}; nothing was changed. Drop the claim by hand once its publish is over") from None
        return _now() < (until if until.tzinfo else until.replace(tzinfo=datetime.UTC))

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


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def lock_graph(base: str) -> str:
    return f"{base}graph/publish-lock"


class PublishLock:
    def __init__(self, config: StoreConfig, base: str, progress: Callable[[str], None] = lambda _message: None) -> None:
        self.config, self.graph, self.progress = config, lock_graph(base), progress
        self.token = uuid.uuid4().hex[:12]  # also names this attempt's staging graphs
        self.claim = Claim(f"{self.graph}/{self.token}", f"{socket.gethostname()}:{os.getpid()}:{self.token}",
                           _now().isoformat(timespec="seconds"))
        self.inherited: set[str] = set()  # the staging graphs that the claims this lock broke had recorded

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
                self._break(claim)
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

    def _break(self, claim: Claim) -> None:
        """Withdraw a dead publisher's claim, once the switch it may have sent can no longer land."""
        if claim.switch_pending:
            self.progress(f"a publish killed after sending its switch ({claim.holder}) held the lock: "
                          f"waiting until its switch lands or {claim.until}")
            while claim.switch_pending and claim.iri in {c.iri for c in self._claims()}:
                time.sleep(POLL)
        result = run(self.config, f"SELECT ?g WHERE {{ GRAPH <{self.graph}> {{ <{claim.iri}> <{DCTERMS}references> ?g }} }}",
                     (self.graph,), (self.graph,))
        assert isinstance(result, ox.QuerySolutions)
        self.inherited |= {row["g"].value for row in result if isinstance(row["g"], ox.NamedNode)}
        self._withdraw(claim)

    def record(self, staging: set[str]) -> None:
        """Record the staging graphs this publish writes or must drop, so that whoever breaks this claim can drop them.

        Listing a store's graphs is not portable: Oxigraph lists empty graphs with `GRAPH ?g {}`, Virtuoso
        lists none that way, and `GRAPH ?g { ?s ?p ?o }` reads every quad of the store (x100: 38 s).
        """
        parts = " , ".join(f"<{graph}>" for graph in sorted(staging))
        self._update(f"INSERT DATA {{ GRAPH <{self.graph}> {{ <{self.claim.iri}> <{DCTERMS}references> {parts} }} }}")

    def stamp_switch(self, timeout: float) -> None:
        """Record, before the switch is sent, until when it may run: a next publish waits that long for it."""
        until = (_now() + datetime.timedelta(seconds=timeout)).isoformat(timespec="seconds")
        self._update(f'INSERT DATA {{ GRAPH <{self.graph}> {{ <{self.claim.iri}> <{DCTERMS}valid> "{until}"^^<{XSD_DATETIME}> }} }}')

    def release_update(self) -> str:
        """The update that withdraws this claim; the switch ends with it, so the claim goes when the switch lands."""
        return self._withdrawal(self.claim)

    def release(self) -> None:
        self._withdraw(self.claim)

    def _claims(self) -> list[Claim]:
        result = run(self.config, f"""SELECT ?claim ?holder ?since ?until WHERE {{ GRAPH <{self.graph}> {{
            ?claim <{DCTERMS}identifier> ?holder . OPTIONAL {{ ?claim <{DCTERMS}created> ?since }}
            OPTIONAL {{ ?claim <{DCTERMS}valid> ?until }} }} }}""", (self.graph,), (self.graph,))
        assert isinstance(result, ox.QuerySolutions)
        return [Claim(row["claim"].value, row["holder"].value, _text(row["since"]), _text(row["until"]))
                for row in result if isinstance(row["claim"], ox.NamedNode)]

    def _withdrawal(self, claim: Claim) -> str:
        return f"DELETE WHERE {{ GRAPH <{self.graph}> {{ <{claim.iri}> ?p ?o }} }}"

    def _withdraw(self, claim: Claim) -> None:
        self._update(self._withdrawal(claim))

    def _update(self, text: str) -> None:
        send(self.config, self.config.update_url, "POST", text.encode("utf-8"), SPARQL_UPDATE)


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    return term.value if isinstance(term, ox.Literal) else ""
