"""`flask forum create-admin`: the first administrator, made from the command line."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from forum.accounts import services
from forum.accounts.models import Role, User
from forum.db import db
from tests.factories import make_user

ADMIN_PASSWORD = "a long admin passphrase"


def create_admin(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=["forum", "create-admin", *args], input=input)


def accounts(app: Flask) -> list[tuple[str, str, Role]]:
    with app.app_context():
        rows = db.session.execute(sa.select(User.username, User.email, User.role).order_by(User.id))
        return [tuple(row) for row in rows]


def test_create_admin_makes_an_administrator_who_can_log_in(app):
    result = create_admin(app, "Boss", "--email", "Boss@Example.org", "--password", ADMIN_PASSWORD)

    assert result.exit_code == 0, result.output
    assert "Administrator Boss created." in result.output
    assert accounts(app) == [("Boss", "boss@example.org", Role.ADMIN)]
    with app.app_context():
        user = services.authenticate("boss", ADMIN_PASSWORD)
        assert user is not None
        assert user.is_admin
        assert user.password_hash.startswith(("scrypt:", "argon2"))


def test_create_admin_asks_for_the_password_twice_without_showing_it(app):
    result = create_admin(
        app, "boss", "--email", "boss@example.org", input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output
    assert "Password:" in result.output
    assert "Repeat for confirmation:" in result.output
    assert accounts(app) == [("boss", "boss@example.org", Role.ADMIN)]


@pytest.mark.parametrize("username", ["boss", "BOSS"])
def test_create_admin_with_a_taken_username_fails_with_a_clear_error(app, username):
    with app.app_context():
        make_user(username="boss", email="first@example.org")

    result = create_admin(
        app, username, "--email", "other@example.org", "--password", ADMIN_PASSWORD
    )

    assert result.exit_code != 0
    assert "Error: username: That username is taken." in result.output
    assert "Traceback" not in result.output
    assert accounts(app) == [("boss", "first@example.org", Role.MEMBER)]


def test_create_admin_with_a_taken_email_fails_with_a_clear_error(app):
    with app.app_context():
        make_user(username="someone", email="boss@example.org")

    result = create_admin(app, "boss", "--email", "BOSS@example.org", "--password", ADMIN_PASSWORD)

    assert result.exit_code != 0
    assert "Error: email: An account with that email address already exists." in result.output
    assert len(accounts(app)) == 1


def test_create_admin_refuses_a_too_short_password(app):
    result = create_admin(app, "boss", "--email", "boss@example.org", "--password", "short")

    assert result.exit_code != 0
    assert "Error: password: Use at least 10 characters." in result.output
    assert accounts(app) == []


@pytest.mark.parametrize("username", ["b", "big boss", "boss!", "boss\n"])
def test_create_admin_refuses_a_bad_username(app, username):
    result = create_admin(
        app, username, "--email", "boss@example.org", "--password", ADMIN_PASSWORD
    )

    assert result.exit_code != 0
    assert "Error: username: Use 3 to 30 letters" in result.output
    assert accounts(app) == []


def test_create_admin_requires_an_email(app):
    result = create_admin(app, "boss", "--password", ADMIN_PASSWORD)

    assert result.exit_code == 2
    assert "--email" in result.output
    assert accounts(app) == []
