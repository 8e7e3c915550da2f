"""Fixtures for tests that drive a real headless Chromium against the app served from a thread.

Needs Debian's /usr/bin/chromium, the Python `playwright` package and axe-core's axe.min.js
(scripts/install-browser.sh installs all three; the AXE_JS variable may point to another copy).
When one is missing the tests skip with a message, except under CI=true, where they fail:
a green run must not hide a missing install.
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
from tests.browser import missing, playwright_api

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run (a second sync Playwright would fail)."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} (apt-get install chromium)")
    with playwright_api().sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
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
