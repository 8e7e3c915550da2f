"""Rate limits on login, registration, new threads and replies, in memory and in Redis."""

from __future__ import annotations

import uuid

import pytest
import redis

from tests.factories import PASSWORD, log_in, make_board, make_thread, make_user

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
    )


def test_failed_logins_to_one_account_are_limited_and_the_429_keeps_the_typed_login(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        assert (
            client.post("/login", data={"login": "amina", "password": "wrong"}).status_code == 422
        )
    response = client.post("/login", data={"login": "amina", "password": "wrong"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert b"amina" in response.data
    assert b"wrong" not in response.data  # passwords are never echoed back


def test_failed_logins_from_one_address_are_limited_across_accounts(limited_app):
    client = limited_app.test_client()
    codes = [
        client.post("/login", data={"login": f"name{i}", "password": "x"}).status_code
        for i in range(6)
    ]
    assert codes == [422] * 5 + [429]


def test_successful_logins_do_not_use_up_the_limit(limited_app):
    with limited_app.app_context():
        make_user(username="kofi")
    for _ in range(5):
        client = limited_app.test_client()
        assert (
            client.post("/login", data={"login": "kofi", "password": PASSWORD}).status_code == 302
        )


def test_registrations_from_one_address_are_limited(limited_app):
    def register(name: str) -> int:
        data = {"username": name, "email": f"{name}@example.org", "password": "long enough pw",
                "confirm": "long enough pw"}  # fmt: skip
        return limited_app.test_client().post("/register", data=data).status_code

    assert [register("ana"), register("ben"), register("cai")] == [302, 302, 429]


def test_replies_are_limited_per_member_and_refused_forms_cost_nothing(limited_app):
    client = limited_app.test_client()
    with limited_app.app_context():
        thread = make_thread()
        log_in(client, make_user())
        url = f"/t/{thread.id}/reply"
    assert client.post(url, data={"body": ""}).status_code == 422
    assert client.post(url, data={"body": "first"}).status_code == 302
    assert client.post(url, data={"body": "second"}).status_code == 302
    response = client.post(url, data={"body": "third, kept on the 429 page"})
    assert response.status_code == 429
    assert b"third, kept on the 429 page" in response.data


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
