"""Reads: what the thread queries return, and how many SQL statements pages cost.

Pages issue a small, fixed number of statements whatever their length, and never write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import NotFound

from forum.accounts.models import Guest, Role, User
from forum.boards.models import Board
from forum.db import db, utcnow
from forum.permissions import can_see_thread
from forum.threads import queries, services
from forum.threads.models import Post, Thread, ThreadKind, ThreadStatus
from tests.factories import (
    grant_board_role,
    log_in,
    make_board,
    make_post,
    make_thread,
    make_user,
)
from tests.paths import thread_address

MAX_THREAD_PAGE_STATEMENTS = 6
# The board, its count of threads, one page of them, the hosts' questions, its key insights.
MAX_BOARD_PAGE_STATEMENTS = 5
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "UPSERT")


@contextmanager
def sql_statements(app: Flask) -> Iterator[list[str]]:
    """Record every SQL statement the app's engine runs inside the block."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().split(None, 1)[0].upper() in WRITES]


def _client(app: Flask, user: User | None):  # type: ignore[no-untyped-def]
    client = app.test_client()
    if user is not None:
        with app.app_context():
            db.session.add(user)
            log_in(client, user)
    return client


# --- queries -----------------------------------------------------------------------------


def test_thread_page_returns_one_page_of_posts_in_order_with_author_details(ctx) -> None:
    author = make_user(username="ana", display_name="Ana Ruiz", network_role="Focal point")
    thread = make_thread(author=author, replies=6)
    first_page = queries.thread_page(thread, Guest(), page=1, per_page=3)
    assert [p.position for p in first_page] == [1, 2, 3]
    opening = first_page[0]
    assert (opening.username, opening.display_name, opening.network_role) == (
        "ana",
        "Ana Ruiz",
        "Focal point",
    )
    assert opening.author_id == author.id and opening.author_name == "ana"
    assert opening.html and opening.created_at.tzinfo is not None and opening.edited_at is None
    assert [p.position for p in queries.thread_page(thread, Guest(), page=2, per_page=3)] == [
        4,
        5,
        6,
    ]
    assert [p.position for p in queries.thread_page(thread, Guest(), page=3, per_page=3)] == [7]
    assert list(queries.thread_page(thread, Guest(), page=4, per_page=3)) == []


def test_thread_page_keeps_to_its_own_thread(ctx) -> None:
    thread, other = make_thread(replies=1), make_thread(replies=1)
    mine = {p.id for p in queries.thread_page(thread, Guest(), page=1, per_page=20)}
    stmt = sa.select(Post.id).where(Post.thread_id == thread.id)
    assert mine == set(db.session.scalars(stmt))
    assert len(queries.thread_page(other, Guest(), page=1, per_page=20)) == 2


def test_a_post_of_a_deleted_account_has_no_author_but_keeps_the_name(ctx) -> None:
    leaver = make_user(username="leaver")
    thread = make_thread(author=leaver)
    db.session.delete(leaver)
    db.session.commit()
    [post] = queries.thread_page(thread, Guest(), page=1, per_page=20)
    assert (post.author_id, post.username, post.author_name) == (None, None, "leaver")


@pytest.mark.parametrize(
    ("position", "per_page", "page"),
    [(1, 20, 1), (20, 20, 1), (21, 20, 2), (40, 20, 2), (41, 20, 3), (45, 20, 3), (7, 3, 3)],
)
def test_page_of_a_position(position: int, per_page: int, page: int) -> None:
    assert queries.page_of(position, per_page) == page


def test_thread_or_404_loads_the_board_with_the_thread(ctx) -> None:
    thread_id = make_thread().id
    db.session.expunge_all()
    loaded = queries.thread_or_404(thread_id, Guest())
    assert loaded.board.slug  # loaded eagerly: a lazy load would raise


def test_post_or_404_loads_the_thread_and_board_with_the_post(ctx) -> None:
    post_id = make_post().id
    db.session.expunge_all()
    loaded = queries.post_or_404(post_id, Guest())
    assert loaded.thread.board.slug


def test_unknown_ids_abort_with_404(ctx) -> None:
    with pytest.raises(NotFound):
        queries.thread_or_404(123456, Guest())
    with pytest.raises(NotFound):
        queries.post_or_404(123456, Guest())


def test_visible_to_lets_through_exactly_the_threads_can_see_thread_allows(ctx) -> None:
    # The SQL twin of forum.permissions.can_see_thread, for every role and thread state.
    board, elsewhere = make_board(), make_board()
    author = make_user()
    soon = utcnow() + timedelta(days=1)
    states = {
        "open": services.start_thread(board, author=author, title="Open thread", source="x"),
        "held": services.start_thread(
            board, author=author, title="Held thread", source="x", held=True
        ),
        "scheduled": services.start_thread(
            board,
            author=author,
            title="A question",
            source="x",
            kind=ThreadKind.QUESTION,
            publish_at=soon,
        ),
    }
    for state, values in {
        "locked": {"is_locked": True},
        "hidden": {"status": ThreadStatus.HIDDEN},
        "withdrawn": {"status": ThreadStatus.WITHDRAWN},
    }.items():
        states[state] = services.start_thread(
            board, author=author, title=f"{state} thread", source="x"
        )
        db.session.execute(sa.update(Thread).where(Thread.id == states[state].id).values(**values))
    db.session.commit()
    host, other_host, board_moderator = make_user(), make_user(), make_user()
    grant_board_role(host, board, "host")
    grant_board_role(other_host, elsewhere, "host")
    grant_board_role(board_moderator, board, "moderator")
    viewers = {
        "anonymous": Guest(),
        "pending": make_user(is_approved=False),
        "suspended": make_user(suspended_until=soon),
        "member": make_user(),
        "author": author,
        "host": host,
        "other_host": other_host,
        "board_moderator": board_moderator,
        "moderator": make_user(role=Role.MODERATOR),
        "admin": make_user(role=Role.ADMIN),
    }
    now = utcnow()
    threads = {state: db.session.get_one(Thread, t.id) for state, t in states.items()}
    for role, viewer in viewers.items():
        level = queries.visibility_level(viewer, board.id)
        stmt = sa.select(Thread.id).where(Thread.board_id == board.id, queries.visible_to(level))
        ids = set(db.session.scalars(stmt, queries.visibility_params(viewer, now)))
        seen_in_sql = {state for state, t in threads.items() if t.id in ids}
        seen = {state for state, t in threads.items() if can_see_thread(viewer, t, now)}
        assert seen_in_sql == seen, role
        assert "open" in seen and "locked" in seen


