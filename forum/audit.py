"""The moderation log: its table, its only writer, and how its actions read.

It sits low in the house (it imports only forum.db and forum.reasons), so every package that
acts (boards, threads, accounts, moderation) records its actions here without importing a
feature above it. Entries are added, never changed or removed. The log page's reads, which
join every package's tables to name an entry's target, are forum.moderation.log_queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, UTCDateTime, db, utcnow
from forum.reasons import REASON_MAX, clean_reason

if TYPE_CHECKING:
    from forum.accounts.models import User

SYSTEM = "system"  # the actor's name for a command run on the server

# How each action reads on the log page and in its filter. An action missing here still
# reads, from its name ("lock_thread" -> "Lock thread").
ACTION_LABELS: dict[str, str] = {
    # threads
    "pin_thread": "Pin thread",
    "unpin_thread": "Unpin thread",
    "highlight_thread": "Highlight thread",
    "unhighlight_thread": "Remove the highlight",
    "lock_thread": "Lock thread",
    "unlock_thread": "Unlock thread",
    "hide_thread": "Hide thread",
    "restore_thread": "Restore thread",
    "withdraw_thread": "Withdraw thread (by its author)",
    "move_thread": "Move thread",
    "merge_thread": "Merge thread",
    "split_thread": "Split thread",
    "reschedule_question": "Reschedule the question",
    "publish_question": "Publish the question now",
    # posts
    "hide_post": "Hide post",
    "restore_post": "Restore post",
    "delete_post": "Delete post (by its author)",
    "mark_insight": "Mark as key insight",
    "unmark_insight": "Unmark key insight",
    "approve_post": "Approve post",
    "reject_post": "Reject post",
    # reports
    "resolve_reports_hidden": "Resolve reports: post hidden",
    "resolve_reports_edited": "Resolve reports: post edited",
    "dismiss_reports": "Dismiss reports",
    # people
    "approve_account": "Approve account",
    "change_role": "Change site role",
    "grant_board_role": "Grant board role",
    "revoke_board_role": "Withdraw board role",
    "suspend": "Suspend",
    "lift_suspension": "Lift suspension",
    "ban": "Ban",
    "unban": "Lift ban",
    "edit_profile": "Edit profile",
    # boards: said in full ("Close board" would not say: closed to what?)
    "create_board": "Created the board",
    "edit_board": "Edited the board's details",
    "announce_title": "Announced the title",
    "change_title": "Changed the title",
    "close_board": "Closed the board to new threads",
    "reopen_board": "Reopened the board to new threads",
}


def action_label(action: str) -> str:
    """Return how an action reads for people (Jinja filter `action_label`)."""
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


class LogEntry(Model):
    """One moderation action, role change, approval or sanction. Never edited, never deleted."""

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Kept so the log still reads right after the account is deleted ("system" for commands).
    actor_name: Mapped[str] = mapped_column(sa.String(60))
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    # What it acted on: "thread", "post", "user", "board" or "report", and that row's id.
    target_type: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[int | None]
    board_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def record(
    actor: User | None,
    action: str,
    *,
    target_type: str,
    target_id: int | None,
    board_id: int | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> LogEntry:
    """Add one entry to the session; the calling service commits it with its change.

    `actor` is the account that acted, or None for a command run on the server.
    """
    entry = LogEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or SYSTEM,
        action=action,
        target_type=target_type,
        target_id=target_id,
        board_id=board_id,
        reason=clean_reason(reason),
        details=details or {},
    )
    db.session.add(entry)
    return entry
