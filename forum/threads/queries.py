"""Reads for thread pages and permalinks: a fixed, small number of statements per page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from forum.db import db
from forum.threads.models import Post, Thread


def thread_or_404(thread_id: int) -> Thread:
    """Return the thread with its board loaded, or abort with 404."""
    stmt = sa.select(Thread).options(joinedload(Thread.board)).where(Thread.id == thread_id)
    thread = db.session.scalar(stmt)
    if thread is None:
        abort(404)
    return thread


def post_or_404(post_id: int) -> Post:
    """Return the post with its thread and board loaded, or abort with 404."""
    stmt = (
        sa.select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.board))
        .where(Post.id == post_id)
    )
    post = db.session.scalar(stmt)
    if post is None:
        abort(404)
    return post


def page_of(position: int, per_page: int) -> int:
    """Return the page of a thread on which the post at `position` stands."""
    return (position - 1) // per_page + 1


def thread_page(thread: Thread, *, page: int, per_page: int) -> list[Post]:
    """Return the posts on one page of the thread, with their authors, in order.

    Pages are ranges of positions, so the last page of a long thread costs what the first does.
    """
    first = (page - 1) * per_page + 1
    stmt = (
        sa.select(Post)
        .options(joinedload(Post.author))
        .where(Post.thread_id == thread.id, Post.position.between(first, first + per_page - 1))
        .order_by(Post.position)
    )
    return list(db.session.scalars(stmt))
