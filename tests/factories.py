"""Plain factory functions: keyword-only overrides, missing parents made on the way.

Call them inside an application context (the `ctx` fixture).
"""

from __future__ import annotations

import itertools
from datetime import date

from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from forum.accounts.models import Role, User
from forum.boards.models import Board
from forum.db import db, utcnow
from forum.threads import services as threads
from forum.threads.models import Post, Thread

PASSWORD = "correct horse battery"
# Hashed once: hashing per user would make the suite slow for nothing.
_PASSWORD_HASH = generate_password_hash(PASSWORD)
_seq = itertools.count(1)


def make_user(*, username: str | None = None, role: Role = Role.MEMBER, **fields: object) -> User:
    n = next(_seq)
    username = username or f"user{n}"
    user = User(
        username=username,
        username_key=username.lower(),
        email=fields.pop("email", None) or f"{username.lower()}@example.org",
        password_hash=_PASSWORD_HASH,
        role=role,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_board(*, number: int | None = None, **fields: object) -> Board:
    n = next(_seq)
    number = number if number is not None else 100 + n
    board = Board(
        number=number,
        slug=str(fields.pop("slug", None) or f"webinar-{number}"),
        title=fields.pop("title", f"Webinar number {number}"),
        webinar_date=fields.pop("webinar_date", date(2023, 9, 5)),
        **fields,
    )
    db.session.add(board)
    db.session.commit()
    return board


def make_thread(
    *,
    board: Board | None = None,
    author: User | None = None,
    title: str = "Sharing biodiversity data across borders",
    body: str = "How do your networks share data?",
    replies: int = 0,
) -> Thread:
    # Published whatever the pre-moderation setting: fixtures state what they make.
    thread = threads.start_thread(
        board or make_board(), author=author or make_user(), title=title, source=body, held=False
    )
    for i in range(replies):
        threads.reply(
            thread, author=thread_author(thread), source=f"Reply number {i + 1}", held=False
        )
    return thread


def make_post(
    *, thread: Thread | None = None, author: User | None = None, body: str = "I agree."
) -> Post:
    thread = thread or make_thread()
    return threads.reply(thread, author=author or make_user(), source=body, held=False)


def thread_author(thread: Thread) -> User:
    author = db.session.get(User, thread.author_id)
    assert author is not None
    return author


def log_in(client: FlaskClient, user: User) -> None:
    """Open a session for `user` without going through the login form (which has its own tests)."""
    from forum.accounts import sessions

    lifetime = sessions.lifetime_from(client.application.config)
    key = sessions.open_session(user, now=utcnow(), lifetime=lifetime, device="Test client")
    db.session.refresh(user)  # loaded again after the commit, for tests that read it later
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True


def grant_board_role(user: User, board: Board, role: str) -> None:
    """Make `user` a "host" or "moderator" of `board` (and refresh the roles it carries)."""
    from forum.accounts.services import board_roles_of
    from forum.boards.models import BoardRole, BoardRoleKind

    db.session.add(BoardRole(board_id=board.id, user_id=user.id, role=BoardRoleKind(role)))
    db.session.commit()
    user.board_roles = board_roles_of(user.id)
