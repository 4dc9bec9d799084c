"""What the two store launchers share: a server process on free loopback ports, started, probed and stopped by PID.

A subclass says how to start its store (command, folder) and where its endpoints are;
this class starts it, waits until it answers a query, and stops or kills it.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Self

from cscip_kg.store import StoreConfig
from tests.server.live import stop_process

# Generous on purpose: the switch MOVEs every graph, and on a busy 2-core machine (the tests run at
# low priority) one request can take over a minute. Only a failing test ever waits this long.
TIMEOUT = 300.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class StoreProcess:
    """One store server process over one data folder; it can be killed and started again on the same data."""

    name = "store"
    # A guard against a hang, not a timing target: on a 2-core machine at load 10-15, the Oxigraph server restarted
    # after SIGKILL (RocksDB recovering) twice took more than 30 s to answer, failing the kill-and-restart tests.
    start_timeout = 120.0

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        raise NotImplementedError

    @property
    def update_url(self) -> str:
        raise NotImplementedError

    @property
    def gsp_url(self) -> str:
        raise NotImplementedError

    def command(self) -> tuple[list[str], Path | None]:
        """The command line and the folder to run it in."""
        raise NotImplementedError

    def ready(self) -> None:
        """Called once the store answers, before start() returns."""

    def config(self, gsp: bool = True, timeout: float = TIMEOUT) -> StoreConfig:
        return StoreConfig(self.query_url, self.update_url, self.gsp_url if gsp else "", timeout=timeout)

    def flags_for_cli(self) -> list[str]:
        return ["--store", self.query_url, "--store-update", self.update_url, "--store-gsp", self.gsp_url,
                "--store-timeout", str(TIMEOUT)]

    def start(self) -> Self:
        command, folder = self.command()
        self.process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                self._end(kill=True)
                raise RuntimeError(f"{self.name} exited: {error}")
            if self.answers():
                self.ready()
                return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"{self.name} did not answer on {self.url} within {self.start_timeout} s")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as when a machine or container dies."""
        self._end(kill=True)

    def stop(self) -> None:
        self._end(kill=False)

    def _end(self, kill: bool) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        stop_process(process, kill)
