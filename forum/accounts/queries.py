"""Reads for account pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import contains_eager

from forum.accounts.models import User
from forum.db import db
from forum.threads.models import Post

RECENT_POSTS = 10


def user_by_username_or_404(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username_key == username.lower()))
    if user is None:
        abort(404)
    return user


def recent_posts(user: User, limit: int = RECENT_POSTS) -> list[Post]:
    """Return the newest posts of `user`, each with its thread loaded."""
    stmt = (
        sa.select(Post)
        .join(Post.thread)
        .options(contains_eager(Post.thread))
        .where(Post.author_id == user.id)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
