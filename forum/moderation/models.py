"""Reports of posts. (The moderation log's table is forum.audit.LogEntry.)"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, UTCDateTime, enum_type, utcnow


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    OFF_TOPIC = "off_topic"
    ABUSIVE = "abusive"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Report(Model):
    __tablename__ = "reports"
    __table_args__ = (
        # One open report per member per post; closed ones stay as history.
        sa.Index(
            "uq_reports_open_per_reporter",
            "post_id",
            "reporter_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_reports_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[ReportReason] = mapped_column(enum_type(ReportReason))
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    status: Mapped[ReportStatus] = mapped_column(enum_type(ReportStatus), default=ReportStatus.OPEN)
    # How it was closed: "hidden", "edited" or "dismissed".
    resolution: Mapped[str] = mapped_column(sa.String(16), default="")
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
