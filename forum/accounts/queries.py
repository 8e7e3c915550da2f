"""Reads for account pages."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import abort

from forum.accounts.models import User
from forum.db import UTCDateTime, db, utcnow
from forum.threads.models import Post, PostStatus, Thread
from forum.threads.queries import public_threads

RECENT_POSTS = 10
EXCERPT_CHARS = 200


def user_by_username_or_404(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username_key == username.lower()))
    if user is None:
        abort(404)
    return user


def _shown_on_profile() -> sa.ColumnElement[bool]:
    """The posts of `author_id` a profile shows: published, in threads every reader sees.

    One rule for every reader, so the count and the list beside it always agree: a host's
    scheduled question, a post awaiting approval, a hidden or deleted one, and posts in a
    hidden or withdrawn thread count for nobody (moderators find those in their queues).
    """
    return sa.and_(
        Post.author_id == sa.bindparam("author_id"),
        Post.status == PostStatus.PUBLISHED,
        public_threads(sa.bindparam("now", type_=UTCDateTime)),
    )


@cache
def _recent_posts() -> sa.Select:
    return (
        sa.select(
            Post.id,
            Post.created_at,
            # Enough for an excerpt: a profile never needs a whole long post.
            sa.func.substr(Post.source, 1, EXCERPT_CHARS + 50).label("excerpt"),
            Thread.title.label("thread_title"),
        )
        .join(Thread, Post.thread_id == Thread.id)
        .where(_shown_on_profile())
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


@cache
def _post_count() -> sa.Select:
    # One count over the author's posts (ix_posts_author_recent), each joined to its thread
    # by primary key. User.post_count stays the stored count of published posts that
    # pre-moderation reads; it also counts scheduled and hidden threads' posts, so a
    # profile never shows it.
    return (
        sa.select(sa.func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(_shown_on_profile())
    )


def recent_posts(user: User, limit: int = RECENT_POSTS) -> Sequence[sa.Row[Any]]:
    """Return the newest posts of `user`: id, created_at, excerpt and thread_title."""
    params = {"author_id": user.id, "limit": limit, "now": utcnow()}
    return db.session.execute(_recent_posts(), params).all()


def shown_post_count(user: User) -> int:
    """Count the posts of `user` their profile shows (those recent_posts lists from)."""
    params = {"author_id": user.id, "now": utcnow()}
    return db.session.scalar(_post_count(), params) or 0
