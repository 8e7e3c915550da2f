"""A person's standing: signed in, in good standing, on duty, and on which boards their
roles apply. Read by forum.permissions and forum.threads.visibility (below both).

Roles on boards come with the user (User.board_roles, loaded for any account).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from forum.db import utcnow


def signed_in(user: Any) -> bool:
    """A logged-in account that is not banned."""
    return bool(user.is_authenticated and user.is_active)


def in_good_standing(user: Any, now: datetime | None = None) -> bool:
    """May write: logged in, approved, not banned, not suspended."""
    return signed_in(user) and user.is_approved and not user.is_suspended(now or utcnow())


def on_duty(user: Any, now: datetime | None = None) -> bool:
    """May use the powers of their roles: logged in, not banned, not suspended."""
    return signed_in(user) and not user.is_suspended(now or utcnow())


def curates(user: Any, board_id: int, now: datetime | None = None) -> bool:
    """Hosts and moderators of a board look after its threads (pin, lock, highlight)."""
    return on_duty(user, now) and (user.moderates(board_id) or user.hosts(board_id))


def moderates(user: Any, board_id: int, now: datetime | None = None) -> bool:
    """Moderators everywhere and the board's own moderators, while not suspended.

    forum.threads.visibility asks this too, so the SQL twin of can_see_thread agrees."""
    return on_duty(user, now) and user.moderates(board_id)
