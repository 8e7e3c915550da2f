"""Moderation verbs on a whole thread: pin, lock, highlight, hide; an author's withdrawal.

Each verb is one transaction through forum.moderation.changes.act: a conditional UPDATE
changes the row only when it is not already in the wanted state, so repeating a verb (a
double click, two moderators at once) changes it once; only a change writes its moderation
log entry. Hiding, restoring and withdrawing go through forum.threads.lifecycle. Each
verb returns whether anything changed. Who may call which verb is decided by
forum.permissions, in the view.
"""

from __future__ import annotations

import sqlalchemy as sa

from forum.accounts.models import User
from forum.moderation.changes import act
from forum.reasons import clean_reason
from forum.threads.events import ChangeKind
from forum.threads.models import Thread, ThreadStatus


def pin_thread(actor: User, thread: Thread) -> bool:
    """Keep the thread at the top of its board."""
    return act(
        actor, thread, "pin_thread", when=Thread.is_pinned.is_(False), values={"is_pinned": True}
    )


def unpin_thread(actor: User, thread: Thread) -> bool:
    return act(
        actor,
        thread,
        "unpin_thread",
        when=Thread.is_pinned.is_(True),
        values={"is_pinned": False},
    )


def highlight_thread(actor: User, thread: Thread) -> bool:
    """Mark the thread as one readers should not miss."""
    return act(
        actor,
        thread,
        "highlight_thread",
        when=Thread.is_highlighted.is_(False),
        values={"is_highlighted": True},
    )


def unhighlight_thread(actor: User, thread: Thread) -> bool:
    return act(
        actor,
        thread,
        "unhighlight_thread",
        when=Thread.is_highlighted.is_(True),
        values={"is_highlighted": False},
    )


def lock_thread(actor: User, thread: Thread, reason: str = "") -> bool:
    """Close the thread to replies; the optional reason is shown to readers."""
    reason = clean_reason(reason)
    return act(
        actor,
        thread,
        "lock_thread",
        when=Thread.is_locked.is_(False),
        values={"is_locked": True, "lock_reason": reason},
        reason=reason,
    )


def unlock_thread(actor: User, thread: Thread) -> bool:
    return act(
        actor,
        thread,
        "unlock_thread",
        when=Thread.is_locked.is_(True),
        values={"is_locked": False, "lock_reason": ""},
    )


def hide_thread(actor: User, thread: Thread, reason: str) -> bool:
    """Hide a visible thread from readers (its author still sees it, and why)."""
    reason = clean_reason(reason, required=True)
    return act(
        actor,
        thread,
        "hide_thread",
        when=Thread.status == ThreadStatus.VISIBLE,
        values={"status": ThreadStatus.HIDDEN, "status_reason": reason},
        reason=reason,
        kind=ChangeKind.THREAD_HIDDEN,
    )


def restore_thread(actor: User, thread: Thread) -> bool:
    """Show a thread a moderator hid to readers again (a withdrawn one stays withdrawn)."""
    return act(
        actor,
        thread,
        "restore_thread",
        when=Thread.status == ThreadStatus.HIDDEN,
        values={"status": ThreadStatus.VISIBLE, "status_reason": ""},
        kind=ChangeKind.THREAD_RESTORED,
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
    return act(
        author,
        thread,
        "withdraw_thread",
        when=nobody_replied,
        values={"status": ThreadStatus.WITHDRAWN},
        kind=ChangeKind.THREAD_WITHDRAWN,
    )
