"""Thread and post actions over HTTP: each gate wired (done by whom the rule allows, 403
for who sees the thing but may not act, 404 for who may not see it, 400 without a CSRF
token), the forms that take a reason, what readers then see, and what the pages cost.

Data is made in the test's application context; requests run in their own (CSRFClient).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import joinedload

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.models import Board
from forum.db import db
from forum.moderation import post_actions, thread_actions
from forum.threads import services as threads
from forum.threads.models import Post, PostStatus, Thread, ThreadStatus
from tests.factories import grant_board_role, log_in, make_board, make_post, make_thread, make_user
from tests.paths import thread_address
from tests.threads.test_queries import MAX_THREAD_PAGE_STATEMENTS, sql_statements


@dataclass
class World:
    """A board with a thread and a reply, a thread nobody answered, and a hidden thread."""

    users: dict[str, User]
    thread: Thread  # by "author", replied to by "replier"
    reply: Post  # by "replier"
    lone: Thread  # by "author", no replies yet
    hidden_thread: Thread  # hidden by a moderator
    hidden_reply: Post  # in the hidden thread


@pytest.fixture
def world(ctx) -> World:
    board = make_board(slug="webinar-7")
    users = {
        "moderator": make_user(username="moderator", role=Role.MODERATOR),
        "host": make_user(username="host"),
        "member": make_user(username="member"),
        "author": make_user(username="author"),
        "replier": make_user(username="replier"),
    }
    grant_board_role(users["host"], board, "host")
    thread = make_thread(board=board, author=users["author"], title="Open data in practice")
    reply = make_post(thread=thread, author=users["replier"], body="A reply worth keeping")
    lone = make_thread(board=board, author=users["author"], title="Nobody answered yet")
    hidden_thread = make_thread(board=board, author=users["author"], title="Hidden away")
    hidden_reply = make_post(thread=hidden_thread, author=users["replier"])
    thread_actions.hide_thread(users["moderator"], hidden_thread, "Spam")
    db.session.execute(sa.delete(LogEntry))
    db.session.commit()
    return World(users, thread, reply, lone, hidden_thread, hidden_reply)


def edit(post: Post, editor: User, source: str) -> None:
    """Edit a post through the threads service (which wants the post with its thread)."""
    loaded = db.session.scalar(
        sa.select(Post).options(joinedload(Post.thread)).where(Post.id == post.id)
    )
    assert loaded is not None
    threads.edit_post(loaded, editor=editor, source=source)


def as_user(client: FlaskClient, user: User) -> FlaskClient:
    log_in(client, user)
    return client


def logged_actions() -> list[str]:
    db.session.rollback()  # end the test's read transaction: see what requests committed
    return list(db.session.scalars(sa.select(LogEntry.action).order_by(LogEntry.id)))


@dataclass(frozen=True)
class Endpoint:
    action: str  # the service verb and its log entry's action
    path: str  # {thread}, {post} and {lone} stand for the world's ids
    allowed: str  # who may
    refused: str  # who sees the thing but may not
    data: tuple[tuple[str, str], ...] = ()
    prepare: str = ""  # a verb the moderator does first, so this one has something to undo

    def url(self, w: World, *, hidden: bool = False) -> str:
        if hidden:
            ids = {
                "thread": w.hidden_thread.id,
                "post": w.hidden_reply.id,
                "lone": w.hidden_thread.id,
            }
        else:
            ids = {"thread": w.thread.id, "post": w.reply.id, "lone": w.lone.id}
        return self.path.format(**ids)

    def get_ready(self, w: World) -> None:
        moderator = w.users["moderator"]
        if self.prepare in ("hide_post", "mark_insight"):
            args: tuple[Any, ...] = (w.reply, "Spam") if self.prepare == "hide_post" else (w.reply,)
            getattr(post_actions, self.prepare)(moderator, *args)
        elif self.prepare:
            args = (w.thread, "Spam") if self.prepare == "hide_thread" else (w.thread,)
            getattr(thread_actions, self.prepare)(moderator, *args)
        db.session.execute(sa.delete(LogEntry))
        db.session.commit()


REASON = (("reason", "Off topic"),)
ENDPOINTS = [
    Endpoint("pin_thread", "/t/{thread}/pin", "host", "member"),
    Endpoint("unpin_thread", "/t/{thread}/unpin", "host", "member", prepare="pin_thread"),
    Endpoint("highlight_thread", "/t/{thread}/highlight", "host", "member"),
    Endpoint(
        "unhighlight_thread",
        "/t/{thread}/unhighlight",
        "host",
        "member",
        prepare="highlight_thread",
    ),
    Endpoint("lock_thread", "/t/{thread}/lock", "host", "member", REASON),
    Endpoint("unlock_thread", "/t/{thread}/unlock", "host", "member", prepare="lock_thread"),
    Endpoint("hide_thread", "/t/{thread}/hide", "moderator", "host", REASON),
    Endpoint("restore_thread", "/t/{thread}/restore", "moderator", "author", prepare="hide_thread"),
    Endpoint("withdraw_thread", "/t/{lone}/withdraw", "author", "member"),
    Endpoint("hide_post", "/p/{post}/hide", "moderator", "host", REASON),
    Endpoint("restore_post", "/p/{post}/restore", "moderator", "host", prepare="hide_post"),
    Endpoint("delete_post", "/p/{post}/delete", "replier", "member"),
    Endpoint("mark_insight", "/p/{post}/insight", "host", "member"),
    Endpoint("unmark_insight", "/p/{post}/uninsight", "host", "member", prepare="mark_insight"),
]
IDS = [e.action for e in ENDPOINTS]
# Actions with a page of their own: the reason to give, or a confirmation.
WITH_FORM = [
    e
    for e in ENDPOINTS
    if e.action in {"lock_thread", "hide_thread", "withdraw_thread", "hide_post", "delete_post"}
]


def content() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables the thread and post actions change, as committed."""
    db.session.rollback()  # end the test's read transaction: see what requests committed
    tables = {"threads": Thread.__table__, "posts": Post.__table__, "boards": Board.__table__}
    return {
        name: [tuple(row) for row in db.session.execute(sa.select(table).order_by(table.c.id))]
        for name, table in tables.items()
    }


