"""Reports of posts, and the moderation log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

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


class LogEntry(Model):
    """One moderation action, role change, approval or sanction. Never edited, never deleted."""

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Kept so the log still reads right after the account is deleted ("system" for commands).
    actor_name: Mapped[str] = mapped_column(sa.String(60))
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    # What it acted on: "thread", "post", "user", "board" or "report", and that row's id.
    target_type: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[int | None]
    board_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
