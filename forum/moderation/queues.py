"""The moderators' queues: posts awaiting approval, accounts awaiting approval, counts.

Reads take the viewer and show site moderators everything and a board's moderators their
boards only (board_scope); services take the actor, commit once and log one entry.
Reported posts live in forum.moderation.reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum.accounts.models import User
from forum.audit import record
from forum.db import db
from forum.moderation.models import Report, ReportStatus
from forum.permissions import can_approve_accounts
from forum.reasons import clean_reason
from forum.threads import lifecycle
from forum.threads.models import Post, PostStatus, Thread

# A queue page shows the oldest items first, this many at a time.
QUEUE_PAGE = 50


# --- whose queues ------------------------------------------------------------------------


def board_scope(viewer: Any) -> list[int] | None:
    """Return the boards whose queues `viewer` reviews, or None for every board."""
    boards = viewer.moderated_boards()
    return None if boards is None else sorted(boards)


def in_scope(scope: list[int] | None) -> sa.ColumnElement[bool]:
    """The condition on Thread for the items of these boards (None: of every board)."""
    return sa.true() if scope is None else Thread.board_id.in_(scope)


@dataclass(frozen=True)
class QueueCounts:
    reported_posts: int
    pending_posts: int
    pending_accounts: int

    @property
    def total(self) -> int:
        return self.reported_posts + self.pending_posts + self.pending_accounts


def queue_counts(viewer: Any) -> QueueCounts:
    """Count what waits for `viewer` in each queue, in one statement."""
    scope = board_scope(viewer)
    reported = (
        sa.select(sa.func.count(sa.distinct(Report.post_id)))
        .join(Post, Post.id == Report.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Report.status == ReportStatus.OPEN, in_scope(scope))
    )
    pending = (
        sa.select(sa.func.count())
        .select_from(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.status == PostStatus.PENDING, in_scope(scope))
    )
    accounts: sa.ColumnElement[int] = sa.literal(0)
    if can_approve_accounts(viewer):
        accounts = (
            sa.select(sa.func.count()).select_from(User).where(_awaiting_approval())
        ).scalar_subquery()
    row = db.session.execute(
        sa.select(reported.scalar_subquery(), pending.scalar_subquery(), accounts)
    ).one()
    return QueueCounts(int(row[0]), int(row[1]), int(row[2]))


def _awaiting_approval() -> sa.ColumnElement[bool]:
    # Banned accounts leave the queue: there is nothing left to approve.
    return sa.and_(User.is_approved.is_(False), User.is_active.is_(True))


# --- posts awaiting approval (pre-moderation) --------------------------------------------


def pending_posts(viewer: Any) -> Sequence[Post]:
    """Return the oldest posts awaiting approval in `viewer`'s boards, with their thread,
    board and author."""
    return db.session.scalars(
        sa.select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .options(
            joinedload(Post.thread).joinedload(Thread.board),
            joinedload(Post.author),
        )
        .where(Post.status == PostStatus.PENDING, in_scope(board_scope(viewer)))
        .order_by(Post.created_at, Post.id)
        .limit(QUEUE_PAGE)
    ).all()


def approve_post(post: Post, *, actor: User) -> bool:
    """Publish a post that awaited approval; a first post makes its thread appear.

    Return whether the post was still waiting (another moderator may have been first).
    """
    if not lifecycle.approve(post, actor=actor):
        db.session.rollback()
        return False
    record(
        actor,
        "approve_post",
        target_type="post",
        target_id=post.id,
        board_id=db.session.get_one(Thread, post.thread_id).board_id,
        details={"thread_id": post.thread_id, "first_post": post.position == 1},
    )
    lifecycle.commit()
    return True


def reject_post(post: Post, *, actor: User, reason: str) -> bool:
    """Hide a post that awaited approval, with the reason its author will read.

    A rejected first post takes its thread with it (hidden, with the same reason), so its
    author does not see the thread wait for an approval that will not come. Return
    whether the post was still waiting; a missing or too long reason is a ServiceError.
    """
    reason = clean_reason(reason, required=True)
    rejected, thread_hidden = lifecycle.reject(post, actor=actor, reason=reason)
    if not rejected:
        db.session.rollback()
        return False
    record(
        actor,
        "reject_post",
        target_type="post",
        target_id=post.id,
        board_id=db.session.get_one(Thread, post.thread_id).board_id,
        reason=reason,
        details={"thread_id": post.thread_id, "thread_hidden": thread_hidden},
    )
    lifecycle.commit()
    return True


# --- accounts awaiting approval ----------------------------------------------------------


def pending_accounts() -> Sequence[User]:
    """Return the oldest accounts awaiting approval (registration in approval mode)."""
    return db.session.scalars(
        sa.select(User)
        .where(_awaiting_approval())
        .order_by(User.created_at, User.id)
        .limit(QUEUE_PAGE)
    ).all()


def approve_account(user: User, *, actor: User) -> bool:
    """Let an account post; return whether it was still waiting for approval."""
    approved = db.session.scalar(
        sa.update(User)
        .where(User.id == user.id, User.is_approved.is_(False))
        .values(is_approved=True)
        .returning(User.id)
    )
    if approved is None:
        db.session.rollback()
        return False
    record(actor, "approve_account", target_type="user", target_id=user.id)
    db.session.commit()
    return True
