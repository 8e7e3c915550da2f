"""Reads for thread pages and permalinks: a fixed, small number of statements per page.

Statements are built once and reused with bound parameters (see forum/boards/queries.py).
What a reader may see is decided by forum.threads.visibility, in Python and in SQL (its
SQL for board lists is named here too, for forum.boards.queries and the profiles).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from forum.accounts.models import User
from forum.db import db, utcnow
from forum.threads import visibility
from forum.threads.models import Post, Thread
from forum.threads.visibility import can_see_post, can_see_thread
from forum.threads.visibility import public_threads as public_threads
from forum.threads.visibility import visibility_level as visibility_level
from forum.threads.visibility import visibility_params as visibility_params
from forum.threads.visibility import visible_to as visible_to


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
            Post.status,
            Post.status_reason,
            Post.is_key_insight,
            User.username,
            User.display_name,
            User.network_role,
            User.country,
        )
        .outerjoin(User, User.id == Post.author_id)
        .where(
            Post.thread_id == sa.bindparam("thread_id"),
            Post.position.between(sa.bindparam("first"), sa.bindparam("last")),
            # Posts awaiting approval show only to their author (and moderators).
            visibility.shown_posts(),
        )
        .order_by(Post.position)
    )


def thread_or_none(thread_id: int) -> Thread | None:
    """Return the thread with its board loaded, whoever may see it."""
    return db.session.scalar(_thread_by_id(), {"id": thread_id})


def thread_or_404(thread_id: int, viewer: Any, now: datetime | None = None) -> Thread:
    """Return the thread, with its board, if `viewer` may see it; else abort with 404."""
    thread = thread_or_none(thread_id)
    if thread is None or not can_see_thread(viewer, thread, now or utcnow()):
        abort(404)
    return thread


def post_or_none(post_id: int, viewer: Any) -> Post | None:
    """Return the post with its thread and board loaded, if `viewer` may see it."""
    post = db.session.scalar(_post_by_id(), {"id": post_id})
    if post is None or not can_see_thread(viewer, post.thread, utcnow()):
        return None
    return post if can_see_post(viewer, post, post.thread) else None


def post_or_404(post_id: int, viewer: Any) -> Post:
    """Return the post, with its thread and board, if `viewer` may see it; else 404."""
    post = post_or_none(post_id, viewer)
    if post is None:
        abort(404)
    return post


def page_of(position: int, per_page: int) -> int:
    """Return the page of a thread on which the post at `position` stands."""
    return (position - 1) // per_page + 1


def thread_page(thread: Thread, viewer: Any, *, page: int, per_page: int) -> Sequence[sa.Row[Any]]:
    """Return the posts on one page of the thread that `viewer` may see, in order.

    Each row has the post's id, position, author_id, author_name, html, created_at,
    edited_at, status, status_reason and is_key_insight, and its author's username,
    display_name, network_role and country (None when the account was deleted).
    Pages are ranges of positions, so the last page of a long thread costs what the first
    does; hidden posts keep their place (shown as removed), held ones are left out.
    """
    first = (page - 1) * per_page + 1
    params = {
        "thread_id": thread.id,
        "first": first,
        "last": first + per_page - 1,
        **visibility.shown_posts_params(viewer, thread.board_id),
    }
    return db.session.execute(_posts_in_range(), params).all()
