"""The three servers the benchmark compares, each started on a free loopback port over the same data.

* ``cscip-kg`` — ``cscip-kg serve`` over the generated build folder (defaults, except a row cap
  high enough that every answer is whole, as the peers' are);
* ``oxigraph`` — the Oxigraph server (``oxigraph serve-read-only``) over a RocksDB folder loaded
  beforehand from the same N-Quads plus our build's default graph (each triple once), so both serve
  the same dataset (the load is timed apart, like our build);
* ``rdflib-endpoint`` — rdflib-endpoint's ``serve`` command, which parses the N-Quads at start.

Memory is the resident set (RSS) and the proportional set (PSS, shared pages split among the
processes sharing them) of the whole process tree — our server has query-worker children.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVERS = ("cscip-kg", "oxigraph", "rdflib-endpoint")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    port: int
    path: str  # where SPARQL queries go
    dump: str  # the whole graph, in the server's own way
    needs_prologue: bool  # peers do not predefine the project's prefixes
    process: subprocess.Popen[bytes] | None = None
    launched: float = 0.0
    memory: list[tuple[float, float]] = field(default_factory=list)  # (RSS MiB, PSS MiB) samples
    _stop: threading.Event = field(default_factory=threading.Event)
    errors: Any = None  # the server's stderr, a temporary file

    def start(self, command: list[str], env: dict[str, str] | None = None) -> None:
        self.launched = time.perf_counter()
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 -- lives as long as the server; what it says if it stops
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self.errors,
                                        env={**os.environ, **(env or {})})
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._stop.is_set() and self.process is not None and self.process.poll() is None:
            self.memory.append(tree_memory(self.process.pid))
            self._stop.wait(0.2)

    def check(self) -> None:
        """Raise SystemExit with the server's own words if it has stopped."""
        if self.process is not None and self.process.poll() is not None:
            self.errors.seek(0)
            raise SystemExit(f"{self.name} stopped ({self.process.returncode}): {self.errors.read()[-2000:].decode(errors='replace')}")

    def stop(self) -> None:
        self._stop.set()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def peak(self) -> dict[str, float]:
        if not self.memory:
            return {"rss_mib": 0.0, "pss_mib": 0.0}
        return {"rss_mib": round(max(m[0] for m in self.memory), 1), "pss_mib": round(max(m[1] for m in self.memory), 1)}


def _descendants(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        each = queue.pop()
        pids.append(each)
        for task in Path(f"/proc/{each}/task").glob("*/children"):
            try:
                queue += [int(p) for p in task.read_text().split()]
            except OSError:
                continue
    return pids


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process and its live descendants have used so far.

    On a shared machine wall time follows the load; CPU time says what the start-up itself costs.
    """
    ticks = 0
    for each in _descendants(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MiB of a process and all its descendants."""
    rss = pss = 0
    for each in _descendants(pid):
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def tree_cpu_ms(pid: int) -> float:
    """CPU time (ms) that the live threads of a process and its descendants have run, from schedstat (ns).

    On a shared, oversubscribed machine a request's wall time is mostly waiting for a CPU;
    its CPU time is what the server itself spent, and hardly depends on the other load.
    """
    total = 0
    for each in _descendants(pid):
        for task in Path(f"/proc/{each}/task").glob("*/schedstat"):
            try:
                total += int(task.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    return total / 1e6


def oxigraph_load(data: Path, nquads: Path) -> float:
    """Load the N-Quads into a RocksDB folder once per data set; seconds taken (0 if it was there)."""
    location = data / "oxigraph"
    marker = location / ".loaded"
    if marker.exists() and marker.stat().st_mtime >= nquads.stat().st_mtime:
        return 0.0
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    # The named graphs, then the build's default graph (each triple once, as ours serves it) from
    # its N-Triples dump: both servers then hold the same dataset, so every query counts alike.
    for part in (nquads, data / "build" / "cscip-kg.nt"):
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(part)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    marker.write_text(f"{seconds:.3f}\n")
    return seconds


def launch(name: str, data: Path, env: dict[str, str] | None = None) -> Server:
    """``name`` over ``data``; ``env`` adds settings for cscip-kg (e.g. CSCIP_KG_CACHE_MB=0: no answer kept)."""
    port = free_port()
    if name == "cscip-kg":
        server = Server(name, port, "/sparql", "/download/cscip-kg.nt", False)
        server.start([sys.executable, "-m", "cscip_kg", "serve", "--build", str(data / "build"), "--port", str(port)],
                     {"PYTHONPATH": str(ROOT / "src"), "CSCIP_KG_MAX_ROWS": "10000000", **(env or {})})
    elif name == "oxigraph":
        server = Server(name, port, "/query", "/store", True)
        server.start([str(BIN / "oxigraph"), "serve-read-only", "--location", str(data / "oxigraph"),
                      "--bind", f"127.0.0.1:{port}"])
    elif name == "rdflib-endpoint":
        server = Server(name, port, "/", "", True)
        server.start([sys.executable, "-m", "rdflib_endpoint", "serve", str(data / "cscip-kg.nq"),
                      "--host", "127.0.0.1", "--port", str(port)])
    else:
        raise ValueError(f"unknown server {name!r}; one of {', '.join(SERVERS)}")
    return server
