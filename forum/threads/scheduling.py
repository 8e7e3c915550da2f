"""A host's scheduled discussion question: move the time it appears at, or publish it now.

Until `publish_at` only the board's hosts and moderators see the question
(forum.permissions.can_see_thread); nothing is written when the time comes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa

from forum import audit
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.threads.models import Thread, ThreadKind

if TYPE_CHECKING:
    from forum.accounts.models import User


def is_scheduled(thread: Thread, now: datetime) -> bool:
    """Whether the thread is a question still waiting for its time to appear."""
    return (
        thread.kind == ThreadKind.QUESTION
        and thread.publish_at is not None
        and thread.publish_at > now
    )


def _log(
    actor: User | None, action: str, thread: Thread, before: datetime, after: datetime
) -> None:
    audit.record(
        actor,
        action,
        target_type="thread",
        target_id=thread.id,
        board_id=thread.board_id,
        details={"from": before.isoformat(), "to": after.isoformat()},
    )


def _move(thread: Thread, publish_at: datetime, now: datetime) -> bool:
    """Set the time, if the question is still scheduled when the row is written.

    The condition is checked by the UPDATE itself: of two hosts pressing "Publish now"
    at once, one publishes and the other finds nothing left to do.
    """
    moved = db.session.execute(
        sa.update(Thread)
        .where(
            Thread.id == thread.id,
            Thread.kind == ThreadKind.QUESTION,
            Thread.publish_at > now,
            Thread.publish_at != publish_at,
        )
        .values(publish_at=publish_at)
        .execution_options(synchronize_session=False)
    )
    return cast(sa.CursorResult[Any], moved).rowcount > 0


def reschedule(
    thread: Thread, *, actor: User | None, publish_at: datetime, now: datetime | None = None
) -> bool:
    """Make a scheduled question appear at `publish_at` (a future time) instead.

    Return whether anything changed. A question that has appeared is not taken back:
    readers may have answered it (a moderator can hide it).
    """
    now = now or utcnow()
    if publish_at.tzinfo is None:
        raise ValueError("publish_at must be timezone-aware")
    publish_at = publish_at.astimezone(UTC)
    if not is_scheduled(thread, now):
        raise ServiceError("This question has already appeared: its time can no longer change.")
    if publish_at <= now:
        raise ServiceError(
            "That time has passed: pick a later one, or use “Publish now”.", field="appear_time"
        )
    before = thread.publish_at
    if before is None or not _move(thread, publish_at, now):
        return False
    _log(actor, "reschedule_question", thread, before, publish_at)
    db.session.commit()
    return True


def publish_now(thread: Thread, *, actor: User | None, now: datetime | None = None) -> bool:
    """Let every reader see a scheduled question from now on; False if it already appeared."""
    now = now or utcnow()
    before = thread.publish_at
    if before is None or not is_scheduled(thread, now) or not _move(thread, now, now):
        return False
    # Its appearance time, not None: the board lists questions in the order they appeared.
    _log(actor, "publish_question", thread, before, now)
    db.session.commit()
    return True
