"""Query workers forked from one lean process that imported what they run, rather than spawned one by one.

A spawned worker is a new interpreter that imports pyoxigraph and the worker's modules itself: at
×100 a spawned worker, ready, held 22 MiB of anonymous memory, half of it the interpreter and its
modules. Forked from one process that imported them once and froze its objects (``gc.freeze``: the
collector then never writes to their pages), workers share those pages copy-on-write and hold only
what they read after.

The fork server is started fresh (``python -c``), never forked from the web process: that one runs
threads (waitress's, RocksDB's), and a fork would copy a lock another thread holds. Only the fork
server forks, and it runs no thread and opens no store. multiprocessing's forkserver does the same
but starts its resource tracker too, a third interpreter (6 MiB at ×100) that cleans up named
semaphores and shared memory, which nothing here makes.

The web process asks for a worker with the function to run and its arguments (pickled, so a
module-level function); it gets back its end of a duplex pipe to the worker and, on Linux, a pidfd
(a handle on the worker that no later process can reuse, unlike its pid) to kill and wait on it.
The fork server exits when the web process closes its end or dies; a worker when its pipe closes.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import pickle
import select
import signal
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing import spawn
from multiprocessing.connection import Connection
from typing import Any, NoReturn

MESSAGE = 1 << 16  # largest request: a function's name and a worker's arguments (a store path, prefixes)


class ForkFailed(Exception):
    """The fork server could not start a worker, or is gone."""


class Forked:
    """A worker the fork server started: its end of the pipe, and how to stop it."""

    def __init__(self, pid: int, connection: Connection, pidfd: int | None) -> None:
        self.pid, self.connection, self._pidfd = pid, connection, pidfd
        self._closed = False

    def kill(self) -> None:
        if self._closed:  # its pid may be another process's by now
            return
        with contextlib.suppress(ProcessLookupError):
            if self._pidfd is not None:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float) -> None:
        """Wait until the worker has exited (a pidfd reads ready then); without a pidfd, return at once."""
        if self._pidfd is not None:
            select.select([self._pidfd], [], [], timeout)

    def close(self) -> None:
        self._closed = True
        self.connection.close()
        pidfd, self._pidfd = self._pidfd, None  # taken first: a second close() must not close a reused fd number
        if pidfd is not None:
            os.close(pidfd)


class ForkServer:
    """A child process that imports ``preload``, then forks a worker each time ``fork`` asks."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        self._preload = preload
        self._lock = threading.Lock()  # one request and its answer at a time
        self._closed = False
        self._start()

    def _start(self) -> None:
        try:
            mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)  # one message per request, whole
        except OSError as error:  # e.g. a system without SOCK_SEQPACKET for Unix sockets (macOS)
            raise ForkFailed(f"query workers cannot be started on this system ({error})") from None
        command = f"from cscip_kg.fork_server import serve; serve({theirs.fileno()}, {sys.path!r}, {self._preload!r})"
        try:
            # The interpreter multiprocessing would start: sys.executable, unless a host embedding Python set another.
            self._process = subprocess.Popen([spawn.get_executable(), "-c", command], pass_fds=(theirs.fileno(),),
                                             stdin=subprocess.DEVNULL)
        except OSError as error:
            mine.close()
            raise ForkFailed(f"the fork server could not be started ({error})") from None
        finally:
            theirs.close()
        self._socket = mine

    def fork(self, target: Callable[..., None], *args: Any) -> Forked:
        """Run ``target(connection, *args)`` in a new worker."""
        request = pickle.dumps((target, args))
        if len(request) >= MESSAGE:  # a longer message would reach the server cut short, without an error
            raise ForkFailed(f"a worker's arguments take {len(request)} bytes, more than the {MESSAGE} a request may")
        with self._lock:
            if self._closed:
                raise ForkFailed("the fork server is closed")
            if self._process.poll() is not None:  # killed from outside (say, by the OOM killer): else no worker ever again
                self._socket.close()
                self._start()
            try:
                self._socket.sendall(request)
                answer, fds, _flags, _address = socket.recv_fds(self._socket, MESSAGE, 2)
            except OSError as error:
                raise ForkFailed(f"the fork server is gone ({error})") from None
        if not answer:
            raise ForkFailed(f"the fork server exited (exit code {self._process.poll()})")
        if not fds:
            raise ForkFailed(answer.decode("utf-8", "replace"))
        return Forked(int(answer), Connection(fds[0]), fds[1] if len(fds) > 1 else None)

    def close(self) -> None:
        """Stop the fork server (workers it started stop when their pipes close, or are killed by their owner)."""
        with self._lock:  # after this no fork() starts it again
            self._closed = True
        self._socket.close()  # the server reads the end of its input and exits
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def serve(fd: int, path: list[str], preload: tuple[str, ...]) -> None:
    """The fork server's loop: one worker per request, until the web process closes the socket."""
    sys.path[:] = path
    for name in preload:
        importlib.import_module(name)
    control = socket.socket(fileno=fd)
    # Ctrl-C reaches the whole process group: the web process stops the workers, and this server then reads EOF.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # what was imported stays shared with every worker: the collector never touches it again
    while True:
        try:
            request = control.recv(MESSAGE)
        except OSError:
            return
        if not request:
            return
        _reap()
        target, args = pickle.loads(request)
        try:
            pid, parent_end, pidfd = _fork(control, target, args)
        except OSError as error:
            control.send(f"could not start a query worker: {error}".encode())
            continue
        fds = [parent_end] if pidfd is None else [parent_end, pidfd]
        try:
            socket.send_fds(control, [str(pid).encode()], fds)
        finally:
            for each in fds:
                os.close(each)


def _fork(control: socket.socket, target: Callable[..., None], args: tuple[Any, ...]) -> tuple[int, int, int | None]:
    parent_end, child_end = socket.socketpair()
    try:
        pid = os.fork()
    except OSError:
        parent_end.close()
        child_end.close()
        raise
    if pid == 0:
        _work(control, parent_end, child_end, target, args)
    child_end.close()
    # A worker that has exited stays a zombie until _reap, so its pid is not reused before the pidfd is open.
    pidfd = None
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:  # a kernel before 5.3, or a container that forbids it: the pid alone, then
            pidfd = None
    return pid, parent_end.detach(), pidfd


def _work(control: socket.socket, parent_end: socket.socket, child_end: socket.socket,
          target: Callable[..., None], args: tuple[Any, ...]) -> NoReturn:
    """The worker, in the child: run ``target``, then exit, never back into the fork server's loop."""
    status = 1
    try:
        control.close()
        parent_end.close()
        target(Connection(child_end.detach()), *args)
        status = 0
    except BaseException:
        traceback.print_exc()  # os._exit below would drop it unseen
        sys.stderr.flush()
        raise
    finally:
        os._exit(status)


def _reap() -> None:
    """Collect the exit status of workers that have ended (killed at their budget, or their pipe closed)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
