"""Account use cases: register, authenticate, change profile and password, load a login."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum.accounts import sessions
from forum.accounts.models import USERNAME_MAX, Role, User, UserSession
from forum.accounts.roles import board_roles_of as board_roles_of  # re-exported
from forum.accounts.roles import group_roles
from forum.boards.models import BoardRole
from forum.db import db
from forum.errors import ServiceError

USERNAME_RE = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_.-]{{2,{USERNAME_MAX - 1}}}$")
PASSWORD_MIN, PASSWORD_MAX = 10, 200
PROFILE_FIELDS = ("display_name", "country", "organisation", "network_role", "bio")

# Checked against when no account matches, so that a wrong username costs as much time
# as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")


def username_problem(username: str) -> str | None:
    """Return why `username` cannot be used, or None if it can."""
    if not USERNAME_RE.fullmatch(username):
        return (
            f"Use 3 to {USERNAME_MAX} letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    return None


def password_problem(password: str) -> str | None:
    """Return why `password` cannot be used, or None if it can."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    return None


def register(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    role: Role = Role.MEMBER,
    approved: bool | None = None,
) -> User:
    """Create an account; a taken username or email is a ServiceError on that field.

    While registration needs approval (REGISTRATION_MODE "approval"), a new member's
    account can read and log in but not post until a moderator approves it; whoever
    creates the account (the form, a command, an import) gets that policy, unless
    `approved` states it. Moderators and administrators are approved from the start.
    """
    if approved is None:
        approved = role != Role.MEMBER or current_app.config["REGISTRATION_MODE"] != "approval"
    for field, problem in (
        ("username", username_problem(username)),
        ("password", password_problem(password)),
    ):
        if problem:
            raise ServiceError(problem, field=field)
    user = User(
        username=username,
        username_key=username.lower(),
        email=email.strip().lower(),
        password_hash=generate_password_hash(password),
        display_name=display_name.strip(),
        role=role,
        is_approved=approved,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise _which_is_taken(username, email) from None
    return user


def _which_is_taken(username: str, email: str) -> ServiceError:
    taken = db.session.scalar(sa.select(User.id).where(User.username_key == username.lower()))
    if taken is not None:
        return ServiceError("That username is taken. Please choose another.", field="username")
    return ServiceError(
        "An account with that email address already exists. Log in instead?", field="email"
    )


def _named_by(login: str) -> sa.ColumnElement[bool]:
    """Match the account `login` names: an email address, or a username in any case."""
    key = login.strip().lower()
    column = User.email if "@" in key else User.username_key
    return column == key


def account_id_for_login(login: str) -> int | None:
    """Return the id of the account `login` (username or email) names, or None."""
    return db.session.scalar(sa.select(User.id).where(_named_by(login)))


def authenticate(login: str, password: str) -> User | None:
    """Return the active account that `login` (username or email) and `password` open."""
    user = db.session.scalar(sa.select(User).where(_named_by(login)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


def update_profile(user: User, **fields: str) -> None:
    """Save the public profile fields of `user`."""
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(user, name, (fields[name] or "").strip())
    db.session.commit()


def change_password(user: User, *, current: str, new: str, keep_session: int | None) -> None:
    """Replace the password and end every session of the account but `keep_session`
    (the one the change was made from)."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError("That is not your current password.", field="current_password")
    problem = password_problem(new)
    if problem:
        raise ServiceError(problem, field="new_password")
    user.password_hash = generate_password_hash(new)
    sessions.forget_sessions(user.id, keep=keep_session)
    db.session.commit()


def load_by_session_key(key: str, *, now: datetime, lifetime: sessions.Lifetime) -> User | None:
    """Return the active account whose live session `key` names (from a session or remember
    cookie), carrying that session and the boards the account hosts or moderates."""
    if not key or len(key) > 100:
        return None
    # One statement for the session, the account and its board roles: every signed-in page
    # pays for it.
    rows = db.session.execute(
        sa.select(User, UserSession, BoardRole.board_id, BoardRole.role)
        .join(UserSession, UserSession.user_id == User.id)
        .outerjoin(BoardRole, BoardRole.user_id == User.id)
        .where(
            UserSession.key_hash == sessions.hash_key(key),
            User.is_active,
            *sessions.live(now, lifetime),
        )
    ).all()
    if not rows:
        return None
    user, row = rows[0][0], rows[0][1]
    user.session_key, user.current_session = key, row
    user.board_roles = group_roles((board_id, role) for _, _, board_id, role in rows if board_id)
    return user
