"""A real cscip-kg server in a subprocess on a free loopback port, a plain HTTP client, and an app made in-process."""

from __future__ import annotations

import html.parser
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

# A guard against a hang, not a timing target: on a shared 2-core machine a start (the server and its
# query workers each loading the graph) was seen to take more than 30 s.
START_TIMEOUT = 120.0
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# Flask's test client calls itself this, so the absolute URLs an app writes for itself start so too.
IN_PROCESS = "http://localhost/"
_in_process: dict[str, FlaskClient] = {}


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None, data: bytes | None = None) -> Answer:
    """Any status comes back as an Answer (4xx and 5xx included), never as an exception.

    A URL under IN_PROCESS, while ``in_process`` holds a client, is answered by that client (no wire)."""
    if url.startswith(IN_PROCESS) and IN_PROCESS in _in_process:
        return local_fetch(_in_process[IN_PROCESS], url[len(IN_PROCESS):], method, headers, data)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())


@contextmanager
def running_server(build: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `cscip-kg serve --port 0` on ``build``; yield its base URL; stop it afterwards."""
    command = [sys.executable, "-m", "cscip_kg", "serve", "--build", str(build), "--port", "0", *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    try:
        yield wait_for_address(process)
    finally:
        stop_process(process)


def local_fetch(client: FlaskClient, path: str, method: str = "GET", headers: dict[str, str] | None = None,
                data: bytes | None = None) -> Answer:
    """As ``fetch``, through Flask's test client (``path`` without its leading slash): the same Answer, no wire."""
    response = client.open("/" + path, method=method, headers=headers or {}, data=data)
    message = Message()
    for name, value in response.headers.items():
        message[name] = value
    return Answer(response.status_code, message, response.get_data())


@contextmanager
def in_process(client: FlaskClient) -> Iterator[str]:
    """A base URL that ``fetch`` and ``page`` answer through ``client``, for checks that need no wire."""
    _in_process[IN_PROCESS] = client
    try:
        yield IN_PROCESS
    finally:
        _in_process.pop(IN_PROCESS, None)


@contextmanager
def open_app(config: dict[str, Any]) -> Iterator[Flask]:
    """An app made in this process (for Flask's test client); its query workers are stopped afterwards."""
    from cscip_kg.server import close_app, create_app

    app = create_app(config)
    try:
        yield app
    finally:
        close_app(app)


def stop_process(process: subprocess.Popen[str] | subprocess.Popen[bytes], kill: bool = False) -> None:
    """Ask a child to stop (or kill it), wait for it, and close its pipes."""
    if kill:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def wait_for_address(process: subprocess.Popen[str]) -> str:
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        lines.append(process.stdout.readline())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    line = lines[0] if lines else ""
    if " at http://" not in line:
        if process.poll() is None:  # still starting: its query workers hold the pipes too, so do not wait to read them
            stop_process(process, kill=True)
            raise RuntimeError(f"server did not start within {START_TIMEOUT:g} s: {line!r}")
        _out, err = process.communicate(timeout=30)
        raise RuntimeError(f"server did not start: {line!r} {err}")
    return line.rsplit(" at ", 1)[1].strip()


class Page(html.parser.HTMLParser):
    """The parts of a page the tests look at: title, h1, links and alternate links."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []  # the open elements, innermost last
        self.started: list[str] = []  # every element, in document order
        self.text: dict[str, str] = {"title": "", "h1": ""}
        self.links: list[str] = []
        self.alternates: list[tuple[str, str]] = []  # (media type, href)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.started.append(tag)
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "link" and values.get("rel") == "alternate":
            self.alternates.append((values.get("type") or "", values.get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        if self.tags and self.tags[-1] == tag:
            self.tags.pop()

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1] in self.text:
            self.text[self.tags[-1]] += data


def page(server: str, path: str, accept: str = BROWSER) -> Page:
    answer = fetch(server + path, headers={"Accept": accept})
    assert answer.status == 200 and answer.media_type == "text/html", answer.text
    parsed = Page()
    parsed.feed(answer.text)
    return parsed
