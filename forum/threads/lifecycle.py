"""The life of a post and a thread: every change of what readers may see passes here.

Publish, hold, approve, reject, hide, restore, delete, withdraw, move, merge, split and a
scheduled question appearing: each is applied here without committing (a conditional
UPDATE, so a repeated change changes nothing), moves the stored counters in SQL in the
same transaction, and queues one forum.threads.events.ContentChange. The public action
(a service) then calls commit() once, which commits and sends the queued events; a
rollback forgets them. Who may act is decided before (forum.permissions); what is logged,
by the calling service.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forum import markup
from forum.accounts.models import User
from forum.db import db, utcnow
from forum.threads.events import ChangeKind, ContentChange, content_changed
from forum.threads.models import Post, PostStatus, Thread, ThreadStatus

_PENDING = "forum.content_changes"
SHOWN = (PostStatus.PUBLISHED, PostStatus.PENDING)


# --- events and the one commit -----------------------------------------------------------


def emit(kind: ChangeKind, *, thread: Thread | int, board_id: int, **fields: Any) -> None:
    """Queue one event, sent when the transaction that made the change commits."""
    thread_id = thread if isinstance(thread, int) else thread.id
    change = ContentChange(kind=kind, thread_id=thread_id, board_id=board_id, **fields)
    db.session.info.setdefault(_PENDING, []).append(change)


def commit() -> None:
    """Commit the public action's transaction, then send the events of its changes."""
    changes: list[ContentChange] = db.session.info.pop(_PENDING, [])
    db.session.commit()
    for change in changes:
        content_changed.send(change.kind, change=change)


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


# --- new posts ---------------------------------------------------------------------------


def add_post(
    thread: Thread,
    author: User,
    source: str,
    submission_key: str | None = None,
    *,
    held: bool,
) -> Post:
    """Insert a post at the end of the thread, published or held; count what readers see."""
    # Taking the next position locks the thread row, so replies to one thread queue here.
    position = db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(last_position=Thread.last_position + 1)
        .returning(Thread.last_position)
    ).scalar_one()
    now = utcnow()
    post = Post(
        thread_id=thread.id,
        position=position,
        author_id=author.id,
        author_name=author.username,
        source=source,
        html=markup.render(source),
        created_at=now,
        submission_key=submission_key,
        status=PostStatus.PENDING if held else PostStatus.PUBLISHED,
    )
    db.session.add(post)
    db.session.flush()
    if not held:
        _count_published(post, now)
    scheduled = thread.publish_at is not None and thread.publish_at > now
    kind = ChangeKind.HELD if held else ChangeKind.SCHEDULED if scheduled else ChangeKind.PUBLISHED
    emit(
        kind,
        thread=thread,
        board_id=thread.board_id,
        post_id=post.id,
        actor_id=author.id,
        opens_thread=position == 1,
    )
    return post


def _latest(post_id: int, now: Any) -> dict[str, Any]:
    """Return SET values that make `post_id` the thread's last post, unless a later one is.

    Concurrent replies may commit out of order; the highest post id is the latest post.
    Both CASEs read the row as it was, so they agree with each other.
    """
    is_newer = sa.or_(Thread.last_post_id.is_(None), Thread.last_post_id < post_id)
    return {
        "last_post_id": sa.case((is_newer, post_id), else_=Thread.last_post_id),
        "last_post_at": sa.case((is_newer, now), else_=Thread.last_post_at),
    }


def _count_published(post: Post, now: Any) -> None:
    """Count a post that readers can now see: in its thread and for its author."""
    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == post.thread_id)
        .values(post_count=Thread.post_count + 1, **_latest(post.id, now))
    )
    if post.author_id is not None:
        db.session.execute(
            sa.update(User).where(User.id == post.author_id).values(post_count=User.post_count + 1)
        )


# --- changes of state --------------------------------------------------------------------


