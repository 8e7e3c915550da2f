"""The user account."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, UTCDateTime, enum_type, utcnow
from forum.reasons import REASON_MAX

USERNAME_MAX = 30
DISPLAY_NAME_MAX = 60
DEVICE_MAX = 60


class Role(enum.StrEnum):
    """Site-wide roles, ordered by what they may do."""

    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


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
    role: Mapped[Role] = mapped_column(
        enum_type(Role),
        default=Role.MEMBER,
    )
    # False once banned: the account can no longer log in; its posts stay.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    ban_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    # False while a moderator has yet to approve the account (registration in approval mode).
    is_approved: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str] = mapped_column(
        sa.String(REASON_MAX), default="", server_default=""
    )
    display_name: Mapped[str] = mapped_column(sa.String(DISPLAY_NAME_MAX), default="")
    country: Mapped[str] = mapped_column(sa.String(60), default="")
    organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    network_role: Mapped[str] = mapped_column(sa.String(120), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    post_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    is_authenticated = True
    is_anonymous = False
    # Boards this account hosts or moderates (see board_roles below); None until loaded.
    # Not a mapped column: only set on the instance, never shared between instances.
    if TYPE_CHECKING:
        _board_roles: dict[int, frozenset[str]] | None
    _board_roles = None
    # The server-side session this object was loaded through or opened with (never stored on
    # the account): its key is what the cookies carry, so that logging out can end it. Typed
    # for mypy only: an annotation with a None default would look like a column to the ORM.
    if TYPE_CHECKING:
        session_key: str | None
        current_session: UserSession | None
    session_key = None
    current_session = None

    def get_id(self) -> str:
        # Flask-Login writes this into the session and remember cookies: it names one login,
        # not the account, so deleting that login's row makes every copy of the cookies void.
        if self.session_key is None:
            raise RuntimeError("open a session first: forum.accounts.sessions.open_session")
        return self.session_key

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

    @property
    def board_roles(self) -> dict[int, frozenset[str]]:
        """{board_id: {"host", "moderator"}}: filled in with the logged-in user by the session
        loader, and loaded on first use for any other account (forum.accounts.roles)."""
        if self._board_roles is None:
            from forum.accounts.roles import board_roles_of

            self._board_roles = board_roles_of(self.id) if self.id is not None else {}
        return self._board_roles

    @board_roles.setter
    def board_roles(self, roles: dict[int, frozenset[str]]) -> None:
        self._board_roles = roles

    def moderated_boards(self) -> frozenset[int] | None:
        """The boards this account moderates; None for a moderator everywhere."""
        if self.is_moderator:
            return None
        return frozenset(b for b, roles in self.board_roles.items() if "moderator" in roles)

    def hosts(self, board_id: int) -> bool:
        return "host" in self.board_roles.get(board_id, ())

    def moderates(self, board_id: int) -> bool:
        """Whether this account may moderate the board: site-wide or as its board moderator."""
        return self.is_moderator or "moderator" in self.board_roles.get(board_id, ())

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserSession(Model):
    """One login on one device: the cookies name it; logging out deletes it."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The SHA-256 of the key the cookies carry, never the key: a copy of the database (a dump,
    # a backup) opens no session.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # "Firefox on Linux": enough to recognise a device in the settings list, and no more.
    device: Mapped[str] = mapped_column(sa.String(DEVICE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Refreshed at most every few minutes (forum.accounts.sessions.needs_touch).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


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

    @property
    def board_roles(self) -> dict[int, frozenset[str]]:
        return {}

    def moderated_boards(self) -> frozenset[int] | None:
        return frozenset()

    def is_suspended(self, now: datetime) -> bool:
        return False

    def hosts(self, board_id: int) -> bool:
        return False

    def moderates(self, board_id: int) -> bool:
        return False
