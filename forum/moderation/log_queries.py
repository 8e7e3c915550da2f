"""Reads for the moderation log page: filtered, newest first, one statement per page.

Each entry comes with what is needed to name and link what it acted on (the thread's
title, the person's username, the board's slug), joined in the same statement.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from forum.accounts.models import User
from forum.audit import LogEntry
from forum.boards.models import Board
from forum.db import db
from forum.moderation.models import Report
from forum.threads.models import Post, Thread

SYSTEM = "system"


@dataclass(frozen=True)
class LogFilters:
    """What the log is narrowed to; empty strings mean "any"."""

    action: str = ""
    actor: str = ""
    board: str = ""  # a board's slug
    target_type: str = ""
    target_id: int | None = None
    # The boards whose entries the reader may read; None for every entry.
    boards_in_scope: Collection[int] | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        found: list[sa.ColumnElement[bool]] = []
        if self.action:
            found.append(LogEntry.action == self.action)
        if self.actor.lower() == SYSTEM:
            found.append(sa.and_(LogEntry.actor_id.is_(None), LogEntry.actor_name == SYSTEM))
        elif self.actor:
            actor_id = sa.select(User.id).where(User.username_key == self.actor.strip().lower())
            found.append(LogEntry.actor_id == actor_id.scalar_subquery())
        if self.board:
            board_id = sa.select(Board.id).where(Board.slug == self.board)
            found.append(LogEntry.board_id == board_id.scalar_subquery())
        if self.target_type:
            found.append(LogEntry.target_type == self.target_type)
            found.append(LogEntry.target_id == self.target_id)
        if self.boards_in_scope is not None:
            found.append(LogEntry.board_id.in_(list(self.boards_in_scope)))
        return found


@cache
def _entries() -> sa.Select[Any]:
    thread = aliased(Thread, name="target_thread")
    post = aliased(Post, name="target_post")
    post_thread = aliased(Thread, name="post_thread")
    person = aliased(User, name="target_user")
    target_board = aliased(Board, name="target_board")
    board = aliased(Board, name="entry_board")
    report = aliased(Report, name="target_report")

    def on(kind: str, column: Any) -> sa.ColumnElement[bool]:
        return sa.and_(LogEntry.target_type == kind, column == LogEntry.target_id)

    return (
        sa.select(
            LogEntry.id,
            LogEntry.created_at,
            LogEntry.actor_name,
            LogEntry.action,
            LogEntry.target_type,
            LogEntry.target_id,
            LogEntry.reason,
            LogEntry.details,
            board.slug.label("board_slug"),
            board.number.label("board_number"),
            board.title.label("board_title"),
            sa.func.coalesce(thread.title, post_thread.title).label("thread_title"),
            person.username.label("target_username"),
            target_board.slug.label("target_board_slug"),
            report.post_id.label("report_post_id"),
        )
        .outerjoin(board, board.id == LogEntry.board_id)
        .outerjoin(thread, on("thread", thread.id))
        .outerjoin(post, on("post", post.id))
        .outerjoin(post_thread, post_thread.id == post.thread_id)
        .outerjoin(person, on("user", person.id))
        .outerjoin(target_board, on("board", target_board.id))
        .outerjoin(report, on("report", report.id))
        .order_by(LogEntry.created_at.desc(), LogEntry.id.desc())
    )


def log_count(filters: LogFilters) -> int:
    """Count the entries that pass `filters`."""
    statement = sa.select(sa.func.count()).select_from(LogEntry).where(*filters.conditions())
    return db.session.scalar(statement) or 0


def log_page(filters: LogFilters, *, page: int, per_page: int) -> Sequence[sa.Row[Any]]:
    """Return one page of entries, newest first, with their targets' names."""
    statement = (
        _entries().where(*filters.conditions()).limit(per_page).offset((page - 1) * per_page)
    )
    return db.session.execute(statement).all()


def log_actions() -> list[str]:
    """Return every action the log holds, for the filter's choices."""
    statement = sa.select(LogEntry.action).distinct().order_by(LogEntry.action)
    return list(db.session.scalars(statement))
