"""A real Oxigraph server (the `oxigraph` executable from PyPI) on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cscip_kg.store import StoreConfig
from tests.server.live import stop_process

START_TIMEOUT = 30.0


def executable() -> str:
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server is not installed: `pip install -e '.[test]'` installs it")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Oxigraph:
    """One server process over one data folder; it can be killed and started again on the same data."""

    def __init__(self, location: Path, *flags: str) -> None:
        self.location, self.flags = location, flags
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def config(self, gsp: bool = True, timeout: float = 60.0) -> StoreConfig:
        return StoreConfig(f"{self.url}/query", f"{self.url}/update", f"{self.url}/store" if gsp else "", timeout=timeout)

    def flags_for_cli(self) -> list[str]:
        # The switch MOVEs every graph (the default graph too): over 10 s (the default) on a busy 2-core machine.
        return ["--store", f"{self.url}/query", "--store-update", f"{self.url}/update", "--store-gsp", f"{self.url}/store",
                "--store-timeout", "120"]

    def start(self) -> Oxigraph:
        command = [executable(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}", *self.flags]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph exited: {self.process.stderr.read().decode() if self.process.stderr else ''}")
            if self.answers():
                return self
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"oxigraph did not answer on {self.url} within {START_TIMEOUT} s")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=2) as response:
                return response.status == 200
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
