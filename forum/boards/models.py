"""A discussion board; each KM4B webinar has one."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Model, UTCDateTime, utcnow

if TYPE_CHECKING:
    from forum.threads.models import Post


class Board(Model):
    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # The webinar's number in the KM4B series; None for a board that is not a webinar.
    number: Mapped[int | None] = mapped_column(unique=True)
    title: Mapped[str | None] = mapped_column(sa.String(200))
    webinar_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    presenters: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    attendance_note: Mapped[str] = mapped_column(sa.String(200), default="")
    recording_url: Mapped[str] = mapped_column(sa.String(500), default="")
    slides_url: Mapped[str] = mapped_column(sa.String(500), default="")
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="SET NULL", use_alter=True), index=True
    )
    last_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    last_post: Mapped[Post | None] = relationship(foreign_keys=[last_post_id], lazy="raise")

    @property
    def is_announced(self) -> bool:
        """Whether the webinar has a title yet (8–10 are still to be announced)."""
        return bool(self.title)

    @property
    def heading(self) -> str:
        """Return the board's name as people read it in lists and headings."""
        if self.number is None:
            return self.title or self.slug
        if self.title:
            return f"Webinar {self.number}: {self.title}"
        return f"Webinar {self.number} (title to be announced)"

    def is_upcoming(self, today: date) -> bool:
        return self.webinar_date is not None and self.webinar_date >= today

    @property
    def path(self) -> str:
        return f"/b/{self.slug}"
