"""Paths of pages for tests, built from the routes (models no longer build URLs)."""

from __future__ import annotations

from functools import cache
from typing import Any

from werkzeug.routing import MapAdapter

from forum import create_app


@cache
def _routes() -> MapAdapter:
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    return app.url_map.bind("localhost")


def path(endpoint: str, **values: Any) -> str:
    """Return what url_for(endpoint, **values) builds in a request at the root."""
    return _routes().build(endpoint, values)


def thread_address(thread: Any) -> str:
    return path("threads.show", thread_id=thread.id, slug=thread.slug)


def board_address(board: Any) -> str:
    return path("boards.show", slug=board.slug)


def post_address(post: Any) -> str:
    return path("threads.permalink", post_id=post.id)
