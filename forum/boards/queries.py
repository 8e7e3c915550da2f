"""Reads for the board list and a board's page.

A board's counts are computed when read, from the threads readers can see at that moment
(a scheduled question appears, and counts, at its time without anything being written).
Statements that do not depend on the reader are built once and reused with bound
parameters: building a statement with aliases and eager-load options costs more than
running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import aliased, contains_eager

from forum.boards.models import Board
from forum.db import UTCDateTime, db
from forum.threads.models import Post, PostStatus, Thread, ThreadKind
from forum.threads.queries import (
    public_threads,
    visibility_level,
    visibility_params,
    visible_to,
)

if TYPE_CHECKING:
    from forum.permissions import Actor


@dataclass(frozen=True)
class BoardStats:
    """What the board list says of a board's discussion, as every reader sees it."""

    thread_count: int = 0
    post_count: int = 0
    last_post_at: datetime | None = None
    last_thread_title: str = ""
    last_post_id: int | None = None
    last_poster: str = ""


NO_DISCUSSION = BoardStats()


@cache
def _all_boards() -> sa.Select[Board]:
    return sa.select(Board).order_by(Board.number.is_(None), Board.number, Board.id)


def all_boards() -> list[Board]:
    """Return every board in series order."""
    return list(db.session.scalars(_all_boards()))


@cache
def _board_stats() -> sa.Select:
    public = public_threads(sa.bindparam("now", type_=UTCDateTime))
    totals = (
        sa.select(
            Thread.board_id,
            sa.func.count().label("threads"),
            sa.func.sum(Thread.post_count).label("posts"),
            sa.func.max(Thread.last_post_at).label("latest"),
        )
        .where(public)
        .group_by(Thread.board_id)
        .subquery()
    )
    # The latest public thread of each board: the one whose last post is the board's latest.
    return (
        sa.select(totals, Thread.id, Thread.title, Thread.slug, Thread.last_post_id)
        .add_columns(Post.author_name)
        .join(
            Thread,
            sa.and_(
                Thread.board_id == totals.c.board_id,
                Thread.last_post_at == totals.c.latest,
                public,
            ),
        )
        .outerjoin(Post, Post.id == Thread.last_post_id)
        .order_by(Thread.id)
    )


def board_stats(now: datetime) -> dict[int, BoardStats]:
    """Return each board's public thread and post counts and its latest thread."""
    rows = db.session.execute(_board_stats(), {"now": now})
    # Two threads last posted in at the same moment: the later thread (last row) wins.
    return {
        row.board_id: BoardStats(
            thread_count=row.threads,
            post_count=int(row.posts or 0),
            last_post_at=row.latest,
            last_thread_title=row.title,
            last_post_id=row.last_post_id,
            last_poster=row.author_name or "",
        )
        for row in rows
    }


@cache
def _board_by_slug() -> sa.Select[Board]:
    return sa.select(Board).where(Board.slug == sa.bindparam("slug"))


def board_by_slug_or_404(slug: str) -> Board:
    board = db.session.scalar(_board_by_slug(), {"slug": slug})
    if board is None:
        abort(404)
    return board


@cache
def _listing(level: str, kind: ThreadKind, ordered: bool) -> sa.Select[Thread]:
    """Build, once per reader level and kind, the statement for a board's thread list."""
    stmt = sa.select(Thread).where(
        Thread.board_id == sa.bindparam("board_id"),
        Thread.kind == kind,
        visible_to(level),
    )
    if not ordered:
        return stmt.with_only_columns(sa.func.count())
    last_post = _last_post_alias()
    stmt = stmt.outerjoin(last_post, Thread.last_post_id == last_post.id).options(
        contains_eager(Thread.last_post.of_type(last_post))
    )
    if kind == ThreadKind.QUESTION:
        order: tuple[Any, ...] = (
            Thread.is_pinned.desc(),
            sa.func.coalesce(Thread.publish_at, Thread.created_at),
        )
    else:
        order = (Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    return (
        stmt.order_by(*order)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
    )


@cache
def _last_post_alias() -> Any:
    # Made on first use, once every model is mapped (aliasing configures the mappers).
    return aliased(Post, name="last_post")


def _params(board: Board, viewer: Actor, now: datetime, **extra: Any) -> dict[str, Any]:
    return {"board_id": board.id, **visibility_params(viewer, now), **extra}


def board_threads(
    board: Board, viewer: Actor, now: datetime, *, page: int, per_page: int
) -> Sequence[Thread]:
    """Return one page of the board's discussions `viewer` may see: pinned first, then by
    last activity, each with its last post."""
    stmt = _listing(visibility_level(viewer, board.id), ThreadKind.DISCUSSION, True)
    params = _params(board, viewer, now, limit=per_page, offset=(page - 1) * per_page)
    return db.session.scalars(stmt, params).all()


def board_thread_count(board: Board, viewer: Actor, now: datetime) -> int:
    """Count the board's discussions `viewer` may see (for its pages)."""
    stmt = _listing(visibility_level(viewer, board.id), ThreadKind.DISCUSSION, False)
    return db.session.scalar(stmt, _params(board, viewer, now)) or 0


def board_questions(board: Board, viewer: Actor, now: datetime) -> Sequence[Thread]:
    """Return the hosts' discussion questions `viewer` may see, in the order they appear."""
    stmt = _listing(visibility_level(viewer, board.id), ThreadKind.QUESTION, True)
    return db.session.scalars(stmt, _params(board, viewer, now, limit=50, offset=0)).all()


@cache
def _key_insights() -> sa.Select:
    return (
        sa.select(
            Post.id,
            Post.html,
            Post.author_name,
            Post.created_at,
            Thread.id.label("thread_id"),
            Thread.slug.label("thread_slug"),
            Thread.title.label("thread_title"),
        )
        .join(Thread, Post.thread_id == Thread.id)
        .where(
            Thread.board_id == sa.bindparam("board_id"),
            public_threads(sa.bindparam("now", type_=UTCDateTime)),
            Post.is_key_insight == sa.true(),  # as the partial index says it
            Post.status == PostStatus.PUBLISHED,
        )
        .order_by(Post.created_at, Post.id)
        .limit(50)
    )


def board_key_insights(board: Board, now: datetime) -> Sequence[sa.Row[Any]]:
    """Return the key insights of the board's public threads, oldest first: each post's id,
    html, author_name and created_at, and its thread's id, slug and title (thread_*)."""
    return db.session.execute(_key_insights(), {"board_id": board.id, "now": now}).all()


def board_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Board)) or 0


def next_webinar_number() -> int:
    """Return the number after the highest in the series (what a new board most likely is)."""
    return (db.session.scalar(sa.select(sa.func.max(Board.number))) or 0) + 1
