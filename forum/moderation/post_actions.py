"""Moderation verbs on a single post: hide, restore, key insight; an author's deletion.

Like forum.moderation.thread_actions: one transaction each through
forum.moderation.changes.act (a conditional UPDATE so a repeated verb changes nothing, one
log entry per change, a return value saying whether anything changed). A post leaving or
joining what readers see goes through forum.threads.lifecycle, which moves its thread's
and author's counters in the same transaction and announces the change.
"""

from __future__ import annotations

import sqlalchemy as sa

from forum.accounts.models import User
from forum.moderation.changes import act, apply_change
from forum.reasons import clean_reason
from forum.threads import lifecycle
from forum.threads.events import ChangeKind
from forum.threads.lifecycle import SHOWN
from forum.threads.models import Post, PostStatus


def hide(actor: User, post: Post, reason: str) -> bool:
    """Hide the post as hide_post does, without committing: for a service that commits it
    with more (forum.moderation.reports.resolve_reports)."""
    reason = clean_reason(reason, required=True)
    return apply_change(
        actor,
        post,
        "hide_post",
        when=Post.status.in_(SHOWN),
        values={"status": PostStatus.HIDDEN, "status_reason": reason},
        reason=reason,
        kind=ChangeKind.POST_HIDDEN,
    )


def hide_post(actor: User, post: Post, reason: str) -> bool:
    """Hide a post from readers, who see that a moderator removed it; its author sees why."""
    changed = hide(actor, post, reason)
    lifecycle.commit()
    return changed


def restore_post(actor: User, post: Post) -> bool:
    """Publish a post a moderator hid again."""
    return act(
        actor,
        post,
        "restore_post",
        when=Post.status == PostStatus.HIDDEN,
        values={"status": PostStatus.PUBLISHED, "status_reason": ""},
        kind=ChangeKind.POST_RESTORED,
    )


def delete_post(author: User, post: Post) -> bool:
    """Delete the author's own reply, softly: readers see that its author deleted it."""
    return act(
        author,
        post,
        "delete_post",
        when=sa.and_(Post.author_id == author.id, Post.position > 1, Post.status.in_(SHOWN)),
        values={"status": PostStatus.DELETED, "status_reason": ""},
        kind=ChangeKind.POST_DELETED,
    )


def mark_insight(actor: User, post: Post) -> bool:
    """Mark a published post as a key insight, collected on its board's page."""
    return act(
        actor,
        post,
        "mark_insight",
        when=sa.and_(Post.is_key_insight.is_(False), Post.status == PostStatus.PUBLISHED),
        values={"is_key_insight": True},
    )


def unmark_insight(actor: User, post: Post) -> bool:
    return act(
        actor,
        post,
        "unmark_insight",
        when=Post.is_key_insight.is_(True),
        values={"is_key_insight": False},
    )
