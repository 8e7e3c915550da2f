"""Moderation verbs on a single post: hide, restore, key insight; an author's deletion.

Like forum.moderation.thread_actions: one transaction each, a conditional UPDATE so a
repeated verb changes nothing, one log entry per change, and a return value saying whether
anything changed. A post leaving or joining what readers see moves its thread's and its
author's stored counters in the same transaction.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa

from forum import audit
from forum.accounts.models import User
from forum.db import db
from forum.reasons import clean_reason
from forum.threads.models import Post, PostStatus, Thread
from forum.threads.services import refresh_author_counters, refresh_thread_counters

_SHOWN = (PostStatus.PUBLISHED, PostStatus.PENDING)


def _change(
    actor: User,
    post: Post,
    action: str,
    *,
    when: sa.ColumnElement[bool],
    values: dict[str, Any],
    reason: str = "",
    recount: bool = False,
) -> bool:
    """Set `values` on the post if `when` holds; recount, log the change and commit."""
    # From the identity map when the post came with its thread (no statement then).
    board_id = db.session.get_one(Thread, post.thread_id).board_id
    result = db.session.execute(
        sa.update(Post)
        .where(Post.id == post.id, when)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    changed = cast(sa.CursorResult[Any], result).rowcount > 0
    if changed:
        if recount:
            refresh_thread_counters(post.thread_id)
            refresh_author_counters([post.author_id])
        audit.record(
            actor,
            action,
            target_type="post",
            target_id=post.id,
            board_id=board_id,
            reason=reason,
            details={"thread_id": post.thread_id, "position": post.position},
        )
    db.session.commit()
    return changed


def hide_post(actor: User, post: Post, reason: str) -> bool:
    """Hide a post from readers, who see that a moderator removed it; its author sees why."""
    reason = clean_reason(reason, required=True)
    return _change(
        actor,
        post,
        "hide_post",
        when=Post.status.in_(_SHOWN),
        values={"status": PostStatus.HIDDEN, "status_reason": reason},
        reason=reason,
        recount=True,
    )


def restore_post(actor: User, post: Post) -> bool:
    """Publish a post a moderator hid again."""
    return _change(
        actor,
        post,
        "restore_post",
        when=Post.status == PostStatus.HIDDEN,
        values={"status": PostStatus.PUBLISHED, "status_reason": ""},
        recount=True,
    )


def delete_post(author: User, post: Post) -> bool:
    """Delete the author's own reply, softly: readers see that its author deleted it."""
    return _change(
        author,
        post,
        "delete_post",
        when=sa.and_(Post.author_id == author.id, Post.position > 1, Post.status.in_(_SHOWN)),
        values={"status": PostStatus.DELETED, "status_reason": ""},
        recount=True,
    )


def mark_insight(actor: User, post: Post) -> bool:
    """Mark a published post as a key insight, collected on its board's page."""
    return _change(
        actor,
        post,
        "mark_insight",
        when=sa.and_(Post.is_key_insight.is_(False), Post.status == PostStatus.PUBLISHED),
        values={"is_key_insight": True},
    )


def unmark_insight(actor: User, post: Post) -> bool:
    return _change(
        actor,
        post,
        "unmark_insight",
        when=Post.is_key_insight.is_(True),
        values={"is_key_insight": False},
    )