def thread_now(w: World, thread: Thread | None = None) -> Thread:
    db.session.rollback()
    return db.session.get_one(Thread, (thread or w.thread).id)


def post_now(w: World) -> Post:
    db.session.rollback()
    return db.session.get_one(Post, w.reply.id)


# What each action, once done, has changed (checked against the database, not the log).
DONE: dict[str, Callable[[World], bool]] = {
    "pin_thread": lambda w: thread_now(w).is_pinned,
    "unpin_thread": lambda w: not thread_now(w).is_pinned,
    "highlight_thread": lambda w: thread_now(w).is_highlighted,
    "unhighlight_thread": lambda w: not thread_now(w).is_highlighted,
    "lock_thread": lambda w: thread_now(w).is_locked and thread_now(w).lock_reason == "Off topic",
    "unlock_thread": lambda w: not thread_now(w).is_locked,
    "hide_thread": lambda w: thread_now(w).status == ThreadStatus.HIDDEN,
    "restore_thread": lambda w: thread_now(w).status == ThreadStatus.VISIBLE,
    "withdraw_thread": lambda w: thread_now(w, w.lone).status == ThreadStatus.WITHDRAWN,
    "hide_post": lambda w: post_now(w).status == PostStatus.HIDDEN,
    "restore_post": lambda w: post_now(w).status == PostStatus.PUBLISHED,
    "delete_post": lambda w: post_now(w).status == PostStatus.DELETED,
    "mark_insight": lambda w: post_now(w).is_key_insight,
    "unmark_insight": lambda w: not post_now(w).is_key_insight,
}


def test_every_action_says_what_it_changes():
    assert set(DONE) == set(IDS)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_an_action_is_done_for_whom_its_rule_allows(world, client, endpoint: Endpoint) -> None:
    endpoint.get_ready(world)
    client = as_user(client, world.users[endpoint.allowed])
    assert not DONE[endpoint.action](world)
    before = content()
    response = client.post(endpoint.url(world), data=dict(endpoint.data))
    assert response.status_code == 302
    assert DONE[endpoint.action](world)
    assert content() != before
    assert logged_actions() == [endpoint.action]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_an_action_is_forbidden_to_who_sees_the_thing_but_may_not_act(
    world, client, endpoint: Endpoint
) -> None:
    endpoint.get_ready(world)
    client = as_user(client, world.users[endpoint.refused])
    before = content()
    assert client.post(endpoint.url(world), data=dict(endpoint.data)).status_code == 403
    assert content() == before
    assert logged_actions() == []


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_an_action_on_what_the_member_may_not_see_is_not_found(
    world, client, endpoint: Endpoint
) -> None:
    client = as_user(client, world.users["member"])
    url = endpoint.url(world, hidden=True)
    before = content()
    assert client.post(url, data=dict(endpoint.data)).status_code == 404
    assert content() == before
    assert logged_actions() == []


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_an_action_without_a_csrf_token_is_refused(world, client, endpoint: Endpoint) -> None:
    endpoint.get_ready(world)
    client = as_user(client, world.users[endpoint.allowed])
    before = content()
    response = client.post(endpoint.url(world), data=dict(endpoint.data), csrf=False)
    assert response.status_code == 400
    assert content() == before
    assert logged_actions() == []


