"""Rate limits on registration, new threads, replies and edits, in memory and in Redis.

Every limit counts a submission at the door, before the work: refused forms, requests
still rendering and ones that fail all count. Password checks: tests/test_login_ratelimits.py.
"""

from __future__ import annotations

import uuid

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from forum import markup
from forum.accounts.models import User
from forum.db import db
from forum.threads.models import Post, PostRevision
from tests.factories import log_in, make_board, make_post, make_thread, make_user

# A Redis database number of the suite's own, flushed after use.
REDIS_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture
def limited_app(make_app):  # type: ignore[no-untyped-def]
    return make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN_PER_ACCOUNT="3 per minute",
        RATELIMIT_LOGIN_PER_ADDRESS="5 per minute",
        RATELIMIT_REGISTER="2 per hour",
        RATELIMIT_NEW_THREAD="1 per hour",
        RATELIMIT_REPLY="2 per minute",
        RATELIMIT_EDIT="2 per minute",
    )


def test_registrations_from_one_address_are_limited(limited_app):
    def register(name: str) -> int:
        data = {"username": name, "email": f"{name}@example.org", "password": "long enough pw",
                "confirm": "long enough pw"}  # fmt: skip
        return limited_app.test_client().post("/register", data=data).status_code

    assert [register("ana"), register("ben"), register("cai")] == [302, 302, 429]


def test_refused_registrations_count_too_so_taken_names_cannot_be_probed_for_free(limited_app):
    # A refused registration hashed its password or told whether a name or an address has
    # an account: both are what the limit is for.
    with limited_app.app_context():
        make_user(username="amina", email="amina@example.org")

    def register(name: str, email: str) -> int:
        data = {"username": name, "email": email, "password": "long enough pw",
                "confirm": "long enough pw"}  # fmt: skip
        return limited_app.test_client().post("/register", data=data).status_code

    assert register("amina", "other@example.org") == 422
    assert register("someone", "amina@example.org") == 422
    assert register("newcomer", "newcomer@example.org") == 429
    with limited_app.app_context():
        assert db.session.scalar(sa.select(User.id).where(User.username == "newcomer")) is None


def test_replies_are_limited_per_member_and_a_refused_form_counts_too(limited_app):
    client = limited_app.test_client()
    with limited_app.app_context():
        thread = make_thread()
        member = make_user()
        log_in(client, member)
        url, member_id = f"/t/{thread.id}/reply", member.id
    assert client.post(url, data={"body": ""}).status_code == 422
    assert client.post(url, data={"body": "first"}).status_code == 302
    response = client.post(url, data={"body": "second, kept on the 429 page"})
    assert response.status_code == 429
    assert b"second, kept on the 429 page" in response.data
    with limited_app.app_context():
        stored = db.session.scalars(sa.select(Post.source).where(Post.author_id == member_id))
        assert list(stored) == ["first"]


def test_a_reply_still_being_rendered_already_counts(limited_app, monkeypatch):
    # A slow request must count while it runs: otherwise everything sent meanwhile gets in.
    # A second reply is sent from inside the first one's Markdown rendering.
    member_client, second_client = limited_app.test_client(), limited_app.test_client()
    with limited_app.app_context():
        first_url, second_url = (f"/t/{make_thread().id}/reply" for _ in range(2))
        member = make_user()
        log_in(member_client, member)
        log_in(second_client, member)
        member_id = member.id
    limited_app.config["RATELIMIT_REPLY"] = "1 per minute"
    render, statuses = markup.render, []

    def render_while_another_reply_arrives(source: str) -> str:
        if not statuses:
            statuses.append(0)
            reply = second_client.post(second_url, data={"body": "meanwhile"})
            statuses[0] = reply.status_code
        return render(source)

    monkeypatch.setattr(markup, "render", render_while_another_reply_arrives)
    first = member_client.post(first_url, data={"body": "slow"})
    assert (first.status_code, statuses) == (302, [429])
    with limited_app.app_context():
        stored = db.session.scalars(sa.select(Post.source).where(Post.author_id == member_id))
        assert list(stored) == ["slow"]


def test_edits_are_limited_per_member_and_a_refused_edit_changes_nothing(limited_app):
    client = limited_app.test_client()
    with limited_app.app_context():
        member = make_user()
        post = make_post(author=member, body="Version 0")
        log_in(client, member)
        url, post_id = f"/p/{post.id}/edit", post.id
    assert client.post(url, data={"body": "Version 1"}).status_code == 302
    assert client.post(url, data={"body": "Version 2"}).status_code == 302
    response = client.post(url, data={"body": "Version 3, kept on the 429 page"})
    assert response.status_code == 429
    assert b"Version 3, kept on the 429 page" in response.data
    with limited_app.app_context():
        assert db.session.get(Post, post_id).source == "Version 2"  # type: ignore[union-attr]
        revisions = sa.select(sa.func.count()).where(PostRevision.post_id == post_id)
        assert db.session.scalar(revisions) == 2


def test_the_edit_limit_is_configuration_with_a_default(app: Flask) -> None:
    assert app.config["RATELIMIT_EDIT"] == "10 per minute; 100 per hour"


def test_new_threads_are_limited_per_member(limited_app):
    client = limited_app.test_client()
    with limited_app.app_context():
        board = make_board()
        log_in(client, make_user())
        url = f"/b/{board.slug}/new"
    data = {"title": "A first question", "body": "Body text"}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 429


def test_limits_live_in_redis_when_configured_so_every_worker_shares_them(make_app):
    try:
        store = redis.Redis.from_url(REDIS_URL)
        store.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379")
    login = f"probe-{uuid.uuid4().hex[:8]}"
    config = dict(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URL=REDIS_URL,
        RATELIMIT_LOGIN_PER_ACCOUNT="2 per minute",
    )

    def attempt(app) -> int:  # type: ignore[no-untyped-def]
        return int(
            app.test_client().post("/login", data={"login": login, "password": "x"}).status_code
        )

    try:
        first = make_app(**config)
        assert [attempt(first), attempt(first)] == [422, 422]
        assert any(login in key.decode() for key in store.scan_iter("*"))
        # A second app starts with a fresh limiter storage, as another worker process
        # would: it can only know about the first two attempts through Redis.
        second = make_app(**config)
        assert attempt(second) == 429
    finally:
        store.flushdb()  # database 7 is this suite's own
