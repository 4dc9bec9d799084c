"""A real Virtuoso 7 (Debian's virtuoso-opensource) in a temporary folder, on free loopback ports.

Its own virtuoso.ini names the folder's database files and two free ports (SQL and HTTP);
after start, the anonymous SPARQL user is granted SPARQL_UPDATE, so /sparql takes updates
and /sparql-graph-crud the Graph Store Protocol, as an organisation's store behind its own
access control would. Stopped by PID, like every process the tests start.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cscip_kg.store import StoreConfig
from tests.server.live import stop_process
from tests.store.oxigraph import free_port

START_TIMEOUT = 180.0  # the first start creates the database: 30-60 s on a busy machine
INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = .
ServerThreads = 10
Charset = UTF-8
EnabledDavVSP = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""


def executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: `make setup` installs Debian's virtuoso-opensource")
    return found


class Virtuoso:
    """One Virtuoso process over one database folder; it can be killed and started again on the same data."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.location.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.port = free_port(), free_port()
        (location / "virtuoso.ini").write_text(INI.format(sql=self.sql_port, http=self.port), encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/sparql"

    def config(self, gsp: bool = True, timeout: float = 60.0) -> StoreConfig:
        return StoreConfig(self.query_url, self.query_url, f"{self.url}/sparql-graph-crud" if gsp else "", timeout=timeout)

    def flags_for_cli(self) -> list[str]:
        return ["--store", self.query_url, "--store-update", self.query_url, "--store-gsp", f"{self.url}/sparql-graph-crud",
                "--store-timeout", "120"]

    def start(self) -> Virtuoso:
        command = [executable("virtuoso-t"), "-f", "-c", "virtuoso.ini"]
        self.process = subprocess.Popen(command, cwd=self.location, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso exited: {self.process.stderr.read().decode() if self.process.stderr else ''}")
            if self.answers():
                self._grant_update()
                return self
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"virtuoso did not answer on {self.url} within {START_TIMEOUT} s")

    def _grant_update(self) -> None:
        subprocess.run([executable("isql-vt"), str(self.sql_port), "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                       check=True, capture_output=True, timeout=60)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=2) as response:
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
