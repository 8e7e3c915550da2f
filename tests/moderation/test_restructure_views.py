"""Moving, merging and splitting threads over HTTP: each gate wired (403 for who sees the
thread but may not act, 404 for who may not see it, 400 without a CSRF token), and the
forms doing their work without JavaScript.

Data is made in the test's application context; requests run in their own (CSRFClient).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.models import Board
from forum.db import db
from forum.moderation import thread_actions
from forum.threads.models import Post, Thread
from tests.factories import grant_board_role, log_in, make_board, make_post, make_thread, make_user
from tests.paths import thread_address

ENDPOINTS = ["move", "merge", "split"]


@dataclass
class World:
    """Two boards, with a thread of three posts and a hidden thread on the first."""

    users: dict[str, User]
    board: Board
    other_board: Board
    thread: Thread
    other: Thread  # on other_board
    hidden: Thread


@pytest.fixture
def world(ctx: Flask) -> World:
    board, other_board = make_board(slug="webinar-7"), make_board(slug="webinar-8")
    users = {
        "moderator": make_user(username="moderator", role=Role.MODERATOR),
        "board_moderator": make_user(username="focal"),
        "host": make_user(username="host"),
        "member": make_user(username="member"),
    }
    grant_board_role(users["board_moderator"], board, "moderator")
    grant_board_role(users["host"], board, "host")
    thread = make_thread(board=board, title="Open data in practice", replies=2)
    other = make_thread(board=other_board, title="Open data, asked again")
    hidden = make_thread(board=board, title="Hidden away")
    make_post(thread=hidden)
    thread_actions.hide_thread(users["moderator"], hidden, "Spam")
    db.session.execute(sa.delete(LogEntry))
    db.session.commit()
    return World(users, board, other_board, thread, other, hidden)


def as_user(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    log_in(client, user)
    return client


def _fresh(thread: Thread) -> Thread:
    db.session.rollback()  # end the test's read transaction: see what requests committed
    db.session.expire_all()
    return db.session.get_one(Thread, thread.id)


def _post_ids(thread: Thread) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Post.id).where(Post.thread_id == thread.id).order_by(Post.position)
        )
    )


def _valid_form(world: World, endpoint: str) -> dict[str, object]:
    """What a moderator would send to act on world.thread."""
    return {
        "move": {"board": world.other_board.id},
        "merge": {"target": str(world.other.id)},
        "split": {"posts": [_post_ids(world.thread)[-1]], "title": "A thread of its own"},
    }[endpoint]


def _nothing_happened(world: World) -> bool:
    db.session.rollback()
    return (
        _fresh(world.thread).board_id == world.board.id
        and _fresh(world.thread).merged_into_id is None
        and len(_post_ids(world.thread)) == 3
        and len(_post_ids(world.other)) == 1
        and _fresh(world.hidden).board_id == world.board.id
        and _fresh(world.hidden).merged_into_id is None
        and len(_post_ids(world.hidden)) == 2
        and db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 3
        and db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 0
    )


# --- the gates ---------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", ["member", "host"])
def test_readers_who_do_not_moderate_the_board_are_forbidden(
    ctx: Flask, world: World, endpoint: str, who: str
) -> None:
    client = as_user(ctx, world.users[who])
    path = f"/t/{world.thread.id}/{endpoint}"

    assert client.get(path).status_code == 403
    assert client.post(path, data=_valid_form(world, endpoint)).status_code == 403
    assert _nothing_happened(world)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_hidden_thread_is_not_found_by_members_who_cannot_see_it(
    ctx: Flask, world: World, endpoint: str
) -> None:
    client = as_user(ctx, world.users["member"])
    path = f"/t/{world.hidden.id}/{endpoint}"

    assert client.get(path).status_code == 404
    assert client.post(path, data={"title": "Whatever it is"}).status_code == 404
    assert client.post(path, data=_valid_form(world, endpoint)).status_code == 404
    assert _nothing_happened(world)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_form_sent_without_its_csrf_token_changes_nothing(
    ctx: Flask, world: World, endpoint: str
) -> None:
    client = as_user(ctx, world.users["moderator"])
    response = client.post(
        f"/t/{world.thread.id}/{endpoint}", data=_valid_form(world, endpoint), csrf=False
    )

    assert response.status_code == 400
    assert _nothing_happened(world)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_guests_are_sent_to_log_in(ctx: Flask, world: World, endpoint: str) -> None:
    path = f"/t/{world.thread.id}/{endpoint}"
    response = ctx.test_client().get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    sent = ctx.test_client().post(path, data=_valid_form(world, endpoint))
    assert sent.status_code == 302 and "/login" in sent.headers["Location"]
    assert _nothing_happened(world)


def test_the_thread_page_links_moderators_to_the_restructuring_pages(
    ctx: Flask, world: World
) -> None:
    path = f"/t/{world.thread.id}/{world.thread.slug}"
    links = [f'href="/t/{world.thread.id}/{e}"' for e in ENDPOINTS]

    moderator_page = as_user(ctx, world.users["board_moderator"]).get(path).text
    member_page = as_user(ctx, world.users["member"]).get(path).text

    assert all(link in moderator_page for link in links)
    assert not any(link in member_page for link in links)


# --- move --------------------------------------------------------------------------------


def test_a_moderator_moves_a_thread_by_choosing_its_new_board(ctx: Flask, world: World) -> None:
    client = as_user(ctx, world.users["moderator"])
    path = f"/t/{world.thread.id}/move"
    form = client.get(path)
    assert form.status_code == 200
    assert f'<option value="{world.other_board.id}">' in form.text

    response = client.post(path, data={"board": world.other_board.id, "reason": "Wrong webinar"})

    assert response.status_code == 302
    assert response.headers["Location"] == thread_address(world.thread)
    assert _fresh(world.thread).board_id == world.other_board.id
    assert db.session.scalars(sa.select(LogEntry.action)).all() == ["move_thread"]


def test_a_board_moderator_may_not_move_a_thread_to_a_board_they_do_not_moderate(
    ctx: Flask, world: World
) -> None:
    client = as_user(ctx, world.users["board_moderator"])
    path = f"/t/{world.thread.id}/move"

    page = client.get(path)
    assert page.status_code == 200
    assert f'value="{world.other_board.id}"' not in page.text
    assert client.post(path, data={"board": world.other_board.id}).status_code == 403
    assert _nothing_happened(world)


# --- merge -------------------------------------------------------------------------------


def test_a_moderator_merges_a_thread_into_the_one_at_a_given_address(
    ctx: Flask, world: World
) -> None:
    client = as_user(ctx, world.users["moderator"])
    moved = _post_ids(world.thread)
    address = f"https://forum.example.org/t/{world.other.id}/{world.other.slug}?page=1"

    response = client.post(f"/t/{world.thread.id}/merge", data={"target": address})

    assert response.status_code == 302
    assert response.headers["Location"] == thread_address(world.other)
    assert _fresh(world.thread).merged_into_id == world.other.id
    assert set(moved) <= set(_post_ids(world.other))
    old_page = client.get(thread_address(world.thread))
    assert (old_page.status_code, old_page.headers["Location"]) == (301, f"/t/{world.other.id}")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "Please give the thread to merge into."),
        ("not a thread", "There is no such thread"),
        ("999999", "There is no such thread"),
        ("this", "That is this thread"),
    ],
)
def test_a_merge_into_no_thread_or_into_itself_is_refused_beside_the_field(
    ctx: Flask, world: World, target: str, message: str
) -> None:
    client = as_user(ctx, world.users["moderator"])
    sent = str(world.thread.id) if target == "this" else target

    response = client.post(f"/t/{world.thread.id}/merge", data={"target": sent})

    assert response.status_code == 422
    assert message in response.text
    assert f'value="{sent}"' in response.text or not sent
    assert _nothing_happened(world)


def test_a_hidden_thread_on_another_board_is_unknown_to_a_board_moderator_merging(
    ctx: Flask, world: World
) -> None:
    thread_actions.hide_thread(world.users["moderator"], world.other, "Spam")
    db.session.execute(sa.delete(LogEntry))
    db.session.commit()
    client = as_user(ctx, world.users["board_moderator"])

    response = client.post(f"/t/{world.thread.id}/merge", data={"target": f"/t/{world.other.id}"})

    assert response.status_code == 422
    assert "There is no such thread" in response.text
    assert _nothing_happened(world)


def test_a_board_moderator_cannot_merge_into_a_thread_on_a_board_they_do_not_moderate(
    ctx: Flask, world: World
) -> None:
    client = as_user(ctx, world.users["board_moderator"])

    response = client.post(f"/t/{world.thread.id}/merge", data={"target": str(world.other.id)})

    assert response.status_code == 422
    assert "only into a thread on a board you moderate" in response.text
    assert _nothing_happened(world)


# --- split -------------------------------------------------------------------------------


def test_a_moderator_splits_ticked_posts_into_a_new_thread(ctx: Flask, world: World) -> None:
    client = as_user(ctx, world.users["board_moderator"])
    path = f"/t/{world.thread.id}/split"
    ids = _post_ids(world.thread)
    page = client.get(path)
    assert page.status_code == 200
    assert all(f'name="posts" value="{i}"' in page.text for i in ids)

    response = client.post(path, data={"posts": ids[1:], "title": "The replies, on their own"})

    assert response.status_code == 302
    db.session.rollback()
    new = db.session.scalars(sa.select(Thread).where(Thread.title.startswith("The replies"))).one()
    assert response.headers["Location"] == thread_address(new)
    assert (_post_ids(new), _post_ids(world.thread)) == (ids[1:], ids[:1])
    assert new.board_id == world.board.id


@pytest.mark.parametrize(
    ("choice", "message"),
    [("none", "Choose at least one post"), ("all", "Leave at least one post in this thread")],
)
def test_splitting_out_no_post_or_every_post_is_refused_beside_the_list(
    ctx: Flask, world: World, choice: str, message: str
) -> None:
    client = as_user(ctx, world.users["moderator"])
    ids = _post_ids(world.thread) if choice == "all" else []

    response = client.post(
        f"/t/{world.thread.id}/split", data={"posts": ids, "title": "Typed title kept"}
    )

    assert response.status_code == 422
    assert message in response.text
    assert 'value="Typed title kept"' in response.text
    assert _nothing_happened(world)


def test_a_board_moderator_may_not_split_posts_out_to_a_board_they_do_not_moderate(
    ctx: Flask, world: World
) -> None:
    client = as_user(ctx, world.users["board_moderator"])
    data = {**_valid_form(world, "split"), "board": world.other_board.id}

    assert client.post(f"/t/{world.thread.id}/split", data=data).status_code == 403
    assert _nothing_happened(world)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_pages_of_a_merged_thread_lead_to_those_of_the_thread_it_joined(
    ctx: Flask, world: World, endpoint: str
) -> None:
    client = as_user(ctx, world.users["moderator"])
    client.post(f"/t/{world.thread.id}/merge", data={"target": str(world.other.id)})

    response = client.get(f"/t/{world.thread.id}/{endpoint}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{world.other.id}/{endpoint}"
