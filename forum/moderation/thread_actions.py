"""Moderation verbs on a whole thread: pin, lock, highlight, hide; an author's withdrawal.

Each verb is one transaction. A conditional UPDATE changes the row only when it is not
already in the wanted state, so repeating a verb (a double click, two moderators at once)
changes it once; only a change writes its moderation log entry. Each verb returns whether
anything changed. Who may call which verb is decided by forum.permissions, in the view.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa

from forum import audit
from forum.accounts.models import User
from forum.db import db
from forum.reasons import clean_reason
from forum.threads.models import Thread, ThreadStatus


def _change(
    actor: User,
    thread: Thread,
    action: str,
    *,
    unless: sa.ColumnElement[bool],
    values: dict[str, Any],
    reason: str = "",
) -> bool:
    """Set `values` on the thread unless `unless` already holds; log a change; commit."""
    result = db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id, sa.not_(unless))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    changed = cast(sa.CursorResult[Any], result).rowcount > 0
    if changed:
        audit.record(
            actor,
            action,
            target_type="thread",
            target_id=thread.id,
            board_id=thread.board_id,
            reason=reason,
        )
    # Expires the loaded thread too, so callers read what the database now holds.
    db.session.commit()
    return changed


def pin_thread(actor: User, thread: Thread) -> bool:
    """Keep the thread at the top of its board."""
    return _change(
        actor, thread, "pin_thread", unless=Thread.is_pinned.is_(True), values={"is_pinned": True}
    )


def unpin_thread(actor: User, thread: Thread) -> bool:
    return _change(
        actor,
        thread,
        "unpin_thread",
        unless=Thread.is_pinned.is_(False),
        values={"is_pinned": False},
    )


def highlight_thread(actor: User, thread: Thread) -> bool:
    """Mark the thread as one readers should not miss."""
    return _change(
        actor,
        thread,
        "highlight_thread",
        unless=Thread.is_highlighted.is_(True),
        values={"is_highlighted": True},
    )


def unhighlight_thread(actor: User, thread: Thread) -> bool:
    return _change(
        actor,
        thread,
        "unhighlight_thread",
        unless=Thread.is_highlighted.is_(False),
        values={"is_highlighted": False},
    )


def lock_thread(actor: User, thread: Thread, reason: str = "") -> bool:
    """Close the thread to replies; the optional reason is shown to readers."""
    reason = clean_reason(reason)
    return _change(
        actor,
        thread,
        "lock_thread",
        unless=Thread.is_locked.is_(True),
        values={"is_locked": True, "lock_reason": reason},
        reason=reason,
    )


def unlock_thread(actor: User, thread: Thread) -> bool:
    return _change(
        actor,
        thread,
        "unlock_thread",
        unless=Thread.is_locked.is_(False),
        values={"is_locked": False, "lock_reason": ""},
    )


def hide_thread(actor: User, thread: Thread, reason: str) -> bool:
    """Hide a visible thread from readers (its author still sees it, and why)."""
    reason = clean_reason(reason, required=True)
    return _change(
        actor,
        thread,
        "hide_thread",
        unless=Thread.status != ThreadStatus.VISIBLE,
        values={"status": ThreadStatus.HIDDEN, "status_reason": reason},
        reason=reason,
    )


def restore_thread(actor: User, thread: Thread) -> bool:
    """Show a thread a moderator hid to readers again (a withdrawn one stays withdrawn)."""
    return _change(
        actor,
        thread,
        "restore_thread",
        unless=Thread.status != ThreadStatus.HIDDEN,
        values={"status": ThreadStatus.VISIBLE, "status_reason": ""},
    )


def withdraw_thread(author: User, thread: Thread) -> bool:
    """Take back the author's own thread, provided nobody has replied to it.

    The condition is part of the UPDATE, so a reply that lands first prevents it.
    """
    nobody_replied = sa.and_(
        Thread.author_id == author.id,
        Thread.status == ThreadStatus.VISIBLE,
        Thread.last_position <= 1,
    )
    return _change(
        author,
        thread,
        "withdraw_thread",
        unless=sa.not_(nobody_replied),
        values={"status": ThreadStatus.WITHDRAWN},
    )
