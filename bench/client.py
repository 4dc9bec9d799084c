"""Keep-alive HTTP clients: sequential requests for latency, processes of threads for throughput.

The load generator shares the machine with the server it measures, so at concurrency c it
runs min(c, 4) client processes (each with c / processes threads): one Python process
could not keep 16 connections busy under its own interpreter lock.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# (path, Accept, form body): a GET of the path when the body is None, else a form POST to it.
Request = tuple[str, str, bytes | None]
Source = Callable[[int], Request]  # request number → request; distinct numbers may give distinct requests


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str


class Client:
    def __init__(self, port: int, timeout: float = 300.0) -> None:
        self.port, self.timeout = port, timeout
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def get(self, path: str, accept: str, body: bytes | None = None) -> Answer:
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request("GET" if body is None else "POST", path, body=body, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            return Answer(0, b"", "")
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()  # http.client reconnects on the next request
        return Answer(response.status, body, response.getheader("Content-Type", ""))

    def close(self) -> None:
        self.connection.close()


def rows(answer: Answer) -> int:
    """Rows of a SPARQL JSON answer, or lines (triples/quads) of an N-Triples/N-Quads answer."""
    if "json" in answer.content_type:
        return len(json.loads(answer.body)["results"]["bindings"])
    return sum(1 for line in answer.body.splitlines() if line.strip() and not line.startswith(b"#"))


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def latency(port: int, source: Source, count: int, budget: float, timeout: float, warmup: int = 3) -> dict[str, float]:
    """p50/p95 in ms of ``count`` sequential requests (fewer if ``budget`` seconds run out).

    A request unanswered after ``timeout`` seconds ends the measurement with ``timeouts`` = 1
    and counts as taking ``timeout`` (a lower bound); the caller restarts that server.
    """
    client = Client(port, timeout)
    times: list[float] = []
    errors = timeouts = 0
    deadline = time.perf_counter() + budget
    for number in range(-warmup, count):
        request = source(number)
        started = time.perf_counter()
        answer = client.get(*request)
        elapsed = time.perf_counter() - started
        if answer.status == 0:
            times, timeouts = [*times, timeout], 1
            break
        if number >= 0:
            times.append(elapsed)
            errors += answer.status != 200
        if time.perf_counter() > deadline and times:
            break
    client.close()
    return {"n": len(times), "errors": errors, "timeouts": timeouts, "p50_ms": round(percentile(times, 50) * 1000, 3),
            "p95_ms": round(percentile(times, 95) * 1000, 3)}


def _thread(port: int, source: Source, first: int, step: int, stop: float, out: list[tuple[float, int]]) -> None:
    client = Client(port, timeout=max(1.0, stop - time.perf_counter()) + 2)  # no request outlives the window by much
    number = first
    while time.perf_counter() < stop:
        started = time.perf_counter()
        answer = client.get(*source(number))
        out.append((time.perf_counter() - started, answer.status))
        number += step
    client.close()


def _process(port: int, source: Source, threads: int, offset: int, step: int, seconds: float,
             results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    samples: list[tuple[float, int]] = []
    stop = time.perf_counter() + seconds
    workers = [threading.Thread(target=_thread, args=(port, source, offset + i, step, stop, samples)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put(samples)


def throughput(port: int, source: Source, concurrency: int, seconds: float) -> dict[str, float]:
    """Requests per second with ``concurrency`` keep-alive clients for ``seconds``."""
    context = multiprocessing.get_context("fork")
    processes = min(concurrency, 4)
    results: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    started = time.perf_counter()
    spawned = [context.Process(target=_process, args=(port, source, concurrency // processes, p * (concurrency // processes),
                                                      concurrency, seconds, results)) for p in range(processes)]
    for process in spawned:
        process.start()
    samples = [sample for _ in spawned for sample in results.get()]
    for process in spawned:
        process.join()
    elapsed = time.perf_counter() - started
    times = [t for t, _s in samples]
    return {"concurrency": concurrency, "requests": len(samples), "errors": sum(1 for _t, s in samples if s != 200),
            "timeouts": sum(1 for _t, s in samples if s == 0),
            "rps": round(len(samples) / elapsed, 1), "p50_ms": round(percentile(times, 50) * 1000, 2) if times else 0.0}
