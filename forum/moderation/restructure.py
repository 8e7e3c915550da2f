"""Restructuring threads: move one to another board, merge one into another, split posts out.

Each verb is one transaction with one moderation log entry and one event
(forum.threads.lifecycle). Posts keep their rows (and so
their revisions, reports and key-insight marks); only their thread and position change.
Positions stay unique per thread at every step, so renumbering goes through negative
numbers first (PostgreSQL and SQLite check the unique index row by row).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, cast

import sqlalchemy as sa

from forum import audit
from forum.accounts.models import User
from forum.boards.models import Board
from forum.db import db
from forum.errors import ServiceError
from forum.reasons import clean_reason
from forum.slugs import slugify
from forum.threads import lifecycle
from forum.threads.events import ChangeKind
from forum.threads.lifecycle import refresh_author_counters, refresh_thread_counters
from forum.threads.models import Post, Thread, ThreadKind, ThreadStatus

EXCERPT_CHARS = 280


# --- reads -------------------------------------------------------------------------------


def posts_to_choose(thread_id: int) -> Sequence[sa.Row[Any]]:
    """Return every post of the thread in order, with an excerpt, for the split form.

    Rows: id, position, author_name, created_at, status, is_key_insight, excerpt.
    """
    return db.session.execute(
        sa.select(
            Post.id,
            Post.position,
            Post.author_name,
            Post.created_at,
            Post.status,
            Post.is_key_insight,
            sa.func.substr(Post.source, 1, EXCERPT_CHARS).label("excerpt"),
        )
        .where(Post.thread_id == thread_id)
        .order_by(Post.position)
    ).all()


# --- verbs -------------------------------------------------------------------------------


def move_thread(actor: User, thread: Thread, board: Board, reason: str = "") -> bool:
    """Move the thread, with all its posts, to `board`. Return whether it moved."""
    _refuse_merged(thread.merged_into_id)
    reason = clean_reason(reason)
    from_board_id = thread.board_id
    result = db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id, Thread.board_id != board.id)
        .values(board_id=board.id)
        .execution_options(synchronize_session=False)
    )
    if cast(sa.CursorResult[Any], result).rowcount == 0:
        return False
    audit.record(
        actor,
        "move_thread",
        target_type="thread",
        target_id=thread.id,
        board_id=board.id,
        reason=reason,
        details={"from_board_id": from_board_id, "to_board_id": board.id},
    )
    lifecycle.emit(
        ChangeKind.THREAD_MOVED,
        thread=thread.id,
        board_id=board.id,
        actor_id=actor.id,
        from_board_id=from_board_id,
    )
    lifecycle.commit()
    return True


def merge_threads(actor: User, source: Thread, target: Thread, reason: str = "") -> bool:
    """Move every post of `source` into `target`, in order of time; `source` then leads
    to `target` and is seen by nobody. Return whether anything changed."""
    if source.id == target.id:
        raise ServiceError("A thread cannot be merged into itself.", "target")
    reason = clean_reason(reason)
    merged_into = _lock(source.id, target.id)
    if merged_into[source.id] == target.id:
        return False
    _refuse_merged(merged_into[source.id])
    if merged_into[target.id] is not None:
        raise ServiceError(
            f"That thread was merged into thread {merged_into[target.id]}: "
            "merge into that one instead.",
            "target",
        )
    moved = _move_all_posts(source.id, target.id)
    _retire_into(source.id, target.id)
    for thread_id in (source.id, target.id):
        refresh_thread_counters(thread_id)
    _sync_opening(target.id)
    refresh_author_counters(_author_ids(moved))
    audit.record(
        actor,
        "merge_thread",
        target_type="thread",
        target_id=source.id,
        board_id=source.board_id,
        reason=reason,
        details={
            "source_thread_id": source.id,
            "target_thread_id": target.id,
            "source_board_id": source.board_id,
            "target_board_id": target.board_id,
            "post_ids": moved,
        },
    )
    lifecycle.emit(
        ChangeKind.THREADS_MERGED,
        thread=source.id,
        board_id=source.board_id,
        actor_id=actor.id,
        related_thread_id=target.id,
    )
    lifecycle.commit()
    return True


def _move_all_posts(source_id: int, target_id: int) -> list[int]:
    """Move the source's posts to the end of the target, renumbered by time; return their ids."""
    moved = _post_ids(Post.thread_id == source_id)
    offset = _max_position(target_id)
    # Beyond the target's last position, so no moved post lands on an existing one.
    db.session.execute(
        sa.update(Post)
        .where(Post.thread_id == source_id)
        .values(thread_id=target_id, position=Post.position + offset)
        .execution_options(synchronize_session=False)
    )
    _renumber(target_id)
    return moved


def _retire_into(source_id: int, target_id: int) -> None:
    """Make a merged thread lead to its target (and those merged into it, too)."""
    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == source_id)
        .values(
            merged_into_id=target_id,
            status=ThreadStatus.WITHDRAWN,
            status_reason=f"Merged into thread {target_id}.",
            is_pinned=False,
        )
    )
    # Threads merged into the source earlier lead straight to the target now.
    db.session.execute(
        sa.update(Thread).where(Thread.merged_into_id == source_id).values(merged_into_id=target_id)
    )


