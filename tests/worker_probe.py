"""Run in a forked worker by tests/test_worker_imports.py: what does a query worker import?"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection


def report(connection: Connection) -> None:
    connection.send(sorted(sys.modules))
