"""Reads for the page where moderators compare a post's versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from forum.db import db
from forum.threads.models import Post, PostRevision


@dataclass(frozen=True)
class Version:
    """One text a post has had, who wrote it and from when it stood."""

    number: int
    source: str
    author_name: str
    since: datetime
    is_current: bool


def post_versions(post: Post) -> list[Version]:
    """Return every version of the post, the current one first, then older and older.

    A revision keeps the text an edit replaced, with who made that edit and when: the
    first text is the author's from the post's creation, each later one the editor's.
    """
    revisions = db.session.scalars(
        sa.select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.created_at, PostRevision.id)
    ).all()
    texts = [r.source for r in revisions] + [post.source]
    writers = [(post.author_name, post.created_at)] + [
        (r.editor_name, r.created_at) for r in revisions
    ]
    versions = [
        Version(
            number=i + 1,
            source=text,
            author_name=name,
            since=since,
            is_current=i == len(texts) - 1,
        )
        for i, (text, (name, since)) in enumerate(zip(texts, writers, strict=True))
    ]
    return versions[::-1]