def split_thread(
    actor: User,
    thread: Thread,
    post_ids: Collection[int],
    *,
    title: str,
    board: Board | None = None,
    reason: str = "",
) -> Thread:
    """Move the chosen posts of `thread` into a new thread titled `title` (on `board`,
    by default the same); the earliest of them opens it. Return the new thread."""
    if not post_ids:
        raise ServiceError("Choose at least one post to split out.", "posts")
    reason = clean_reason(reason)
    _refuse_merged(_lock(thread.id)[thread.id])
    chosen = _chosen_posts(thread.id, set(post_ids))
    new = _open_thread_for(chosen, title.strip(), board.id if board else thread.board_id)
    # Positions are unique within the old thread, so they are within the new one too.
    db.session.execute(
        sa.update(Post)
        .where(Post.id.in_(chosen))
        .values(thread_id=new.id)
        .execution_options(synchronize_session=False)
    )
    for thread_id in (thread.id, new.id):
        _renumber(thread_id)
        refresh_thread_counters(thread_id)
        _sync_opening(thread_id)
    refresh_author_counters(_author_ids(chosen))
    audit.record(
        actor,
        "split_thread",
        target_type="thread",
        target_id=thread.id,
        board_id=thread.board_id,
        reason=reason,
        details={
            "source_thread_id": thread.id,
            "new_thread_id": new.id,
            "new_board_id": new.board_id,
            "post_ids": chosen,
        },
    )
    lifecycle.emit(
        ChangeKind.THREAD_SPLIT,
        thread=thread.id,
        board_id=thread.board_id,
        actor_id=actor.id,
        related_thread_id=new.id,
    )
    lifecycle.commit()
    return new


def _chosen_posts(thread_id: int, post_ids: set[int]) -> list[int]:
    """Return the chosen post ids, refusing posts elsewhere and a choice of every post."""
    chosen = _post_ids(Post.thread_id == thread_id, Post.id.in_(post_ids))
    if len(chosen) != len(post_ids):
        raise ServiceError("Some of the chosen posts are not in this thread any more.", "posts")
    if len(chosen) == len(_post_ids(Post.thread_id == thread_id)):
        raise ServiceError(
            "Leave at least one post in this thread. To take the whole thread elsewhere, "
            "move it instead.",
            "posts",
        )
    return chosen


def _open_thread_for(chosen: list[int], title: str, board_id: int) -> Thread:
    """Add the thread that the earliest chosen post opens (its author, its time)."""
    opening = db.session.execute(
        sa.select(Post.author_id, Post.author_name, Post.created_at)
        .where(Post.id.in_(chosen))
        .order_by(Post.created_at, Post.id)
        .limit(1)
    ).one()
    new = Thread(
        board_id=board_id,
        title=title,
        slug=slugify(title),
        author_id=opening.author_id,
        author_name=opening.author_name,
        created_at=opening.created_at,
        last_post_at=opening.created_at,
        kind=ThreadKind.DISCUSSION,
    )
    db.session.add(new)
    db.session.flush()
    return new


# --- helpers -----------------------------------------------------------------------------


def _refuse_merged(merged_into_id: int | None) -> None:
    if merged_into_id is not None:
        raise ServiceError(f"This thread was merged into thread {merged_into_id}: act on that one.")


def _lock(*thread_ids: int) -> dict[int, int | None]:
    """Hold the threads' rows until commit (replies, which number posts, wait meanwhile);
    return what each was merged into, as it stands now."""
    rows = db.session.execute(
        sa.select(Thread.id, Thread.merged_into_id)
        .where(Thread.id.in_(thread_ids))
        .order_by(Thread.id)
        .with_for_update()
    )
    return {row.id: row.merged_into_id for row in rows}


def _post_ids(*where: sa.ColumnElement[bool]) -> list[int]:
    return list(db.session.scalars(sa.select(Post.id).where(*where).order_by(Post.id)))


def _author_ids(post_ids: Collection[int]) -> list[int | None]:
    if not post_ids:
        return []
    return list(db.session.scalars(sa.select(Post.author_id).where(Post.id.in_(post_ids))))


def _max_position(thread_id: int) -> int:
    top = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Post.position), 0)).where(
            Post.thread_id == thread_id
        )
    )
    return int(top or 0)


def _renumber(thread_id: int) -> None:
    """Number the thread's posts 1..N by time (created_at, then id)."""
    db.session.execute(
        sa.update(Post)
        .where(Post.thread_id == thread_id)
        .values(position=-Post.position)
        .execution_options(synchronize_session=False)
    )
    ranked = (
        sa.select(
            Post.id,
            sa.func.row_number().over(order_by=(Post.created_at, Post.id)).label("rank"),
        )
        .where(Post.thread_id == thread_id)
        .subquery()
    )
    db.session.execute(
        sa.update(Post)
        .where(Post.id == ranked.c.id)
        .values(position=ranked.c.rank)
        .execution_options(synchronize_session=False)
    )


def _sync_opening(thread_id: int) -> None:
    """Make the author (and start time) of the thread those of its first post."""

    def of_first(column: Any) -> Any:
        return (
            sa.select(column)
            .where(Post.thread_id == thread_id, Post.position == 1)
            .scalar_subquery()
        )

    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread_id)
        .values(
            author_id=of_first(Post.author_id),
            author_name=of_first(Post.author_name),
            created_at=of_first(Post.created_at),
        )
    )