# --- Statements per page -----------------------------------------------------------------


def _thread_paths(app: Flask) -> tuple[str, str, User]:
    """Return a one-post thread, a twenty-post thread (by twenty authors) and a member."""
    with app.app_context():
        short = make_thread(title="A short thread")
        full = make_thread(title="A full thread")
        for _ in range(19):
            make_post(thread=full, author=make_user(network_role="Focal point", country="Peru"))
        assert db.session.get(Thread, full.id).post_count == 20  # type: ignore[union-attr]
        return thread_address(short), thread_address(full), make_user()


@pytest.mark.parametrize("logged", [False, True], ids=["anonymous", "logged-in"])
def test_a_thread_page_costs_the_same_few_statements_for_one_post_as_for_twenty(app, logged):
    short, full, member = _thread_paths(app)
    client = _client(app, member if logged else None)
    client.get(short)  # the first request may set up the session (CSRF token)
    costs = []
    for path in (short, full):
        with sql_statements(app) as statements:
            response = client.get(path)
        assert response.status_code == 200
        costs.append(len(statements))
    assert costs[0] == costs[1] <= MAX_THREAD_PAGE_STATEMENTS, costs


def test_a_thread_page_for_a_moderator_costs_no_more(app):
    short, full, _ = _thread_paths(app)
    with app.app_context():
        moderator = make_user(role=Role.MODERATOR)
    client = _client(app, moderator)
    client.get(short)
    with sql_statements(app) as statements:
        assert client.get(full).status_code == 200
    assert len(statements) <= MAX_THREAD_PAGE_STATEMENTS


def test_the_board_list_costs_two_statements_however_many_boards(app, client):
    # The boards, then every board's counts and latest thread in one query (board_stats).
    costs = []
    for count in (1, 6):
        with app.app_context():
            for _ in range(count):
                make_thread(board=make_board(), replies=1)
        with sql_statements(app) as statements:
            assert client.get("/").status_code == 200
        costs.append(len(statements))
    assert costs == [2, 2]


def test_a_board_page_costs_the_same_few_statements_however_many_threads(app, client):
    with app.app_context():
        board_id = make_board(slug="webinar-1").id
    costs = []
    for count in (1, 8):
        with app.app_context():
            board = db.session.get_one(Board, board_id)
            for _ in range(count):
                make_thread(board=board, replies=1)
        with sql_statements(app) as statements:
            assert client.get("/b/webinar-1").status_code == 200
        costs.append(len(statements))
    assert costs[0] == costs[1] <= MAX_BOARD_PAGE_STATEMENTS, costs


def test_a_permalink_costs_one_statement(app, client):
    with app.app_context():
        post_id = make_post().id
    with sql_statements(app) as statements:
        assert client.get(f"/p/{post_id}").status_code == 302
    assert len(statements) == 1


# --- Pages never write -------------------------------------------------------------------


def _every_page(app: Flask) -> tuple[list[str], User]:
    with app.app_context():
        author = make_user(username="ana")
        board = make_board(slug="webinar-1")
        thread = make_thread(board=board, author=author, replies=3)
        post = make_post(thread=thread, author=author)
        paths = [
            "/",
            "/b/webinar-1",
            "/b/webinar-1?page=1",
            thread_address(thread),
            f"/t/{thread.id}",
            f"/p/{post.id}",
            "/u/ana",
            "/b/no-such-board",
            "/t/99999/x",
        ]
        return paths, author


@pytest.mark.parametrize("logged", [False, True], ids=["anonymous", "logged-in"])
def test_get_requests_make_no_database_writes(app, logged):
    paths, author = _every_page(app)
    client = _client(app, author if logged else None)
    with sql_statements(app) as statements:
        for path in paths:
            assert client.get(path).status_code in (200, 301, 302, 404)
    assert statements, "the listener saw nothing"
    assert writes(statements) == []


def test_reading_the_reply_and_edit_forms_makes_no_database_writes(app):
    paths, author = _every_page(app)
    with app.app_context():
        post_id = db.session.scalar(sa.select(sa.func.max(Post.id)))
        thread_id = db.session.scalar(sa.select(Post.thread_id).where(Post.id == post_id))
    client = _client(app, author)
    with sql_statements(app) as statements:
        assert client.get(f"/t/{thread_id}/reply?quote={post_id}").status_code == 200
        assert client.get(f"/p/{post_id}/edit").status_code == 200
        assert client.get("/b/webinar-1/new").status_code == 200
    assert writes(statements) == []


def test_the_write_detector_sees_writes(app):
    # Guards the test above against passing because nothing was recorded as a write.
    with app.app_context():
        member = make_user()
        thread_id = make_thread().id
    client = _client(app, member)
    with sql_statements(app) as statements:
        client.post(f"/t/{thread_id}/reply", data={"body": "A reply"})
    assert {s.split(None, 1)[0].upper() for s in writes(statements)} >= {"INSERT", "UPDATE"}