def set_if(entity: type[Post] | type[Thread], row_id: int, when: Any, values: Any) -> bool:
    """Set `values` on one row if `when` holds; return whether it changed."""
    result = db.session.execute(
        sa.update(entity)
        .where(entity.id == row_id, when)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return cast(sa.CursorResult[Any], result).rowcount > 0


def change_post(
    post: Post, kind: ChangeKind, *, actor: Any, when: Any, values: dict[str, Any]
) -> bool:
    """Change a post's status if `when` holds; recount its thread and author; queue the event."""
    if not set_if(Post, post.id, when, values):
        return False
    refresh_thread_counters(post.thread_id)
    refresh_author_counters([post.author_id])
    # From the identity map when the post came with its thread (no statement then).
    board_id = db.session.get_one(Thread, post.thread_id).board_id
    emit(
        kind,
        thread=post.thread_id,
        board_id=board_id,
        post_id=post.id,
        actor_id=_actor_id(actor),
        opens_thread=post.position == 1,
    )
    return True


def change_thread(
    thread: Thread, kind: ChangeKind, *, actor: Any, when: Any, values: dict[str, Any]
) -> bool:
    """Change a thread's status if `when` holds; queue the event."""
    if not set_if(Thread, thread.id, when, values):
        return False
    emit(kind, thread=thread, board_id=thread.board_id, actor_id=_actor_id(actor))
    return True


def approve(post: Post, *, actor: Any) -> bool:
    """Publish a post that awaited approval; a first post makes its thread appear."""
    return change_post(
        post,
        ChangeKind.APPROVED,
        actor=actor,
        when=Post.status == PostStatus.PENDING,
        values={"status": PostStatus.PUBLISHED, "status_reason": ""},
    )


def reject(post: Post, *, actor: Any, reason: str) -> tuple[bool, bool]:
    """Hide a post that awaited approval; a rejected first post hides its thread too.

    Return (whether the post was still waiting, whether its thread was hidden). One event.
    """
    if not change_post(
        post,
        ChangeKind.REJECTED,
        actor=actor,
        when=Post.status == PostStatus.PENDING,
        values={"status": PostStatus.HIDDEN, "status_reason": reason},
    ):
        return False, False
    thread_hidden = post.position == 1 and set_if(
        Thread,
        post.thread_id,
        Thread.status == ThreadStatus.VISIBLE,
        {"status": ThreadStatus.HIDDEN, "status_reason": reason},
    )
    return True, thread_hidden


# --- counters ----------------------------------------------------------------------------


def refresh_thread_counters(thread_id: int) -> None:
    """Recompute one thread's published count and last post, in this transaction."""
    db.session.execute(recount_threads().where(Thread.id == thread_id))
    db.session.execute(recount_last_post_at().where(Thread.id == thread_id))


def refresh_author_counters(user_ids: Iterable[int | None]) -> None:
    """Recompute the published post count of these accounts, in this transaction."""
    ids = [i for i in set(user_ids) if i is not None]
    if ids:
        db.session.execute(recount_users().where(User.id.in_(ids)))


_PUBLISHED = Post.status == PostStatus.PUBLISHED


def recount_threads() -> sa.Update:
    in_thread = Post.thread_id == Thread.id
    latest_published = (
        sa.select(Post.id)
        .where(in_thread, _PUBLISHED)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.update(Thread).values(
        post_count=sa.select(sa.func.count()).where(in_thread, _PUBLISHED).scalar_subquery(),
        last_post_id=latest_published,
        last_position=sa.select(sa.func.coalesce(sa.func.max(Post.position), 0))
        .where(in_thread)
        .scalar_subquery(),
    )


def recount_last_post_at() -> sa.Update:
    post_time = sa.select(Post.created_at).where(Post.id == Thread.last_post_id).scalar_subquery()
    # A thread with no published post keeps the time it was opened (or scheduled for).
    return sa.update(Thread).where(Thread.last_post_id.is_not(None)).values(last_post_at=post_time)


def recount_users() -> sa.Update:
    return sa.update(User).values(
        post_count=sa.select(sa.func.count())
        .where(Post.author_id == User.id, _PUBLISHED)
        .scalar_subquery()
    )
