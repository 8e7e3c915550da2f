"""A host's scheduled discussion question: move the time it appears at, publish it now, or
announce that its time came.

Until `publish_at` only the board's hosts and moderators see the question
(forum.permissions.can_see_thread). Readers see it from that time whatever else runs; its
appearance is announced (the APPEARED event, and a log entry by "system") by
`flask forum tick`, run every minute or so (announce_due_questions).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa

from forum import audit
from forum.audit import LogEntry
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.threads import lifecycle
from forum.threads.events import ChangeKind
from forum.threads.models import Thread, ThreadKind, ThreadStatus

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
    actor_id = actor.id if actor is not None else None
    lifecycle.emit(ChangeKind.APPEARED, thread=thread, board_id=thread.board_id, actor_id=actor_id)
    lifecycle.commit()
    return True


# Questions whose time came longer ago than this are not announced late (after an outage
# the tick may have missed them; readers have seen them since).
ANNOUNCE_WITHIN = timedelta(days=1)
_ANNOUNCED = ("publish_question", "question_appeared")


def announce_due_questions(now: datetime | None = None) -> list[int]:
    """Announce every scheduled question whose time has come since it was last looked at:
    one APPEARED event and one log entry each, in one transaction. Return their ids.

    A question announced once (or published early, by "Publish now") is recognised by its
    log entry, so running this twice, or from two machines, announces it once.
    """
    now = now or utcnow()
    announced = sa.exists().where(
        LogEntry.target_type == "thread",
        LogEntry.target_id == Thread.id,
        LogEntry.action.in_(_ANNOUNCED),
    )
    due = db.session.scalars(
        sa.select(Thread)
        .where(
            Thread.kind == ThreadKind.QUESTION,
            Thread.status == ThreadStatus.VISIBLE,
            Thread.post_count > 0,
            # Scheduled when written: one published at once was announced then.
            Thread.publish_at > Thread.created_at,
            Thread.publish_at <= now,
            Thread.publish_at > now - ANNOUNCE_WITHIN,
            ~announced,
        )
        .order_by(Thread.publish_at, Thread.id)
        .with_for_update(skip_locked=True)
    ).all()
    for thread in due:
        audit.record(
            None,
            "question_appeared",
            target_type="thread",
            target_id=thread.id,
            board_id=thread.board_id,
            details={"at": thread.publish_at.isoformat() if thread.publish_at else None},
        )
        lifecycle.emit(ChangeKind.APPEARED, thread=thread, board_id=thread.board_id)
    lifecycle.commit()
    return [thread.id for thread in due]
