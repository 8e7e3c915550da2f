"""Fixtures for tests that drive a real headless Chromium against the app served from a thread.

Needs Debian's /usr/bin/chromium (FORUM_CHROMIUM may name another executable), the Python
`playwright` package and axe-core's axe.min.js (AXE_JS may point to another copy);
scripts/install-browser.sh installs all three. When one is missing the tests fail: a green run
must not hide a missing install. FORUM_SKIP_BROWSER=1 skips them instead, with a message,
except under CI=true, where asking for the skip is an error.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from forum.boards.services import load_km4b
from forum.db import db
from tests.browser import (
    SKIP_REQUESTED,
    chromium_path,
    in_ci,
    missing,
    playwright_api,
    skip_requested,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

AXE_JS = Path(os.environ.get("AXE_JS", "~/.cache/axe/node_modules/axe-core/axe.min.js"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium floods the closed network with refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST = "127.0.0.1"
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests when asked to (FORUM_SKIP_BROWSER=1), never under CI=true."""
    if not skip_requested():
        return
    if in_ci():
        raise pytest.UsageError("FORUM_SKIP_BROWSER=1 under CI=true: CI runs the browser tests")
    skip = pytest.mark.skip(reason=SKIP_REQUESTED)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run (a second sync Playwright would fail)."""
    chromium = chromium_path()
    if not chromium.is_file():
        missing(f"{chromium} (apt-get install chromium, or set FORUM_CHROMIUM)")
    with playwright_api().sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The text of axe.min.js, injected into pages over the DevTools protocol."""
    path = AXE_JS.expanduser()
    if not path.is_file():
        missing(f"{path} (npm install --prefix ~/.cache/axe axe-core)")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def km4b_app(app: Flask) -> Flask:
    """The test's app (real migrated database) with the ten KM4B webinar boards loaded."""
    with app.app_context():
        load_km4b()
        db.session.remove()
    return app


@pytest.fixture
def live_server(km4b_app: Flask) -> Iterator[str]:
    """Serve the test's app, KM4B boards loaded, from a thread on a free port of 127.0.0.1."""
    app = km4b_app
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


class OffsiteGuard:
    """Blocks every request that would leave 127.0.0.1 and remembers its URL."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def __call__(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname == HOST:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


@pytest.fixture
def offsite() -> OffsiteGuard:
    return OffsiteGuard()


@pytest.fixture
def new_context(
    browser: Browser, live_server: str, offsite: OffsiteGuard
) -> Iterator[Callable[..., BrowserContext]]:
    """Return a function that opens a browser context on the live server.

    JavaScript is off unless asked for; every request leaving 127.0.0.1 is blocked and recorded
    in `offsite.blocked`, and the test errors at teardown if there was one.
    """
    contexts: list[BrowserContext] = []

    def open_context(*, javascript: bool = False) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server,
            java_script_enabled=javascript,
            viewport={"width": 1024, "height": 768},
            locale="en-GB",
            timezone_id="UTC",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", offsite)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert not offsite.blocked, f"requests left {HOST}: {offsite.blocked}"


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a context with JavaScript switched off, as a person without scripts sees it."""
    return new_context(javascript=False).new_page()
