"""Reads for the board list and a board's page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import aliased, contains_eager

from forum.boards.models import Board
from forum.db import db
from forum.threads.models import Post, Thread


def all_boards() -> list[Board]:
    """Return every board in series order, each with its last post and that post's thread."""
    last = aliased(Post)
    last_thread = aliased(Thread)
    stmt = (
        sa.select(Board)
        .outerjoin(last, Board.last_post_id == last.id)
        .outerjoin(last_thread, last.thread_id == last_thread.id)
        .options(
            contains_eager(Board.last_post.of_type(last)).contains_eager(
                last.thread.of_type(last_thread)
            )
        )
        .order_by(Board.number.is_(None), Board.number, Board.id)
    )
    return list(db.session.scalars(stmt))


def board_by_slug_or_404(slug: str) -> Board:
    board = db.session.scalar(sa.select(Board).where(Board.slug == slug))
    if board is None:
        abort(404)
    return board


def board_threads(board: Board, *, page: int, per_page: int) -> list[Thread]:
    """Return one page of the board's threads: pinned first, then by last activity."""
    last = aliased(Post)
    stmt = (
        sa.select(Thread)
        .outerjoin(last, Thread.last_post_id == last.id)
        .options(contains_eager(Thread.last_post.of_type(last)))
        .where(Thread.board_id == board.id)
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(db.session.scalars(stmt))


def board_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Board)) or 0
