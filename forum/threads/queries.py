"""Reads for thread pages and permalinks: a fixed, small number of statements per page.

Statements are built once and reused with bound parameters (see forum/boards/queries.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from forum.accounts.models import User
from forum.db import db
from forum.threads.models import Post, Thread


@cache
def _thread_by_id() -> sa.Select[Thread]:
    return (
        sa.select(Thread).options(joinedload(Thread.board)).where(Thread.id == sa.bindparam("id"))
    )


@cache
def _post_by_id() -> sa.Select[Post]:
    return (
        sa.select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.board))
        .where(Post.id == sa.bindparam("id"))
    )


@cache
def _posts_in_range() -> sa.Select:
    # Plain rows, not ORM entities: a page only reads them, and rows cost a third as much.
    return (
        sa.select(
            Post.id,
            Post.position,
            Post.author_id,
            Post.author_name,
            Post.html,
            Post.created_at,
            Post.edited_at,
            User.username,
            User.display_name,
            User.network_role,
            User.country,
        )
        .outerjoin(User, User.id == Post.author_id)
        .where(
            Post.thread_id == sa.bindparam("thread_id"),
            Post.position.between(sa.bindparam("first"), sa.bindparam("last")),
        )
        .order_by(Post.position)
    )


def thread_or_404(thread_id: int) -> Thread:
    """Return the thread with its board loaded, or abort with 404."""
    thread = db.session.scalar(_thread_by_id(), {"id": thread_id})
    if thread is None:
        abort(404)
    return thread


def post_or_none(post_id: int) -> Post | None:
    """Return the post with its thread and board loaded, if it exists."""
    return db.session.scalar(_post_by_id(), {"id": post_id})


def post_or_404(post_id: int) -> Post:
    """Return the post with its thread and board loaded, or abort with 404."""
    post = post_or_none(post_id)
    if post is None:
        abort(404)
    return post


def page_of(position: int, per_page: int) -> int:
    """Return the page of a thread on which the post at `position` stands."""
    return (position - 1) // per_page + 1


def thread_page(thread: Thread, *, page: int, per_page: int) -> Sequence[sa.Row[Any]]:
    """Return the posts on one page of the thread, with their authors' details, in order.

    Each row has the post's id, position, author_id, author_name, html, created_at and
    edited_at, and its author's username, display_name, network_role and country (None
    when the account was deleted).

    Pages are ranges of positions, so the last page of a long thread costs what the first does.
    """
    first = (page - 1) * per_page + 1
    params = {"thread_id": thread.id, "first": first, "last": first + per_page - 1}
    return db.session.execute(_posts_in_range(), params).all()