def test_a_guest_is_sent_to_log_in_and_nothing_happens(world, client):
    before = content()
    response = client.post(f"/t/{world.thread.id}/pin")
    assert response.status_code == 302 and "/login" in response.location
    assert content() == before
    assert logged_actions() == []


@pytest.mark.parametrize("endpoint", WITH_FORM, ids=[e.action for e in WITH_FORM])
def test_an_actions_own_page_shows_its_form_only_to_whom_may_act(
    world, client, endpoint: Endpoint
) -> None:
    url = endpoint.url(world)
    before = content()
    page = as_user(client, world.users[endpoint.allowed]).get(url)
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text and '<button type="submit">' in page.text
    assert as_user(client, world.users[endpoint.refused]).get(url).status_code == 403
    assert content() == before
    assert logged_actions() == []


# --- forms that take a reason ------------------------------------------------------------


def test_hiding_without_a_reason_shows_the_form_again_with_the_message(world, client):
    client = as_user(client, world.users["moderator"])
    before = content()
    response = client.post(f"/p/{world.reply.id}/hide", data={"reason": "  "})
    assert response.status_code == 422
    assert "Please give a reason." in response.text
    assert content() == before
    assert logged_actions() == []


def test_a_too_long_lock_reason_is_refused_and_the_typed_text_kept(world, client):
    client = as_user(client, world.users["host"])
    reason = "Closed " + "x" * 500
    response = client.post(f"/t/{world.thread.id}/lock", data={"reason": reason})
    assert response.status_code == 422
    assert "at most 500 characters" in response.text and reason in response.text
    db.session.rollback()
    assert db.session.get_one(Thread, world.thread.id).is_locked is False
    assert logged_actions() == []


def test_a_lock_reason_is_shown_to_readers(world, client):
    as_user(client, world.users["host"]).post(
        f"/t/{world.thread.id}/lock", data={"reason": "The webinar's discussion is closed."}
    )
    page = as_user(client, world.users["member"]).get(thread_address(world.thread))
    assert "Locked: The webinar&#39;s discussion is closed." in page.text
    assert f'action="/t/{world.thread.id}/reply"' not in page.text


# --- what readers then see ---------------------------------------------------------------


def test_readers_see_that_a_moderator_removed_a_post_and_its_author_sees_why(world, client):
    as_user(client, world.users["moderator"]).post(
        f"/p/{world.reply.id}/hide", data={"reason": "Personal attack"}
    )
    reader = as_user(client, world.users["member"]).get(thread_address(world.thread)).text
    assert "This post was removed by a moderator." in reader
    assert "A reply worth keeping" not in reader and "Personal attack" not in reader
    author = as_user(client, world.users["replier"]).get(thread_address(world.thread)).text
    assert "Reason: Personal attack" in author
    moderator = as_user(client, world.users["moderator"]).get(thread_address(world.thread)).text
    assert (
        "A reply worth keeping" in moderator
        and f'action="/p/{world.reply.id}/restore"' in moderator
    )


def test_readers_see_that_the_author_deleted_their_reply(world, client):
    as_user(client, world.users["replier"]).post(f"/p/{world.reply.id}/delete")
    page = as_user(client, world.users["member"]).get(thread_address(world.thread)).text
    assert "This post was deleted by its author." in page and "A reply worth keeping" not in page


def test_a_hidden_thread_is_not_found_for_readers_but_its_author_sees_why(world, client):
    path = thread_address(world.hidden_thread)
    assert as_user(client, world.users["member"]).get(path).status_code == 404
    author = as_user(client, world.users["author"]).get(path)
    assert author.status_code == 200 and "A moderator hid this thread: Spam." in author.text
    moderator = as_user(client, world.users["moderator"]).get(path)
    assert f'action="/t/{world.hidden_thread.id}/restore"' in moderator.text


