"""The load benchmark measures pages where they settle: a redirect is refused, not measured."""

from __future__ import annotations

import threading
import urllib.error
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from bench.run import Redirected, settled_page
from tests.factories import make_thread
from tests.paths import thread_address


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_a_page_that_answers_itself_is_measured_with_its_own_body(app, served):
    with app.app_context():
        thread = make_thread(title="Open data in practice")
        path = thread_address(thread)
    body = settled_page(served + path)
    assert path.endswith("/open-data-in-practice")
    assert b"Open data in practice</h1>" in body and body.rstrip().endswith(b"</html>")


def test_the_thread_address_without_its_slug_is_refused_as_a_redirect(app, served):
    with app.app_context():
        thread_id = make_thread(title="Open data in practice").id
    with pytest.raises(Redirected, match=r"answers 301 to .*/open-data-in-practice"):
        settled_page(f"{served}/t/{thread_id}")


def test_a_missing_page_is_refused(served):
    with pytest.raises(urllib.error.HTTPError, match="404"):
        settled_page(f"{served}/no/such/page")
