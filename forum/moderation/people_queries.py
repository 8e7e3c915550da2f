"""Reads for the people pages: the searchable list of accounts and one person's roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from forum.accounts.models import Role, User
from forum.boards.models import Board, BoardRole
from forum.db import db


def _people_filter(search: str, role: str) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if search:
        conditions.append(User.username_key.contains(search.lower(), autoescape=True))
    if role in Role._value2member_map_:
        conditions.append(User.role == Role(role))
    return conditions


def people_count(*, search: str = "", role: str = "") -> int:
    """Count the accounts whose username contains `search` (and that have `role`, if given)."""
    statement = sa.select(sa.func.count()).select_from(User).where(*_people_filter(search, role))
    return db.session.scalar(statement) or 0


def people_page(*, search: str = "", role: str = "", page: int, per_page: int) -> Sequence[User]:
    """Return one page of those accounts, by username."""
    statement = (
        sa.select(User)
        .where(*_people_filter(search, role))
        .order_by(User.username_key)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return db.session.scalars(statement).all()


def board_roles(user_id: int) -> Sequence[Any]:
    """Return the person's board roles as (board, role) rows, in series order."""
    statement = (
        sa.select(Board, BoardRole.role)
        .join(BoardRole, BoardRole.board_id == Board.id)
        .where(BoardRole.user_id == user_id)
        .order_by(Board.number.is_(None), Board.number, Board.id, BoardRole.role)
    )
    return db.session.execute(statement).all()
