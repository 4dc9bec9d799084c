"""The fork server query workers come from: a worker runs, is stopped for good, and the server outlives a kill."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cscip_kg.fork_server import ForkServer
from tests.worker_probe import echo

PRELOAD = ("tests.worker_probe",)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] not in "ZX"
    except OSError:
        return False


@pytest.fixture
def server() -> Iterator[ForkServer]:
    forks = ForkServer(PRELOAD)
    yield forks
    forks.close()


def test_a_worker_runs_its_target_until_killed(server: ForkServer) -> None:
    worker = server.fork(echo, "hello")
    greeting, pid, parent = worker.connection.recv()
    assert (greeting, pid) == ("hello", worker.pid)
    assert parent != os.getpid()  # a child of the fork server, not of this process
    worker.connection.send([1, 2])
    assert worker.connection.recv() == [1, 2]
    worker.kill()
    worker.wait(5)
    worker.close()
    assert not _alive(pid)
    worker.kill()  # closed: its pid is not signalled again (another process may hold it by now)


def test_a_killed_fork_server_is_started_again_on_the_next_fork(server: ForkServer) -> None:
    first = server.fork(echo, "one")
    _greeting, _pid, old_server = first.connection.recv()
    os.kill(old_server, signal.SIGKILL)
    os.waitpid(old_server, 0)
    second = server.fork(echo, "two")
    greeting, _pid, new_server = second.connection.recv()
    assert greeting == "two" and new_server != old_server
    for worker in (first, second):
        worker.kill()
        worker.close()


def test_closing_stops_the_fork_server_and_idle_workers_end_with_their_pipe() -> None:
    forks = ForkServer(PRELOAD)
    worker = forks.fork(echo, "hi")
    _greeting, pid, server_pid = worker.connection.recv()
    forks.close()
    assert not _alive(server_pid)
    worker.connection.close()  # the worker reads the end of its pipe and returns
    worker.wait(5)
    deadline = time.monotonic() + 5  # an orphan now: whoever adopts it collects it
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
    worker.close()
