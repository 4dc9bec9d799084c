"""The fork server query workers come from: a worker runs, is stopped for good, and the server outlives a kill."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cscip_kg.fork_server import MESSAGE, ForkFailed, ForkServer
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


def test_a_request_too_large_for_one_message_is_refused_not_cut(server: ForkServer) -> None:
    """The socket would deliver a longer request cut short, and the server would die unpickling it."""
    with pytest.raises(ForkFailed, match="more than"):
        server.fork(echo, "x" * MESSAGE)
    worker = server.fork(echo, "still here")
    assert worker.connection.recv()[0] == "still here"
    worker.kill()
    worker.close()


def test_a_closed_fork_server_refuses_to_fork_and_is_not_started_again() -> None:
    forks = ForkServer(PRELOAD)
    forks.close()
    with pytest.raises(ForkFailed, match="closed"):
        forks.fork(echo, "late")


def test_closing_a_worker_twice_closes_its_handles_once(server: ForkServer) -> None:
    worker = server.fork(echo, "twice")
    worker.connection.recv()
    worker.kill()
    worker.wait(5)
    worker.close()
    spare = os.open(os.devnull, os.O_RDONLY)  # may take the number the worker's pidfd had
    try:
        worker.close()
        os.fstat(spare)  # still open
    finally:
        os.close(spare)
