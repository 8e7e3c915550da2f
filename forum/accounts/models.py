"""The user account."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, UTCDateTime, enum_type, utcnow

USERNAME_MAX = 30
DISPLAY_NAME_MAX = 60


class Role(enum.StrEnum):
    """Site-wide roles, ordered by what they may do."""

    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


def new_session_token() -> str:
    """Return a fresh token that, when rotated, signs out every session of the account."""
    return secrets.token_urlsafe(16)


class User(Model):
    __tablename__ = "users"
    __table_args__ = (
        # The account-approval queue reads only accounts still waiting.
        sa.Index(
            "ix_users_awaiting_approval",
            "created_at",
            sqlite_where=sa.text("is_approved = 0"),
            postgresql_where=sa.text("NOT is_approved"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(USERNAME_MAX))
    # Lower-cased username: uniqueness is case-insensitive, left to the database.
    username_key: Mapped[str] = mapped_column(sa.String(USERNAME_MAX), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    session_token: Mapped[str] = mapped_column(sa.String(32), default=new_session_token)
    role: Mapped[Role] = mapped_column(
        enum_type(Role),
        default=Role.MEMBER,
    )
    # False once banned: the account can no longer log in; its posts stay.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    ban_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    # False while a moderator has yet to approve the account (registration in approval mode).
    is_approved: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    display_name: Mapped[str] = mapped_column(sa.String(DISPLAY_NAME_MAX), default="")
    country: Mapped[str] = mapped_column(sa.String(60), default="")
    organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    network_role: Mapped[str] = mapped_column(sa.String(120), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    post_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    is_authenticated = True
    is_anonymous = False
    # Boards this account hosts or moderates: {board_id: {"host", "moderator"}}, filled in
    # when the logged-in user is loaded (forum.accounts.services.load_by_session_id).
    board_roles: dict[int, frozenset[str]] = {}

    def get_id(self) -> str:
        # The token makes a password change sign out every other session and remember cookie.
        return f"{self.id}:{self.session_token}"

    @property
    def name(self) -> str:
        """Return the name shown beside the person's posts."""
        return self.display_name or self.username

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def is_suspended(self, now: datetime) -> bool:
        return self.suspended_until is not None and self.suspended_until > now

    def hosts(self, board_id: int) -> bool:
        return "host" in self.board_roles.get(board_id, ())

    def moderates(self, board_id: int) -> bool:
        """Whether this account may moderate the board: site-wide or as its board moderator."""
        return self.is_moderator or "moderator" in self.board_roles.get(board_id, ())

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Guest(AnonymousUserMixin):
    """The visitor who has not logged in: predicates take it like any user."""

    id = None
    role = None
    is_active = False
    is_moderator = False
    is_admin = False
    is_approved = False
    username = ""
    name = "Guest"
    board_roles: dict[int, frozenset[str]] = {}

    def is_suspended(self, now: datetime) -> bool:
        return False

    def hosts(self, board_id: int) -> bool:
        return False

    def moderates(self, board_id: int) -> bool:
        return False
