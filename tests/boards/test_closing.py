"""Closing a board to new threads: it becomes read-only (no threads, replies or questions)
until a moderator or an administrator reopens it; moderators still moderate it."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards import closing
from forum.boards.models import Board
from forum.db import db
from forum.errors import ServiceError
from forum.permissions import can_create_thread, can_post_question, can_reply
from forum.threads.models import Post, Thread
from forum.threads.queries import thread_or_none
from tests.boards.test_views import board_items
from tests.factories import grant_board_role, log_in, make_board, make_thread, make_user
from tests.paths import thread_address

NEW_THREAD = {"title": "Was the recording published?", "body": "I could not find it."}
CLOSED_NOTICE = "This board is closed to new threads"


def log_entries() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def reloaded(board: Board) -> Board:
    db.session.expire_all()
    return db.session.get_one(Board, board.id)


def counts() -> tuple[int, int]:
    """(threads, posts) in the whole forum."""
    db.session.expire_all()
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) or 0,
        db.session.scalar(sa.select(sa.func.count()).select_from(Post)) or 0,
    )


def as_user(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client


@pytest.fixture
def board(ctx) -> Board:
    return make_board(number=7, title="Knowledge networks")


@pytest.fixture
def thread(board) -> Thread:
    return make_thread(board=board, title="Networks we belong to")


@pytest.fixture
def moderator(ctx) -> User:
    return make_user(username="mo", role=Role.MODERATOR)


@pytest.fixture
def member(ctx) -> User:
    return make_user(username="mem")


@pytest.fixture
def host(board) -> User:
    user = make_user(username="hostess")
    grant_board_role(user, board, "host")
    return user


# --- the service -------------------------------------------------------------------------


def test_closing_a_board_records_when_and_who_and_logs_why(board, moderator):
    assert closing.close_board(moderator, board, "  The webinar is long past.  ") is True
    saved = reloaded(board)
    assert saved.is_closed and saved.closed_at is not None
    assert saved.closed_by_id == moderator.id
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id, entry.board_id) == (
        moderator.id,
        "close_board",
        "board",
        board.id,
        board.id,
    )
    assert entry.reason == "The webinar is long past."


def test_closing_a_closed_board_again_changes_and_logs_nothing(board, moderator):
    closing.close_board(moderator, board)
    first = reloaded(board).closed_at
    assert closing.close_board(make_user(role=Role.ADMIN), reloaded(board)) is False
    saved = reloaded(board)
    assert (saved.closed_at, saved.closed_by_id) == (first, moderator.id)
    assert [e.action for e in log_entries()] == ["close_board"]


def test_reopening_clears_the_closure_and_logs_it_once(board, moderator):
    closing.close_board(moderator, board)
    assert closing.reopen_board(moderator, reloaded(board)) is True
    assert closing.reopen_board(moderator, reloaded(board)) is False
    saved = reloaded(board)
    assert (saved.is_closed, saved.closed_at, saved.closed_by_id) == (False, None, None)
    assert [e.action for e in log_entries()] == ["close_board", "reopen_board"]


def test_a_too_long_reason_is_refused_and_the_board_stays_open(board, moderator):
    with pytest.raises(ServiceError) as refused:
        closing.close_board(moderator, board, "x" * 501)
    assert refused.value.field == "reason"
    assert reloaded(board).is_closed is False
    assert log_entries() == []


# --- the rules, for every role -----------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "host", "board_moderator", "moderator", "admin"])
def test_a_closed_board_is_read_only_for_every_role(board, thread, role):
    user = {
        "member": lambda: make_user(),
        "host": lambda: make_user(),
        "board_moderator": lambda: make_user(),
        "moderator": lambda: make_user(role=Role.MODERATOR),
        "admin": lambda: make_user(role=Role.ADMIN),
    }[role]()
    if role in ("host", "board_moderator"):
        grant_board_role(user, board, "host" if role == "host" else "moderator")
    loaded = thread_or_none(thread.id)
    assert loaded is not None
    # Open, they may write (so the refusals below come from the closure).
    assert can_create_thread(user, loaded.board) and can_reply(user, loaded)
    asks = role != "member"
    assert can_post_question(user, loaded.board) is asks

    closing.close_board(None, board)
    loaded = thread_or_none(thread.id)
    assert loaded is not None and loaded.board.is_closed
    assert can_create_thread(user, loaded.board) is False
    assert can_reply(user, loaded) is False
    assert can_post_question(user, loaded.board) is False


# --- the pages ---------------------------------------------------------------------------


def test_a_moderator_closes_a_board_from_its_page(app, board, moderator, member):
    client = as_user(app, moderator)
    assert 'href="/b/webinar-7/close">Close to new threads</a>' in client.get(
        "/b/webinar-7"
    ).get_data(as_text=True)
    assert client.get("/b/webinar-7/close").status_code == 200

    response = client.post("/b/webinar-7/close", data={"reason": "Past webinar"})

    assert (response.status_code, response.location) == (302, "/b/webinar-7")
    saved = reloaded(board)
    assert saved.is_closed and saved.closed_by_id == moderator.id
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.reason) == (
        moderator.id,
        "close_board",
        "Past webinar",
    )
    page = client.get("/b/webinar-7").get_data(as_text=True)
    assert "Reopen to new threads" in page and "Close to new threads</a>" not in page


def test_a_closed_board_reads_as_closed_on_its_page_and_the_home_page(app, board, member):
    closing.close_board(None, board)
    for user in (None, member):
        page = as_user(app, user).get("/b/webinar-7").get_data(as_text=True)
        assert CLOSED_NOTICE in page
        assert 'href="/b/webinar-7/new"' not in page
        assert "to start a thread" not in page  # no "Log in to start a thread" either
    items = board_items(app.test_client().get("/").get_data(as_text=True))
    assert "Closed to new threads" in items["/b/webinar-7"]


def test_an_open_board_shows_no_closed_notice_and_offers_a_new_thread(app, board, member):
    page = as_user(app, member).get("/b/webinar-7").get_data(as_text=True)
    assert CLOSED_NOTICE not in page and 'href="/b/webinar-7/new"' in page
    items = board_items(app.test_client().get("/").get_data(as_text=True))
    assert "Closed" not in items["/b/webinar-7"]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ADMIN])
def test_starting_a_thread_on_a_closed_board_is_refused_and_stores_nothing(
    app, board, thread, role
):
    closing.close_board(None, board)
    before = counts()
    client = as_user(app, make_user(role=role))
    assert client.get("/b/webinar-7/new").status_code == 403
    assert client.post("/b/webinar-7/new", data=NEW_THREAD).status_code == 403
    assert counts() == before


def test_posting_a_question_on_a_closed_board_is_refused_and_stores_nothing(app, board, host):
    closing.close_board(None, board)
    before = counts()
    client = as_user(app, host)
    assert 'href="/b/webinar-7/new?kind=question"' not in client.get("/b/webinar-7").get_data(
        as_text=True
    )
    response = client.post("/b/webinar-7/new?kind=question", data=NEW_THREAD)
    assert response.status_code == 403
    assert counts() == before


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
def test_replying_on_a_closed_board_is_refused_and_stores_nothing(app, board, thread, role):
    closing.close_board(None, board)
    before = counts()
    client = as_user(app, make_user(role=role))
    page = client.get(thread_address(thread)).get_data(as_text=True)
    assert CLOSED_NOTICE in page and f'action="/t/{thread.id}/reply"' not in page
    response = client.post(f"/t/{thread.id}/reply", data={"body": "One more thought."})
    assert response.status_code == 403
    assert counts() == before


def test_moderators_still_moderate_a_closed_board(app, board, thread, moderator):
    closing.close_board(None, board)
    response = as_user(app, moderator).post(f"/t/{thread.id}/lock", data={"reason": "Done"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get_one(Thread, thread.id).is_locked is True


def test_reopening_lets_members_start_threads_again(app, board, moderator, member):
    closing.close_board(moderator, board)
    response = as_user(app, make_user(role=Role.ADMIN)).post("/b/webinar-7/reopen")
    assert (response.status_code, response.location) == (302, "/b/webinar-7")
    assert reloaded(board).is_closed is False
    assert [e.action for e in log_entries()] == ["close_board", "reopen_board"]
    created = as_user(app, member).post("/b/webinar-7/new", data=NEW_THREAD)
    assert created.status_code == 302 and re.fullmatch(r"/t/\d+/[\w-]+", created.location)
    assert counts() == (1, 1)


def test_members_hosts_and_board_moderators_may_not_close_or_reopen(app, board, host, member):
    board_moderator = make_user()
    grant_board_role(board_moderator, board, "moderator")
    for user in (member, host, board_moderator):
        client = as_user(app, user)
        assert "Close to new threads" not in client.get("/b/webinar-7").get_data(as_text=True)
        assert client.get("/b/webinar-7/close").status_code == 403
        assert client.post("/b/webinar-7/close", data={"reason": "x"}).status_code == 403
    assert reloaded(board).is_closed is False
    closing.close_board(None, board)
    for user in (member, host, board_moderator):
        assert as_user(app, user).post("/b/webinar-7/reopen").status_code == 403
    assert reloaded(board).is_closed is True
    assert [e.action for e in log_entries()] == ["close_board"]


def test_reopening_without_the_forms_token_is_refused(app, board, moderator):
    closing.close_board(moderator, board)
    response = as_user(app, moderator).post("/b/webinar-7/reopen", csrf=False)
    assert response.status_code == 400
    assert reloaded(board).is_closed is True


def test_a_too_long_reason_is_refused_beside_the_field(app, board, moderator):
    response = as_user(app, moderator).post("/b/webinar-7/close", data={"reason": "x" * 501})
    assert response.status_code == 422
    assert "A reason has at most 500 characters." in html.unescape(response.get_data(as_text=True))
    assert reloaded(board).is_closed is False
    assert log_entries() == []


def test_the_log_names_closing_and_reopening_in_full(app, board, moderator):
    client = as_user(app, moderator)
    client.post("/b/webinar-7/close", data={"reason": "Past webinar"})
    client.post("/b/webinar-7/reopen")
    page = client.get("/mod/log").get_data(as_text=True)
    assert "Closed the board to new threads" in page
    assert "Reopened the board to new threads" in page
