"""Run in a spawned process by tests/test_worker_imports.py: what does a query worker import?"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection


def report(connection: Connection) -> None:
    import cscip_kg.bounded  # noqa: F401  # what unpickling the worker's entry point imports

    connection.send(sorted(sys.modules))
