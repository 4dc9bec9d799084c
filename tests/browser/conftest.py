"""A real Chromium (Debian's, never a download) driven by Playwright against a live server.

Every page a test opens fails the test on any console error, uncaught page
error or request that leaves the loopback interface. Screenshots go to the
pytest temporary folder (the viewport), or to $CSCIP_KG_TEST_OUTPUT when set
(the whole page: CI keeps it); the page as a test left it is captured there
after every test, and in the temporary folder only after a failed one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

# A request off this machine goes to a proxy that is not there (the discard port) and fails; Chromium never sends
# loopback through a proxy. (Playwright's routing refused them too, but turned the HTTP cache off: every editor
# test fetched and compiled its 540 kB of YASQE again.) The page fixture lists any such request.
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--proxy-server=http://127.0.0.1:9"]
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
KEEP = "CSCIP_KG_TEST_OUTPUT"  # the folder CI keeps the screenshots in
FAILED = pytest.StashKey[bool]()


def chromium_path() -> str:
    found = os.environ.get("CSCIP_KG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Debian's chromium is not installed: run `make setup` (it installs it) or apt-get install chromium")
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:  # (read by the page fixture's teardown, after the test's own report)
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def site(server: str) -> str:
    """The shared live server (tests/conftest.py), over the same build a second one would serve."""
    return server


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get(KEEP)
    folder = Path(chosen) / "screenshots" if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def shot(screenshots: Path) -> Callable[[Any, str], None]:
    """Save a page as <name>.png: the viewport, or the whole page where it is kept (as the end-of-test capture)."""
    def save(page: Any, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=KEEP in os.environ)
    return save


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@dataclass
class Problems:
    errors: list[str] = field(default_factory=list)

    def console(self, message: object) -> None:
        if getattr(message, "type", "") == "error":
            self.errors.append(f"console error: {getattr(message, 'text', '')}")

    def page_error(self, error: object) -> None:
        self.errors.append(f"page error: {error}")

    def request(self, request: object) -> None:
        url = getattr(request, "url", "")
        if urlsplit(url).hostname not in LOOPBACK and not url.startswith(("data:", "blob:")):
            self.errors.append(f"request off this machine: {url}")


@pytest.fixture(scope="module")
def module_page(browser) -> Iterator[tuple[Any, Problems]]:  # type: ignore[no-untyped-def]
    """A new context's one page, at 1280 × 900, and the problems it meets as they come (a request off this
    machine is refused by the browser, LAUNCH_ARGS, and listed here)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    problems = Problems()
    context.on("request", problems.request)
    opened = context.new_page()
    opened.on("console", problems.console)
    opened.on("pageerror", problems.page_error)
    yield opened, problems
    context.close()


@pytest.fixture()
def page(module_page: tuple[Any, Problems], screenshots: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The test module's one page, not a context and renderer process per test (~0.3 s of a busy core each): a
    test that needs a context of its own (init scripts, stored state) makes one. Each test starts at 1280 × 900
    from the blank page its predecessor left, and fails on the problems met before it leaves."""
    opened, problems = module_page
    opened.set_viewport_size({"width": 1280, "height": 900})
    yield opened
    # The whole page only where it is kept (CI): a long page's full capture took 19 s on a loaded 2-core machine.
    # Elsewhere only a failed test's: a capture after each of some 75 tests cost ~0.1 s of a busy core each.
    if KEEP in os.environ or request.node.stash.get(FAILED, False):
        opened.screenshot(path=str(screenshots / f"{request.node.name}-end.png"), full_page=KEEP in os.environ)
    leave(opened, problems)
    met, problems.errors = problems.errors, []
    assert not met, met


def leave(opened: Any, problems: Problems) -> None:
    """Blank the page: what it does later (requests, errors) stops here, not in the next test."""
    for _attempt in range(5):
        try:
            opened.goto("about:blank")
            return
        except sync_api.Error as error:
            # Another navigation came first: an error page's, after a failed load, or an earlier attempt's.
            interrupted = error
            opened.wait_for_load_state()
            if opened.url == "about:blank":
                return
    problems.errors.append(f"the page was not left: {interrupted}")
