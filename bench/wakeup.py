"""What one hand-off between processes costs on this machine: a pipe ping-pong, blocking and polling.

    .venv/bin/python bench/wakeup.py            # median round trip of 2,000 100-byte messages

Every uncached /sparql answer crosses a pipe to a query worker and back (see cscip_kg.bounded),
and waitress hands each request from its I/O thread to a worker thread. When the receiving side
sleeps, waking it costs whatever the kernel and hypervisor take to wake an idle CPU; when it
polls, only the copy. The difference is the floor of our per-request overhead, and explains
most of the gap to the Oxigraph server (one Rust process) on queries that take well under 1 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
from multiprocessing.connection import Connection


def _echo(connection: Connection, poll: bool) -> None:
    while True:
        if poll:
            while not connection.poll():
                pass
        message = connection.recv_bytes()
        if message == b"stop":
            return
        connection.send_bytes(message)


def round_trips(poll: bool, count: int, pause: float) -> float:
    """Median round trip in µs; ``pause`` seconds of client work between messages, as between requests."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_echo, args=(theirs, poll))
    child.start()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        ours.send_bytes(b"x" * 100)
        if poll:
            while not ours.poll():
                pass
        ours.recv_bytes()
        times.append(time.perf_counter() - started)
        until = time.perf_counter() + pause
        while time.perf_counter() < until:
            pass
    ours.send_bytes(b"stop")
    child.join()
    return round(statistics.median(times) * 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--pause", type=float, default=0.0005, help="seconds between round trips")
    args = parser.parse_args()
    figures = {"blocking_us": round_trips(False, args.count, args.pause), "polling_us": round_trips(True, args.count, args.pause)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
