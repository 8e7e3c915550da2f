"""Each page type costs the same few SQL statements on a small forum and on a large one."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from bench.generator import generate
from forum.accounts.models import User
from forum.boards.models import Board
from forum.db import db
from forum.threads.models import Post, Thread
from tests.factories import log_in, make_user
from tests.paths import board_address, thread_address
from tests.threads.test_queries import MAX_THREAD_PAGE_STATEMENTS, sql_statements


def _page_paths() -> dict[str, str]:
    """Return a path of each page type, with the longest thread for the thread pages."""
    thread = db.session.scalars(sa.select(Thread).order_by(Thread.post_count.desc())).first()
    assert thread is not None
    last_page = (thread.post_count - 1) // 20 + 1
    post_id = db.session.scalar(sa.select(sa.func.max(Post.id)))
    username = db.session.scalar(sa.select(User.username).order_by(User.id))
    return {
        "home": "/",
        "board": board_address(db.session.get_one(Board, thread.board_id)),
        "thread, first page": thread_address(thread),
        "thread, last page": f"{thread_address(thread)}?page={last_page}",
        "profile": f"/u/{username}",
        "permalink": f"/p/{post_id}",
    }


def _costs(app: Flask, *, users: int, threads: int, posts: int) -> dict[str, int]:
    with app.app_context():
        generate(users=users, threads=threads, posts=posts, seed=3, password="generated pw 1")
        paths = _page_paths()
        client = app.test_client()
        log_in(client, make_user())
    client.get("/")  # the first request may set the session up
    costs = {}
    for name, path in paths.items():
        with sql_statements(app) as statements:
            assert client.get(path).status_code in (200, 302), path
        costs[name] = len(statements)
    return costs


def test_every_page_costs_the_same_statements_with_10_posts_as_with_5000(make_app):
    small = _costs(make_app(), users=3, threads=2, posts=10)
    large = _costs(make_app(), users=40, threads=120, posts=5_000)
    assert small == large
    assert small["thread, first page"] <= MAX_THREAD_PAGE_STATEMENTS
    assert max(small.values()) <= MAX_THREAD_PAGE_STATEMENTS
