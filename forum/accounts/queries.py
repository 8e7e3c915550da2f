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
        .where(
            Post.author_id == sa.bindparam("author_id"),
            Post.status == PostStatus.PUBLISHED,
            public_threads(sa.bindparam("now", type_=UTCDateTime)),
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


def recent_posts(user: User, limit: int = RECENT_POSTS) -> Sequence[sa.Row[Any]]:
    """Return the newest posts of `user`: id, created_at, excerpt and thread_title."""
    params = {"author_id": user.id, "limit": limit, "now": utcnow()}
    return db.session.execute(_recent_posts(), params).all()
