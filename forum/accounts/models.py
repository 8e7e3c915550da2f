"""The user account."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, UTCDateTime, utcnow

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

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(USERNAME_MAX))
    # Lower-cased username: uniqueness is case-insensitive, left to the database.
    username_key: Mapped[str] = mapped_column(sa.String(USERNAME_MAX), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    session_token: Mapped[str] = mapped_column(sa.String(32), default=new_session_token)
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.MEMBER,
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    display_name: Mapped[str] = mapped_column(sa.String(DISPLAY_NAME_MAX), default="")
    country: Mapped[str] = mapped_column(sa.String(60), default="")
    organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    network_role: Mapped[str] = mapped_column(sa.String(120), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    post_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    is_authenticated = True
    is_anonymous = False

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

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Guest(AnonymousUserMixin):
    """The visitor who has not logged in: predicates take it like any user."""

    id = None
    role = None
    is_active = False
    is_moderator = False
    is_admin = False
    username = ""
    name = "Guest"
