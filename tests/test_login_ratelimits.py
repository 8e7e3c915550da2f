"""Limits on password checks (forum/login_attempts.py): logging in and changing a password.

Per address, every check counts. Per account, failures count, however the account was named;
once an account's limit is used up, only addresses that have failed at it are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from forum.accounts.models import User
from forum.db import db
from tests.factories import PASSWORD, log_in, make_user

ATTACKER, OWNER, ELSEWHERE = "203.0.113.9", "198.51.100.7", "192.0.2.44"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def limited_app(make_app):  # type: ignore[no-untyped-def]
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN_PER_ACCOUNT="3 per minute",
        RATELIMIT_LOGIN_PER_ADDRESS="20 per minute",
    )
    with app.app_context():
        make_user(username="amina", email="amina@example.org")
    return app


@dataclass
class Attempt:
    """One login form sent from a new browser: the browser and the answer."""

    client: FlaskClient
    response: TestResponse

    @property
    def status(self) -> int:
        return int(self.response.status_code)

    def logged_in(self) -> bool:
        """Whether the browser holds a session: a members' page answers, not redirects."""
        return bool(self.client.get("/settings/profile").status_code == 200)


def attempt(app: Flask, login: str, password: str, address: str = ATTACKER) -> Attempt:
    client = app.test_client()
    data = {"login": login, "password": password}
    return Attempt(client, client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}))


def test_failed_logins_to_one_account_are_limited_and_the_429_keeps_the_typed_login(
    limited_app,
):
    for _ in range(3):
        assert attempt(limited_app, "amina", "wrong").status == 422
    refused = attempt(limited_app, "amina", "wrong")
    response = refused.response
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert b"amina" in response.data
    assert b"wrong" not in response.data  # passwords are never echoed back


def test_failures_by_username_and_by_email_share_one_account_limit(limited_app):
    assert attempt(limited_app, "amina", "wrong").status == 422
    assert attempt(limited_app, "AMINA", "wrong").status == 422
    assert attempt(limited_app, " Amina@Example.org", "wrong").status == 422
    refused = attempt(limited_app, "amina@example.org", PASSWORD)
    assert refused.status == 429
    assert not refused.logged_in()


def test_the_owner_logs_in_from_a_clean_address_while_the_account_is_under_attack(limited_app):
    for _ in range(3):
        assert attempt(limited_app, "amina", "guess", address=ATTACKER).status == 422
    # The guesser is refused now, even with the right password...
    guesser = attempt(limited_app, "amina", PASSWORD, address=ATTACKER)
    assert guesser.status == 429
    assert not guesser.logged_in()
    # ...but the owner, from an address that has not been failing, is not locked out.
    owner = attempt(limited_app, "amina", PASSWORD, address=OWNER)
    assert owner.status == 302
    assert owner.logged_in()


def test_once_the_account_limit_is_used_up_a_new_address_gets_one_try_only(limited_app):
    for _ in range(3):
        attempt(limited_app, "amina", "guess", address=ATTACKER)
    assert attempt(limited_app, "amina", "guess", address=ELSEWHERE).status == 422
    refused = attempt(limited_app, "amina", PASSWORD, address=ELSEWHERE)
    assert refused.status == 429
    assert not refused.logged_in()


def test_a_login_forgets_its_address_failures_at_the_account(limited_app):
    assert attempt(limited_app, "amina", "typo", address=OWNER).status == 422
    assert attempt(limited_app, "amina", PASSWORD, address=OWNER).status == 302
    for _ in range(3):
        attempt(limited_app, "amina", "guess", address=ATTACKER)
    assert attempt(limited_app, "amina", PASSWORD, address=OWNER).status == 302


def test_names_of_no_account_are_limited_by_the_lowered_name(limited_app):
    for login in ("Ghost", "GHOST", " ghost "):
        assert attempt(limited_app, login, "wrong").status == 422
    assert attempt(limited_app, "ghost", "wrong").status == 429
    assert attempt(limited_app, "ghost2", "wrong").status == 422


def test_a_form_without_a_password_is_not_a_failed_guess(limited_app):
    for _ in range(4):
        assert attempt(limited_app, "amina", "").status == 422
    assert attempt(limited_app, "amina", PASSWORD).status == 302


def test_failed_logins_from_one_address_are_limited_across_accounts(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN_PER_ADDRESS="5 per minute")
    codes = [attempt(app, f"name{i}", "x").status for i in range(6)]
    assert codes == [422] * 5 + [429]


def test_every_password_check_counts_against_its_address_even_a_successful_one(make_app):
    # Each check hashes a password: logging in to one's own account again and again must
    # not cost the server a hash a request for free.
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN_PER_ADDRESS="3 per minute",
        RATELIMIT_LOGIN_PER_ACCOUNT="10 per minute",
    )
    with app.app_context():
        make_user(username="kofi")
    for _ in range(3):
        assert attempt(app, "kofi", PASSWORD).status == 302
    refused = attempt(app, "kofi", PASSWORD)
    assert refused.status == 429
    assert not refused.logged_in()
    assert attempt(app, "kofi", PASSWORD, address=OWNER).status == 302


def test_successful_logins_do_not_use_up_the_account_limit(limited_app):
    for _ in range(5):
        assert attempt(limited_app, "amina", PASSWORD).status == 302


# --- the current password in settings ------------------------------------------------------


def change_password(client: FlaskClient, current: str, address: str = ATTACKER) -> int:
    data = {"current_password": current, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post("/settings/password", data=data, environ_base={"REMOTE_ADDR": address})
    return int(response.status_code)


def stored_hash(app: Flask, username: str) -> str:
    with app.app_context():
        return db.session.query(User).filter_by(username=username).one().password_hash


def test_wrong_current_passwords_are_limited_like_failed_logins(limited_app):
    # Someone holding a session (a shared computer, a stolen cookie) must not get unlimited
    # guesses at the password that would let them keep the account.
    client = limited_app.test_client()
    with limited_app.app_context():
        log_in(client, db.session.query(User).filter_by(username="amina").one())
    for _ in range(3):
        assert change_password(client, current="guess") == 422
    assert change_password(client, current=PASSWORD) == 429
    assert check_password_hash(stored_hash(limited_app, "amina"), PASSWORD)
    # They count against the account: its login refuses that address, not the owner's.
    assert attempt(limited_app, "amina", PASSWORD, address=ATTACKER).status == 429
    assert attempt(limited_app, "amina", PASSWORD, address=OWNER).status == 302


def test_each_password_change_counts_against_its_address(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN_PER_ADDRESS="2 per minute",
        RATELIMIT_LOGIN_PER_ACCOUNT="10 per minute",
    )
    client = app.test_client()
    with app.app_context():
        log_in(client, make_user(username="kofi"))
    assert change_password(client, current="guess") == 422
    assert change_password(client, current="guess") == 422
    assert change_password(client, current=PASSWORD) == 429
    assert check_password_hash(stored_hash(app, "kofi"), PASSWORD)
