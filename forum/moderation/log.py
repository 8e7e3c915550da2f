"""The moderation log's only writer. Entries are added, never changed or removed."""

from __future__ import annotations

from typing import Any

from forum.db import db
from forum.moderation.models import LogEntry


def record(
    actor: Any,
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
        actor_name=getattr(actor, "username", None) or "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        board_id=board_id,
        reason=reason.strip()[:500],
        details=details or {},
    )
    db.session.add(entry)
    return entry
