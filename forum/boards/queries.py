"""Reads for the board list and a board's page.

Statements are built once and reused with bound parameters: building a statement with
aliases and eager-load options costs more than running it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import aliased, contains_eager

from forum.boards.models import Board
from forum.db import db
from forum.threads.models import Post, Thread


@cache
def _aliases() -> tuple[Any, Any]:
    # Made on first use, once every model is mapped (aliasing configures the mappers).
    return aliased(Post, name="last_post"), aliased(Thread, name="last_thread")


@cache
def _all_boards() -> sa.Select[Board]:
    _last_post, _last_thread = _aliases()
    return (
        sa.select(Board)
        .outerjoin(_last_post, Board.last_post_id == _last_post.id)
        .outerjoin(_last_thread, _last_post.thread_id == _last_thread.id)
        .options(
            contains_eager(Board.last_post.of_type(_last_post)).contains_eager(
                _last_post.thread.of_type(_last_thread)
            )
        )
        .order_by(Board.number.is_(None), Board.number, Board.id)
    )


@cache
def _board_by_slug() -> sa.Select[Board]:
    return sa.select(Board).where(Board.slug == sa.bindparam("slug"))


@cache
def _board_threads() -> sa.Select[Thread]:
    _last_post, _ = _aliases()
    return (
        sa.select(Thread)
        .outerjoin(_last_post, Thread.last_post_id == _last_post.id)
        .options(contains_eager(Thread.last_post.of_type(_last_post)))
        .where(Thread.board_id == sa.bindparam("board_id"))
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
    )


def all_boards() -> list[Board]:
    """Return every board in series order, each with its last post and that post's thread."""
    return list(db.session.scalars(_all_boards()))


def board_by_slug_or_404(slug: str) -> Board:
    board = db.session.scalar(_board_by_slug(), {"slug": slug})
    if board is None:
        abort(404)
    return board


def board_threads(board: Board, *, page: int, per_page: int) -> list[Thread]:
    """Return one page of the board's threads: pinned first, then by last activity."""
    params = {"board_id": board.id, "limit": per_page, "offset": (page - 1) * per_page}
    return list(db.session.scalars(_board_threads(), params))


def board_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Board)) or 0
