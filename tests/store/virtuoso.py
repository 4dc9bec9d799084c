"""A real Virtuoso 7 (Debian's virtuoso-opensource) in a temporary folder, on free loopback ports.

Its own virtuoso.ini names the folder's database files and two free ports (SQL and HTTP);
after start, the anonymous SPARQL user is granted SPARQL_UPDATE, so /sparql takes updates
and /sparql-graph-crud the Graph Store Protocol, as an organisation's store behind its own
access control would. Stopped by PID, like every process the tests start.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.store.launcher import StoreProcess, free_port

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


class Virtuoso(StoreProcess):
    name = "virtuoso"
    start_timeout = 180.0  # the first start creates the database: 30-60 s on a busy machine

    def __init__(self, location: Path) -> None:
        super().__init__(location)
        self.location.mkdir(parents=True, exist_ok=True)
        self.sql_port = free_port()
        (location / "virtuoso.ini").write_text(INI.format(sql=self.sql_port, http=self.port), encoding="utf-8")

    @property
    def query_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def update_url(self) -> str:
        return self.query_url  # one endpoint takes queries and updates

    @property
    def gsp_url(self) -> str:
        return f"{self.url}/sparql-graph-crud"

    def command(self) -> tuple[list[str], Path | None]:
        return [executable("virtuoso-t"), "-f", "-c", "virtuoso.ini"], self.location

    def ready(self) -> None:
        subprocess.run([executable("isql-vt"), str(self.sql_port), "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                       check=True, capture_output=True, timeout=60)