def test_a_withdrawn_thread_leaves_the_board_and_its_address(world, client):
    client = as_user(client, world.users["author"])
    response = client.post(f"/t/{world.lone.id}/withdraw")
    assert response.location == "/b/webinar-7"
    assert client.get(thread_address(world.lone)).status_code == 404
    assert "Nobody answered yet" not in client.get("/b/webinar-7").text


def test_a_key_insight_is_marked_on_its_post_and_collected_on_the_board(world, client):
    as_user(client, world.users["host"]).post(f"/p/{world.reply.id}/insight")
    client = as_user(client, world.users["member"])
    thread_page = client.get(thread_address(world.thread)).text
    assert f'class="post insight" id="p{world.reply.id}"' in thread_page
    board_page = client.get("/b/webinar-7").text
    assert 'id="insights-heading"' in board_page
    assert "A reply worth keeping" in board_page and f'href="/p/{world.reply.id}"' in board_page


def test_a_board_without_key_insights_shows_no_such_section(world, client):
    assert 'id="insights-heading"' not in client.get("/b/webinar-7").text


# --- the buttons follow the rules --------------------------------------------------------


def _tools(client: FlaskClient, path: str) -> set[str]:
    page = client.get(path).text
    names = ["pin", "highlight", "lock", "hide", "withdraw", "delete", "insight", "revisions"]
    return {name for name in names if f'/{name}"' in page}


def test_each_reader_sees_the_tools_their_roles_allow(world, client):
    edit(world.reply, world.users["replier"], "A reply, edited")
    path = thread_address(world.thread)
    assert _tools(as_user(client, world.users["member"]), path) == set()
    assert _tools(as_user(client, world.users["replier"]), path) == {"delete"}
    assert _tools(as_user(client, world.users["host"]), path) == {
        "pin",
        "highlight",
        "lock",
        "insight",
    }
    assert _tools(as_user(client, world.users["moderator"]), path) == {
        "pin", "highlight", "lock", "hide", "insight", "revisions"
    }  # fmt: skip
    assert _tools(as_user(client, world.users["author"]), thread_address(world.lone)) == {
        "withdraw"
    }


# --- earlier versions --------------------------------------------------------------------


def test_moderators_read_every_earlier_version_of_a_post(world, client):
    edit(world.reply, world.users["replier"], "Second text")
    edit(world.reply, world.users["moderator"], "Third text")
    url = f"/p/{world.reply.id}/revisions"
    page = as_user(client, world.users["moderator"]).get(url)
    assert page.status_code == 200
    text = page.text
    assert text.index("Third text") < text.index("Second text") < text.index("A reply worth")
    assert "Version 3 (current)" in text and "Version 1 (original)" in text
    assert "Edited by moderator" in text and "Written by replier" in text
    # Readers, hosts and the author see only that it was edited.
    for who in ("member", "host", "replier"):
        assert as_user(client, world.users[who]).get(url).status_code == 403
        page = client.get(thread_address(world.thread)).text
        assert "edited" in page and "Second text" not in page and url not in page
    assert (
        as_user(client, world.users["member"])
        .get(f"/p/{world.hidden_reply.id}/revisions")
        .status_code
        == 404
    )


# --- cost --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["moderator", "host"])
def test_a_thread_page_with_every_tool_costs_no_more_statements(app: Flask, world, client, who):
    thread = world.thread
    for i in range(18):
        post = make_post(thread=thread, author=make_user(), body=f"Reply {i}")
        if i % 3 == 0:
            post_actions.hide_post(world.users["moderator"], post, "Spam")
        elif i % 3 == 1:
            post_actions.mark_insight(world.users["moderator"], post)
        else:
            edit(post, world.users["moderator"], "Edited")
    thread_actions.lock_thread(world.users["moderator"], thread, "Closed")
    client = as_user(client, world.users[who])
    client.get(thread_address(thread))  # the first request may set up the session (CSRF token)
    with sql_statements(app) as statements:
        response = client.get(thread_address(thread))
    assert response.status_code == 200 and "Unlock thread" in response.text
    assert len(statements) <= MAX_THREAD_PAGE_STATEMENTS, statements
