"""Load a build into a triple store, atomically: stage, verify, then switch in one update.

1. read what is live (the manifest graph) and any staging graphs a killed run left;
2. load every source graph of the build into a fresh staging graph
   (``<base>graph/staging/<version>/<attempt>/<n>``) through the Graph Store HTTP
   Protocol, or through SPARQL Update INSERT DATA where the store has no GSP
   endpoint (Neptune). The attempt is this run's lock token: a switch sent by a
   killed run can still land in the store, and with the same names its MOVEs
   would empty this run's staging graphs (seen on the Oxigraph server);
3. count every staging graph in the store and compare with the build;
4. stamp the lock claim with until when the switch may run (see publish_lock),
   then switch with ONE SPARQL Update request: MOVE each staging graph onto its
   live name, drop live graphs the new build no longer has and stale staging
   graphs, MOVE the new manifest graph in, and withdraw the lock claim. A store
   applies one update request as one transaction, so readers see the old graphs
   or the new, never a mix.

Until step 4 nothing live is touched: a failure or a killed store leaves the
previous data as it was, and the message names the step and graph that failed.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from cscip_kg.engine import Engine
from cscip_kg.opened import open_build
from cscip_kg.publish_lock import PublishLock, PublishLocked
from cscip_kg.remote import DCTERMS, VOID_TRIPLES, Publication, default_graph, manifest_graph, read_publication, run
from cscip_kg.store import StoreConfig, StoreError, StoreUnavailable, graph_url, send

XSD = "http://www.w3.org/2001/XMLSchema#"
SPARQL_UPDATE = "application/sparql-update"
N_TRIPLES = "application/n-triples"
T = TypeVar("T")


class PublishFailed(Exception):
    """Publishing stopped; the message says at which step and graph, why, and what is live now."""

    def __init__(self, step: str, cause: Exception | str, live: str) -> None:
        self.step = step
        super().__init__(f"publish failed while {step}: {cause}. {live}")


def staging_prefix(base: str) -> str:
    return f"{base}graph/staging/"


def _unchanged(previous: Publication | None) -> str:
    if previous is None:
        return "Nothing was published before, and nothing is live now"
    return f"The store still serves the previous version {previous.version}, unchanged"


class Publisher:
    """One publish run of one build folder into one store."""

    def __init__(self, folder: Path, config: StoreConfig, progress: Callable[[str], None]) -> None:
        if not config.update_url:
            raise ValueError("publish needs the store's SPARQL Update URL (store_update, --store-update): "
                             "the switch to the new graphs is one update request")
        build = open_build(folder)
        assert isinstance(build.engine, Engine)  # open_build without a store is the embedded engine
        self.config, self.progress = config, progress
        self.store, self.version, self.base = build.engine.store, build.version, build.base
        self.lock = PublishLock(config, self.base, progress)
        # The build's default graph (each triple once) goes to the store as one more graph.
        self.default = default_graph(self.base)
        self.sizes = {**build.graph_sizes, self.default: build.triples}
        self.attempt = f"{staging_prefix(self.base)}{self.version}/{self.lock.token}/"
        self.staging = {graph: f"{self.attempt}{n}" for n, graph in enumerate(self.sizes)}
        self.manifest = manifest_graph(self.base)
        self.previous: Publication | None = None

    def run(self) -> Publication:
        lock = self.lock
        try:
            lock.acquire()
        except PublishLocked as error:
            raise PublishFailed("claiming the publish lock", error, "This publish changed nothing") from error
        except (StoreUnavailable, StoreError) as error:
            raise PublishFailed("claiming the publish lock", error, "This publish changed nothing") from error
        try:
            published = self._publish()
        except PublishFailed:
            self._release_after_failure(lock)
            raise
        self._step("releasing the publish lock", lock.release)
        return published

    def _release_after_failure(self, lock: PublishLock) -> None:
        try:
            lock.release()
        except (StoreUnavailable, StoreError) as error:
            self.progress(f"could not release the publish lock ({error}); the next publish from this machine breaks it")

    def _publish(self) -> Publication:
        self.previous = self._step("reading what the store holds", lambda: read_publication(self.config, self.base))
        self.progress(f"store holds {'version ' + self.previous.version if self.previous else 'no cscip-kg graph'}")
        leftovers = self._step("listing leftover staging graphs", self._leftovers) | self.lock.inherited
        staged_manifest = f"{self.attempt}manifest"
        self._step("recording the staging graphs in the lock claim",
                   functools.partial(self.lock.record, {*self.staging.values(), staged_manifest, *leftovers}))
        for graph, staged in self.staging.items():
            self._step(f"loading graph {graph} into {staged}", functools.partial(self._load, staged, self._ntriples(graph)))
            self.progress(f"staged {graph} ({self.sizes[graph]} triples)")
        self._step(f"loading the manifest graph into {staged_manifest}",
                   lambda: self._load(staged_manifest, self._manifest_ntriples()))
        self._step("verifying the staged graphs", self._verify)
        self._switch(staged_manifest, leftovers - {*self.staging.values(), staged_manifest})
        return self._step("reading the new manifest", self._confirm)

    def _step(self, step: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except (StoreUnavailable, StoreError) as error:
            raise PublishFailed(step, error, _unchanged(self.previous)) from error

    def _leftovers(self) -> set[str]:
        prefix = staging_prefix(self.base)
        result = run(self.config, f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "{prefix}")) }}', (), ())
        assert isinstance(result, ox.QuerySolutions)
        return {row["g"].value for row in result if isinstance(row["g"], ox.NamedNode)}

    def _ntriples(self, graph: str) -> bytes:
        source = ox.DefaultGraph() if graph == self.default else ox.NamedNode(graph)
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source) or b""

    def _manifest_ntriples(self) -> bytes:
        manifest = ox.NamedNode(self.manifest)
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        triples = [ox.Triple(manifest, ox.NamedNode(DCTERMS + "hasVersion"), ox.Literal(self.version)),
                   ox.Triple(manifest, ox.NamedNode(DCTERMS + "modified"), ox.Literal(now, datatype=ox.NamedNode(XSD + "dateTime")))]
        for graph, size in self.sizes.items():
            triples.append(ox.Triple(manifest, ox.NamedNode(DCTERMS + "hasPart"), ox.NamedNode(graph)))
            triples.append(ox.Triple(ox.NamedNode(graph), ox.NamedNode(VOID_TRIPLES),
                                     ox.Literal(str(size), datatype=ox.NamedNode(XSD + "integer"))))
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def _load(self, graph: str, ntriples: bytes) -> None:
        if self.config.gsp_url:
            send(self.config, graph_url(self.config.gsp_url, graph), "PUT", ntriples, N_TRIPLES)
            return
        # N-Triples is valid inside INSERT DATA, and one request keeps blank nodes together.
        update = f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode('utf-8')}}} }}"
        send(self.config, self.config.update_url, "POST", update.encode("utf-8"), SPARQL_UPDATE)

    def _verify(self) -> None:
        staged = tuple(self.staging.values())
        result = run(self.config, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", staged, staged)
        assert isinstance(result, ox.QuerySolutions)
        counts = {row["g"].value: int(row["n"].value) for row in result}
        for graph, name in self.staging.items():
            if counts.get(name, 0) != self.sizes[graph]:
                raise StoreError(f"staging graph {name} for {graph} holds {counts.get(name, 0)} triples, "
                                 f"the build has {self.sizes[graph]}")
        self.progress(f"verified {len(staged)} staged graphs ({sum(self.sizes.values())} triples)")

    def _switch(self, staged_manifest: str, stale: set[str]) -> None:
        lines = [f"MOVE <{staged}> TO <{graph}>" for graph, staged in self.staging.items()]
        retired = set(self.previous.graphs) - set(self.staging) if self.previous else set()
        lines += [f"DROP SILENT GRAPH <{graph}>" for graph in sorted(retired | stale)]
        lines += [f"MOVE <{staged_manifest}> TO <{self.manifest}>", self.lock.release_update()]
        self._step("stamping the lock claim before the switch", functools.partial(self.lock.stamp_switch, self.config.timeout))
        try:
            send(self.config, self.config.update_url, "POST", " ;\n".join(lines).encode("utf-8"), SPARQL_UPDATE)
        except (StoreUnavailable, StoreError) as error:
            raise PublishFailed("switching to the new graphs (one update request)", error, self._after_failed_switch()) from error
        self.progress(f"switched {len(self.staging)} graphs to version {self.version}")

    def _after_failed_switch(self) -> str:
        try:
            live = read_publication(self.config, self.base)
        except StoreUnavailable:
            return ("The store applies the switch as one transaction, so it serves either the previous version or this one; "
                    "it cannot be asked now: re-run publish when it is back")
        if live is not None and live.version == self.version:
            return f"The store did switch to version {self.version}; re-run publish to confirm"
        return _unchanged(live)

    def _confirm(self) -> Publication:
        live = read_publication(self.config, self.base)
        if live is None or live.version != self.version or live.graphs != self.sizes:
            raise StoreError(f"after the switch the manifest graph says {live}, expected version {self.version}")
        return live


def publish(folder: Path, config: StoreConfig, progress: Callable[[str], None] = lambda _message: None) -> Publication:
    """Publish the build in ``folder`` into the store; raises PublishFailed (store) or ValueError (setup, build)."""
    return Publisher(folder, config, progress).run()
