"""A discussion board (each KM4B webinar has one) and who hosts or moderates it."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, UTCDateTime, enum_type, utcnow

# A webinar's title: the column, the forms' maxlength and their message.
TITLE_MAX = 200


class Board(Model):
    """A board's thread and post counts are not stored: they depend on what is visible
    when they are read (scheduled questions appear on their own), see boards.queries."""

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # The webinar's number in the KM4B series; None for a board that is not a webinar.
    number: Mapped[int | None] = mapped_column(unique=True)
    title: Mapped[str | None] = mapped_column(sa.String(TITLE_MAX))
    webinar_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # When the webinar starts, and the time zone its hosts announce it in.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC", server_default="UTC")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    presenters: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    attendance_note: Mapped[str] = mapped_column(sa.String(200), default="")
    recording_url: Mapped[str] = mapped_column(sa.String(500), default="")
    slides_url: Mapped[str] = mapped_column(sa.String(500), default="")
    # Further reading the hosts list, in Markdown, and its sanitised HTML (forum.markup).
    resources: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    resources_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set while the board is closed to new threads and replies (read-only), and by whom.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    @property
    def is_closed(self) -> bool:
        """Whether the board is read-only: no new threads, replies or questions."""
        return self.closed_at is not None

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


class BoardRoleKind(enum.StrEnum):
    HOST = "host"
    MODERATOR = "moderator"


class BoardRole(Model):
    """A person's role on one board: host of the webinar, or moderator of its board."""

    __tablename__ = "board_roles"
    __table_args__ = (sa.UniqueConstraint("board_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique constraint, whose first column it is.
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[BoardRoleKind] = mapped_column(enum_type(BoardRoleKind))
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
