"""Thread use cases: start a thread, reply, edit a post, re-render stored HTML.

Each is one transaction; counters move in SQL inside it, never read-modify-write in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from forum import markup
from forum.accounts.models import User
from forum.boards.models import Board
from forum.db import db, utcnow
from forum.slugs import slugify
from forum.threads.models import Post, PostRevision, Thread

T = TypeVar("T")


def _latest(table: Any, post_id: int, now: Any) -> dict[str, Any]:
    """Return SET values that make `post_id` the table row's last post, unless a later one is.

    Concurrent replies may commit out of order; the highest post id is the latest post.
    Both CASEs read the row as it was, so they agree with each other.
    """
    is_newer = sa.or_(table.last_post_id.is_(None), table.last_post_id < post_id)
    return {
        "last_post_id": sa.case((is_newer, post_id), else_=table.last_post_id),
        "last_post_at": sa.case((is_newer, now), else_=table.last_post_at),
    }


def _add_post(thread_id: int, author: User, source: str, submission_key: str | None = None) -> Post:
    """Insert a post at the end of the thread and move every counter it touches."""
    # Taking the next position locks the thread row, so replies to one thread queue here.
    taken = db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread_id)
        .values(post_count=Thread.post_count + 1)
        .returning(Thread.post_count, Thread.board_id)
    ).one()
    now = utcnow()
    post = Post(
        thread_id=thread_id,
        position=taken.post_count,
        author_id=author.id,
        author_name=author.username,
        source=source,
        html=markup.render(source),
        created_at=now,
        submission_key=submission_key,
    )
    db.session.add(post)
    db.session.flush()
    db.session.execute(
        sa.update(Thread).where(Thread.id == thread_id).values(**_latest(Thread, post.id, now))
    )
    db.session.execute(
        sa.update(Board)
        .where(Board.id == taken.board_id)
        .values(post_count=Board.post_count + 1, **_latest(Board, post.id, now))
    )
    db.session.execute(
        sa.update(User).where(User.id == author.id).values(post_count=User.post_count + 1)
    )
    return post


def _once(author: User, submission_key: str | None, write: Callable[[], T]) -> T | Post:
    """Run `write` and commit; if this form submission was stored before, return that post.

    The unique (author, submission key) index decides, not a look-up before the insert,
    so two copies of one POST racing each other still make a single post.
    """
    try:
        result = write()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if submission_key is None:
            raise
        earlier = db.session.scalar(
            sa.select(Post).where(
                Post.author_id == author.id, Post.submission_key == submission_key
            )
        )
        if earlier is None:
            raise
        return earlier
    return result


def start_thread(
    board: Board, *, author: User, title: str, source: str, submission_key: str | None = None
) -> Thread:
    """Open a thread on `board` with its first post; a repeated submission opens none."""
    title = title.strip()

    def write() -> Thread:
        thread = Thread(
            board_id=board.id,
            title=title,
            slug=slugify(title),
            author_id=author.id,
            author_name=author.username,
        )
        db.session.add(thread)
        db.session.flush()
        db.session.execute(
            sa.update(Board).where(Board.id == board.id).values(thread_count=Board.thread_count + 1)
        )
        _add_post(thread.id, author, source, submission_key)
        return thread

    result = _once(author, submission_key, write)
    if isinstance(result, Post):
        return db.session.get_one(Thread, result.thread_id)
    return result


def reply(thread: Thread, *, author: User, source: str, submission_key: str | None = None) -> Post:
    """Add a reply at the end of `thread`; a repeated submission adds none."""
    return _once(
        author, submission_key, lambda: _add_post(thread.id, author, source, submission_key)
    )


def edit_post(post: Post, *, editor: User, source: str, title: str | None = None) -> bool:
    """Replace a post's text (and its thread's title, for a first post); keep the old text.

    Return whether anything changed.
    """
    thread = post.thread
    new_title = title.strip() if title is not None and post.position == 1 else thread.title
    if source == post.source and new_title == thread.title:
        return False
    if source != post.source:
        db.session.add(
            PostRevision(
                post_id=post.id,
                editor_id=editor.id,
                editor_name=editor.username,
                source=post.source,
            )
        )
        post.source = source
        post.html = markup.render(source)
        post.edited_at = utcnow()
        post.edit_count = Post.edit_count + 1
    if new_title != thread.title:
        thread.title = new_title
        thread.slug = slugify(new_title)
    db.session.commit()
    return True


def rerender_all(batch_size: int = 500) -> int:
    """Render every stored post again from its source (after the allowlist changed)."""
    count = 0
    last_id = 0
    while True:
        rows = db.session.execute(
            sa.select(Post.id, Post.source)
            .where(Post.id > last_id)
            .order_by(Post.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            db.session.execute(
                sa.update(Post).where(Post.id == row.id).values(html=markup.render(row.source))
            )
        last_id = rows[-1].id
        count += len(rows)
        db.session.commit()
    return count


def recount_all() -> None:
    """Recompute every counter and last-post pointer from the posts themselves; commit.

    For repairs and bulk imports; the app's own writes keep them right as they go.
    """
    latest_in_thread = (
        sa.select(Post.id)
        .where(Post.thread_id == Thread.id)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    db.session.execute(
        sa.update(Thread).values(
            post_count=sa.select(sa.func.count())
            .where(Post.thread_id == Thread.id)
            .scalar_subquery(),
            last_post_id=latest_in_thread,
        )
    )
    _recount_last_post_at(Thread)
    latest_in_board = (
        sa.select(Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Thread.board_id == Board.id)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    db.session.execute(
        sa.update(Board).values(
            thread_count=sa.select(sa.func.count())
            .where(Thread.board_id == Board.id)
            .scalar_subquery(),
            post_count=sa.select(sa.func.coalesce(sa.func.sum(Thread.post_count), 0))
            .where(Thread.board_id == Board.id)
            .scalar_subquery(),
            last_post_id=latest_in_board,
        )
    )
    _recount_last_post_at(Board)
    db.session.execute(
        sa.update(User).values(
            post_count=sa.select(sa.func.count()).where(Post.author_id == User.id).scalar_subquery()
        )
    )
    db.session.commit()


def _recount_last_post_at(table: Any) -> None:
    post_time = sa.select(Post.created_at).where(Post.id == table.last_post_id).scalar_subquery()
    db.session.execute(
        sa.update(table).where(table.last_post_id.is_not(None)).values(last_post_at=post_time)
    )
