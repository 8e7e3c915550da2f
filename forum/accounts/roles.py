"""Which boards a person hosts or moderates: one loader, for any account.

The session loader fills the logged-in user's roles in the statement it already makes;
any other account (a notification's recipient, an email reply's sender, someone whose
permissions a moderator checks) loads them here, lazily, through User.board_roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from forum.boards.models import BoardRole
from forum.db import db


def board_roles_of(user_id: int) -> dict[int, frozenset[str]]:
    """Return {board_id: {"host", "moderator"}} for the boards this account has a role on."""
    rows = db.session.execute(
        sa.select(BoardRole.board_id, BoardRole.role).where(BoardRole.user_id == user_id)
    )
    return group_roles((board_id, role) for board_id, role in rows)


def group_roles(rows: Iterable[tuple[int, Any]]) -> dict[int, frozenset[str]]:
    """Return {board_id: roles} from (board_id, role) pairs."""
    roles: dict[int, set[str]] = {}
    for board_id, role in rows:
        roles.setdefault(board_id, set()).add(str(role))
    return {board_id: frozenset(kinds) for board_id, kinds in roles.items()}
