"""Close a board to new threads and replies (it becomes read-only), or reopen it.

Like locking a thread, at the scale of a board: each verb is one transaction, a conditional
UPDATE changes the row only when it is not already in the wanted state (a double click or
two moderators at once change it once), and only a change writes its log entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa

from forum import audit
from forum.boards.models import Board
from forum.db import db, utcnow
from forum.reasons import clean_reason

if TYPE_CHECKING:
    from forum.accounts.models import User


def _change(
    actor: User | None,
    board: Board,
    action: str,
    *,
    unless: sa.ColumnElement[bool],
    values: dict[str, Any],
    reason: str = "",
) -> bool:
    result = db.session.execute(
        sa.update(Board)
        .where(Board.id == board.id, sa.not_(unless))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    changed = cast(sa.CursorResult[Any], result).rowcount > 0
    if changed:
        audit.record(
            actor, action, target_type="board", target_id=board.id, board_id=board.id, reason=reason
        )
    # Expires the loaded board too, so callers read what the database now holds.
    db.session.commit()
    return changed


def close_board(actor: User | None, board: Board, reason: str = "") -> bool:
    """Stop new threads, replies and questions on the board; return whether it changed."""
    reason = clean_reason(reason)
    return _change(
        actor,
        board,
        "close_board",
        unless=Board.closed_at.is_not(None),
        values={"closed_at": utcnow(), "closed_by_id": getattr(actor, "id", None)},
        reason=reason,
    )


def reopen_board(actor: User | None, board: Board, reason: str = "") -> bool:
    """Open the board to new threads and replies again; return whether it changed."""
    reason = clean_reason(reason)
    return _change(
        actor,
        board,
        "reopen_board",
        unless=Board.closed_at.is_(None),
        values={"closed_at": None, "closed_by_id": None},
        reason=reason,
    )
