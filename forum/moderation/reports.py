"""Reports of posts: members file them, moderators resolve them a post at a time.

A post's open reports are reviewed together: hiding the post, marking it edited or
dismissing the reports closes every one of them, with one entry in the moderation log.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.accounts.models import User
from forum.audit import record
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.moderation.models import Report, ReportReason, ReportStatus
from forum.moderation.post_actions import hide
from forum.moderation.queues import QUEUE_PAGE, board_scope, in_scope
from forum.reasons import REASON_MAX
from forum.threads import lifecycle
from forum.threads.lifecycle import SHOWN
from forum.threads.models import Post, Thread

COMMENT_MAX = 1000
# The queue shows this many reports of one post (the oldest); the count says how many more.
REPORTS_SHOWN = 10

REASON_LABELS = {
    ReportReason.SPAM: "Spam or advertising",
    ReportReason.OFF_TOPIC: "Off-topic",
    ReportReason.ABUSIVE: "Abusive or offensive",
    ReportReason.OTHER: "Something else",
}

ALREADY_REPORTED = "You have already reported this post; moderators will look at it."


class Resolution(enum.StrEnum):
    """How a post's reports were closed (Report.resolution)."""

    HIDDEN = "hidden"
    EDITED = "edited"
    DISMISSED = "dismissed"


# --- filing ------------------------------------------------------------------------------


def report_post(post: Post, *, reporter: User, reason: ReportReason, comment: str = "") -> Report:
    """File `reporter`'s report of `post` for the moderators to review.

    One open report per member per post: the partial unique index decides, and a second
    one is a ServiceError.
    """
    report = Report(
        post_id=post.id,
        reporter_id=reporter.id,
        reason=reason,
        comment=comment.strip()[:COMMENT_MAX],
    )
    db.session.add(report)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(ALREADY_REPORTED) from None
    return report


# --- resolving ---------------------------------------------------------------------------


def resolve_reports(post: Post, *, actor: User, resolution: Resolution, reason: str = "") -> int:
    """Close every open report on `post` as hidden, edited or dismissed; return how many.

    HIDDEN hides the post as forum.moderation.post_actions.hide_post does (same
    visibility, counters, event and log entry), in the same transaction as the reports
    closing. Otherwise, or when the post was hidden already, one entry is written here.
    With no open report and nothing hidden, nothing changes. One commit either way.
    """
    reason = reason.strip()
    closed = _close_open_reports(post.id, actor, resolution)
    if resolution is Resolution.HIDDEN and post.status in SHOWN:
        try:
            hidden = hide(actor=actor, post=post, reason=reason)
        except ServiceError:
            db.session.rollback()
            raise
        if hidden:
            lifecycle.commit()
            return closed
        # Hidden by someone else meanwhile: the reports close with an entry of their own.
    if closed == 0:
        db.session.rollback()
        return 0
    record(
        actor,
        _ACTIONS[resolution],
        target_type="post",
        target_id=post.id,
        board_id=db.session.get_one(Thread, post.thread_id).board_id,
        reason=reason[:REASON_MAX],
        details={"resolution": str(resolution), "reports": closed},
    )
    lifecycle.commit()
    return closed


_ACTIONS = {
    Resolution.HIDDEN: "resolve_reports_hidden",
    Resolution.EDITED: "resolve_reports_edited",
    Resolution.DISMISSED: "dismiss_reports",
}


def _close_open_reports(post_id: int, actor: User, resolution: Resolution) -> int:
    closed = db.session.scalars(
        sa.update(Report)
        .where(Report.post_id == post_id, Report.status == ReportStatus.OPEN)
        .values(
            status=ReportStatus.CLOSED,
            resolution=str(resolution),
            resolved_by_id=actor.id,
            resolved_at=utcnow(),
        )
        .returning(Report.id)
    ).all()
    return len(closed)


# --- the review queue --------------------------------------------------------------------


@dataclass
class ReportedPost:
    """One post in the review queue, with its open reports."""

    post: Post
    count: int
    reports: list[sa.Row[Any]] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """Return (label, count) for each reason given, most frequent first."""
        counts = Counter(row.reason for row in self.reports)
        return [(REASON_LABELS[ReportReason(r)], n) for r, n in counts.most_common()]

    @property
    def suggested_reason(self) -> str:
        """Return a reason to offer for hiding: what most reporters said."""
        return self.reasons[0][0] if self.reports else ""


def reported_posts(viewer: Any) -> list[ReportedPost]:
    """Return the posts with open reports in `viewer`'s boards, most reported first, with
    their thread, board and (up to REPORTS_SHOWN of) their reports. Two statements."""
    groups = (
        sa.select(
            Report.post_id,
            sa.func.count().label("n"),
            sa.func.min(Report.created_at).label("first_at"),
        )
        .where(Report.status == ReportStatus.OPEN)
        .group_by(Report.post_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Post, groups.c.n)
        .join(groups, groups.c.post_id == Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .options(joinedload(Post.thread).joinedload(Thread.board))
        .where(in_scope(board_scope(viewer)))
        .order_by(groups.c.n.desc(), groups.c.first_at, Post.id)
        .limit(QUEUE_PAGE)
    ).all()
    items = {post.id: ReportedPost(post=post, count=n) for post, n in rows}
    for report in _open_reports_of(list(items)):
        items[report.post_id].reports.append(report)
    return list(items.values())


def _open_reports_of(post_ids: list[int]) -> Sequence[sa.Row[Any]]:
    if not post_ids:
        return []
    numbered = (
        sa.select(
            Report.post_id,
            Report.reason,
            Report.comment,
            Report.created_at,
            User.username.label("reporter"),
            sa.func.row_number()
            .over(partition_by=Report.post_id, order_by=(Report.created_at, Report.id))
            .label("nth"),
        )
        .outerjoin(User, User.id == Report.reporter_id)
        .where(Report.post_id.in_(post_ids), Report.status == ReportStatus.OPEN)
        .subquery()
    )
    return db.session.execute(
        sa.select(numbered)
        .where(numbered.c.nth <= REPORTS_SHOWN)
        .order_by(numbered.c.post_id, numbered.c.nth)
    ).all()
