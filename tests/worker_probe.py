"""What tests run in forked workers (fork_server): nothing here imports more than a worker needs."""

from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection


def report(connection: Connection) -> None:
    connection.send(sorted(sys.modules))


def echo(connection: Connection, greeting: str) -> None:
    """Run in a worker by tests/test_fork_server.py: say who it is, then send back whatever it is sent."""
    connection.send((greeting, os.getpid(), os.getppid()))
    while True:
        try:
            connection.send(connection.recv())
        except EOFError:
            return
