"""Server-side sessions: one row per login, named by the cookies, deleted by logging out.

The session and remember cookies carry only a random key; the row keeps its SHA-256. A login
is live while it was seen within the idle timeout and is younger than the remember cookie's
lifetime, so a copied cookie stops working when its owner logs out, goes idle, or the login
grows old, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from forum.accounts.models import DEVICE_MAX, User, UserSession
from forum.db import db

KEY_BYTES = 32
# How stale `last_seen_at` may grow before a request refreshes it: a page then writes once
# every few minutes per device instead of on every request.
TOUCH_AT_MOST_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Lifetime:
    """How long a login lasts: `idle` since it was last seen, `absolute` since it began."""

    idle: timedelta
    absolute: timedelta

    @property
    def touch_every(self) -> timedelta:
        # A tenth of a short timeout, so that an active session never lapses between touches.
        return min(TOUCH_AT_MOST_EVERY, self.idle / 10)


def lifetime_from(config: Mapping[str, Any]) -> Lifetime:
    """Return the lifetime set by FORUM_SESSION_IDLE_TIMEOUT and REMEMBER_COOKIE_DURATION."""
    return Lifetime(
        idle=_as_timedelta(config["SESSION_IDLE_TIMEOUT"]),
        # No login outlives the remember cookie it may have set (Flask-Login signs that cookie
        # without a date, so a copy would otherwise work for as long as the row lives).
        absolute=_as_timedelta(config["REMEMBER_COOKIE_DURATION"]),
    )


def _as_timedelta(value: int | float | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def hash_key(key: str) -> str:
    """Return the hex SHA-256 of a session key: what the table stores and looks up."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def live(now: datetime, lifetime: Lifetime) -> list[sa.ColumnElement[bool]]:
    """Return the conditions a session row must meet to still open the account."""
    return [
        UserSession.last_seen_at > now - lifetime.idle,
        UserSession.created_at > now - lifetime.absolute,
    ]


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),  # after Edge and Opera, which also name Chrome
    ("Safari/", "Safari"),  # after every browser that also names Safari
)
_SYSTEMS = (
    ("Android", "Android"),  # before Linux, which Android names too
    ("iPhone", "iPhone"),  # before macOS, which iPhones and iPads name too
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> str:
    """Return "Firefox on Linux" or the like: the settings list names devices, no more."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"[:DEVICE_MAX]
    return browser or system or "Unknown browser"


def open_session(user: User, *, now: datetime, lifetime: Lifetime, device: str = "") -> str:
    """Record a new login of `user` and return its key, for the cookies (stored hashed only).

    The account's sessions that have already lapsed are deleted on the way, so rows do not
    pile up for people who never log out.
    """
    key = secrets.token_urlsafe(KEY_BYTES)
    db.session.execute(
        sa.delete(UserSession).where(
            UserSession.user_id == user.id, sa.not_(sa.and_(*live(now, lifetime)))
        )
    )
    row = UserSession(
        user_id=user.id, key_hash=hash_key(key), device=device, created_at=now, last_seen_at=now
    )
    db.session.add(row)
    db.session.commit()
    user.session_key, user.current_session = key, row
    return key


def needs_touch(row: UserSession, now: datetime, lifetime: Lifetime) -> bool:
    """Whether `row` was last seen long enough ago that this request should refresh it."""
    return row.last_seen_at <= now - lifetime.touch_every


def touch(session_id: int, *, now: datetime) -> None:
    """Record that the session was seen at `now` (never moving the time backwards)."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.id == session_id, UserSession.last_seen_at < now)
        .values(last_seen_at=now)
    )
    db.session.commit()


def end_session(key: str) -> bool:
    """Delete the session `key` names (logging out); return whether there was one."""
    deleted = db.session.execute(
        sa.delete(UserSession).where(UserSession.key_hash == hash_key(key))
    )
    db.session.commit()
    return bool(deleted.rowcount)  # type: ignore[attr-defined]


def end_one_session(user_id: int, session_id: int) -> bool:
    """Delete one session of the account; False if it has no session `session_id`."""
    deleted = db.session.execute(
        sa.delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user_id)
    )
    db.session.commit()
    return bool(deleted.rowcount)  # type: ignore[attr-defined]


def end_every_session(user_id: int) -> int:
    """Delete every session of the account ("log out of every device"); return how many."""
    count = forget_sessions(user_id)
    db.session.commit()
    return count


def forget_sessions(user_id: int, *, keep: int | None = None) -> int:
    """Delete the account's sessions (all but `keep`) in the caller's transaction.

    For use cases that end sessions as one step of their own (a password change, a ban).
    """
    query = sa.delete(UserSession).where(UserSession.user_id == user_id)
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return int(db.session.execute(query).rowcount)  # type: ignore[attr-defined]


def active_sessions(user_id: int, *, now: datetime, lifetime: Lifetime) -> Sequence[UserSession]:
    """Return the account's live sessions, the most recently seen first."""
    query = (
        sa.select(UserSession)
        .where(UserSession.user_id == user_id, *live(now, lifetime))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return db.session.scalars(query).all()
