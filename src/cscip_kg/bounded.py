"""User-written queries under a time budget and a row cap, in worker processes that can be stopped.

Neither pyoxigraph nor rdflib can interrupt a running query, and a COUNT over
the graph joined with itself four times runs for minutes. So queries sent to
/sparql run in a small pool of worker processes, each holding its own copy of
the build's on-disk store, opened read-only (the page cache holds one copy for all
processes, and opening parses nothing): a query that outlives its budget has
its worker killed and replaced, and the other workers go on answering. Workers
also write the answer, capped at ``max_rows``, so only bytes cross the pipe.
Named queries and pages are the project's own, bounded by design, and run in
the web process.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from cscip_kg.engine import Prepared, QueryError, QueryRefused, QueryResult, evaluate
from cscip_kg.fork_server import ForkFailed, ForkServer
from cscip_kg.result_writers import write_boolean, write_solutions
from cscip_kg.results import GRAPH_FORMATS


@dataclass(frozen=True)
class Job:
    prepared: Prepared
    results_format: str | None  # None: nothing the client accepts can express a SELECT/ASK answer
    graph_format: str | None  # None: ... a CONSTRUCT/DESCRIBE answer
    max_rows: int


@dataclass(frozen=True)
class Outcome:
    kind: str  # "results", "graph" or an error: "malformed", "refused"
    format: str | None = None
    body: bytes = b""
    rows: int = 0
    truncated: bool = False
    message: str = ""


class Unavailable(Exception):
    """No answer: the budget ran out, no worker came free in time, or a worker died."""


def run_job(store: ox.Store, prefixes: dict[str, str], graphs: frozenset[str], job: Job) -> Outcome:
    """Evaluate and write one job in a worker."""
    return answer_job(lambda prepared: evaluate(store, prepared, prefixes, graphs), prefixes, job)


def answer_job(query: Callable[[Prepared], QueryResult], prefixes: dict[str, str], job: Job) -> Outcome:
    """Run ``job`` through ``query`` (a worker's store, or a remote backend) and write the capped answer."""
    try:
        result = query(job.prepared)
    except QueryError as error:
        return Outcome("malformed", message=str(error))
    except QueryRefused as error:
        return Outcome("refused", message=str(error))
    if isinstance(result, ox.QueryTriples):
        if job.graph_format is None:
            return Outcome("graph")
        triples = list(itertools.islice(result, job.max_rows + 1))
        kept = triples[:job.max_rows]
        body = ox.serialize(kept, format=GRAPH_FORMATS[job.graph_format], prefixes=prefixes) or b""
        return Outcome("graph", job.graph_format, body, len(kept), len(triples) > job.max_rows)
    if job.results_format is None:
        return Outcome("results")
    if isinstance(result, ox.QueryBoolean):
        return Outcome("results", job.results_format, write_boolean(bool(result), job.results_format), 1)
    variables = [v.value for v in result.variables]
    rows = [list(solution) for solution in itertools.islice(result, job.max_rows + 1)]  # values in variable order
    truncated = len(rows) > job.max_rows
    rows = rows[:job.max_rows]
    body = write_solutions(variables, rows, job.results_format, truncated, job.max_rows)
    return Outcome("results", job.results_format, body, len(rows), truncated)


def _worker_main(connection: Connection, path: str) -> None:
    """A worker: read its prefixes and graphs from the pipe, open the store once, say so, then answer jobs until
    the pipe closes. (The graphs come through the pipe, not the fork request: a build's thousand graphs would
    outgrow the fork server's one-message requests.)"""
    try:
        prefixes, graphs = connection.recv()
    except (EOFError, OSError):
        return
    try:
        store = ox.Store.read_only(path)
    except (OSError, ValueError) as error:
        connection.send(("failed", f"{path}: {error}"))
        return
    connection.send(("ready", ""))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(run_job(store, prefixes, graphs, job))


class _Worker:
    def __init__(self, server: ForkServer, store_path: Path, prefixes: dict[str, str], graphs: frozenset[str]) -> None:
        try:
            self.forked = server.fork(_worker_main, str(store_path))
        except ForkFailed as error:
            raise Unavailable(str(error)) from None
        self.connection = self.forked.connection
        try:
            self.connection.send((prefixes, graphs))
        except OSError:
            self.stop()
            raise Unavailable("a query worker exited as it started") from None

    def wait_ready(self, timeout: float) -> None:
        if not self.connection.poll(timeout):
            self.stop()
            raise Unavailable(f"a query worker did not load the graph within {timeout:.0f} s")
        try:
            status, message = self.connection.recv()
        except (EOFError, OSError):
            self.stop()
            raise Unavailable("a query worker exited before loading the graph") from None
        if status != "ready":
            self.stop()
            raise Unavailable(f"a query worker could not load the graph: {message}")

    def stop(self) -> None:
        self.forked.kill()
        self.forked.wait(5)
        self.forked.close()


class QueryPool:
    """Up to ``size`` workers; ``run`` hands a job to an idle one and waits at most ``budget`` seconds.

    One worker starts with the pool, and another only when a query finds every worker busy: each
    holds its own store's caches (at ×100 a worker that answered a mix of queries holds 40 MiB), so
    a server whose queries come one at a time keeps one. The worker put back last is taken first,
    its caches being the warmest.

    ``graphs`` are the store's named graphs (the build's manifest names them): a worker that read them
    from the store itself would scan its quads' index and hold the blocks read (4 MiB at ×100).
    """

    START_TIMEOUT = 60.0

    def __init__(self, store_path: Path, prefixes: dict[str, str], graphs: frozenset[str], size: int, budget: float) -> None:
        if size < 1:
            raise ValueError(f"the query pool needs at least one worker, not {size}")
        self.store_path, self.prefixes, self.graphs, self.budget = store_path, prefixes, graphs, budget
        try:
            self._server = ForkServer(("cscip_kg.bounded",))  # what a worker runs, imported once for all of them
        except ForkFailed as error:
            raise Unavailable(str(error)) from None
        self.size = size
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()  # None: a place freed by a stopped worker
        self._closed = False
        # Every live worker, busy or idle: close() must stop a worker that is deep in a query too,
        # or it runs on, orphaned, until that query ends (minutes, for a runaway one).
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        try:
            first = self._track(_Worker(self._server, store_path, prefixes, graphs))
            first.wait_ready(self.START_TIMEOUT)
        except Unavailable:
            self.close()  # no half-started pool left behind
            raise
        self._idle.put(first)

    def run(self, job: Job) -> Outcome:
        """The job's outcome within the budget, counted from the call: waiting for a worker spends it too."""
        deadline = time.monotonic() + self.budget
        worker = self._take(deadline)
        if time.monotonic() >= deadline:  # the wait spent the budget: a healthy worker goes back, unasked
            self._idle.put(worker)
            raise Unavailable(f"every query worker stayed busy for {self.budget:g} s; try again shortly")
        try:
            worker.connection.send(job)
            if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                self._forget(worker)
                raise Unavailable(f"the query was stopped after its time budget of {self.budget:g} s")
            outcome: Outcome = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._forget(worker)
            raise Unavailable("the query worker stopped unexpectedly; the query was not answered") from None
        self._idle.put(worker)
        return outcome

    @property
    def running(self) -> int:
        """How many workers are alive now, busy or idle."""
        with self._lock:
            return len(self._all)

    def _take(self, deadline: float) -> _Worker:
        """An idle worker, else a new one while the pool is below its size, else the first to come free, or
        a new one as soon as a stopped worker frees its place (``_forget`` puts ``None`` in the queue)."""
        try:
            found = self._idle.get_nowait()
        except queue.Empty:
            found = None
        while found is None:
            if self._closed:
                self._idle.put(None)  # wake the next waiter too
                raise Unavailable("the query pool is closed")
            grown = self._grow()
            if grown is not None:
                try:
                    grown.wait_ready(max(0.0, deadline - time.monotonic()))
                except Unavailable:
                    self._forget(grown)
                    raise
                return grown
            try:
                found = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise Unavailable(f"every query worker stayed busy for {self.budget:g} s; try again shortly") from None
        return found

    def _grow(self) -> _Worker | None:
        with self._lock:
            # Forking takes milliseconds (the worker opens the store after), so the count is checked and grown at once.
            if self._closed or len(self._all) >= self.size:
                return None
            grown = _Worker(self._server, self.store_path, self.prefixes, self.graphs)
            self._all.add(grown)
            return grown

    def _track(self, worker: _Worker) -> _Worker:
        with self._lock:
            if self._closed:
                worker.stop()
                raise Unavailable("the query pool is closed")
            self._all.add(worker)
        return worker

    def _forget(self, worker: _Worker) -> None:
        """Stop a worker that ran out of budget or died. Only the thread that takes it off the books stops it
        (close() may be stopping it too). No replacement is started here: the next query that finds no idle
        worker forks one (``_take``), so the pool never outgrows ``size``."""
        with self._lock:
            if worker not in self._all:
                return
            self._all.discard(worker)
        worker.stop()
        self._idle.put(None)  # a request waiting for a free worker may fork one in its place now

    def close(self) -> None:
        """Stop every worker, the busy ones included; a request waiting on one gets Unavailable."""
        with self._lock:
            self._closed = True
            workers, self._all = self._all, set()
        for worker in workers:
            worker.stop()
        self._idle.put(None)  # a request waiting for a worker hears at once that none will come
        self._server.close()
