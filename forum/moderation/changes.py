"""The one way a moderation verb changes a post or a thread: conditionally, logged once.

A conditional UPDATE changes the row only when `when` holds, so repeating a verb (a double
click, two moderators at once) changes it once and only a change writes its log entry.
A change of what readers see (`kind` given) goes through forum.threads.lifecycle, which
recounts and queues its event. Nothing here commits: the verb does, once, through
lifecycle.commit().
"""

from __future__ import annotations

from typing import Any

from forum import audit
from forum.db import db
from forum.threads import lifecycle
from forum.threads.events import ChangeKind
from forum.threads.models import Post, Thread


def apply_change(
    actor: Any,
    target: Post | Thread,
    action: str,
    *,
    when: Any,
    values: dict[str, Any],
    reason: str = "",
    kind: ChangeKind | None = None,
) -> bool:
    """Set `values` on the post or thread if `when` holds; log the change. No commit."""
    if isinstance(target, Post):
        if kind is not None:
            changed = lifecycle.change_post(target, kind, actor=actor, when=when, values=values)
        else:
            changed = lifecycle.set_if(Post, target.id, when, values)
        board_id = db.session.get_one(Thread, target.thread_id).board_id
        details: dict[str, Any] | None = {
            "thread_id": target.thread_id,
            "position": target.position,
        }
    else:
        if kind is not None:
            changed = lifecycle.change_thread(target, kind, actor=actor, when=when, values=values)
        else:
            changed = lifecycle.set_if(Thread, target.id, when, values)
        board_id, details = target.board_id, None
    if changed:
        audit.record(
            actor,
            action,
            target_type="post" if isinstance(target, Post) else "thread",
            target_id=target.id,
            board_id=board_id,
            reason=reason,
            details=details,
        )
    return changed


def act(actor: Any, target: Post | Thread, action: str, **change: Any) -> bool:
    """Apply one verb (apply_change) as its own transaction: commit, changed or not, so
    the caller's loaded objects read what the database now holds."""
    changed = apply_change(actor, target, action, **change)
    lifecycle.commit()
    return changed
