"""`flask forum grant-role` and `revoke-role`: the same services as the people pages,
recorded in the moderation log as done by "system"."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from forum.accounts.models import Role, User
from forum.accounts.services import board_roles_of
from forum.audit import LogEntry
from forum.db import db
from tests.factories import make_board, make_user


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["forum", *args])


@pytest.fixture
def amina(app: Flask) -> int:
    with app.app_context():
        make_board(slug="webinar-7")
        make_board(slug="webinar-8")
        return make_user(username="amina").id


def role_of(app: Flask, user_id: int) -> Role:
    with app.app_context():
        return db.session.get_one(User, user_id).role


def board_roles(app: Flask, user_id: int) -> dict[str, set[str]]:
    with app.app_context():
        slugs = dict(db.session.execute(sa.text("SELECT id, slug FROM boards")).all())
        return {slugs[board]: set(kinds) for board, kinds in board_roles_of(user_id).items()}


def log_rows(app: Flask) -> list[tuple[str, str, dict[str, str]]]:
    with app.app_context():
        found = db.session.execute(
            sa.select(LogEntry.actor_name, LogEntry.action, LogEntry.details).order_by(LogEntry.id)
        )
        return [tuple(row) for row in found]  # type: ignore[misc]


def test_grant_role_makes_a_moderator_and_logs_it_as_system(app, amina):
    result = run(app, "grant-role", "amina", "moderator")

    assert result.exit_code == 0, result.output
    assert "amina is now moderator." in result.output
    assert role_of(app, amina) == Role.MODERATOR
    assert log_rows(app) == [("system", "change_role", {"from": "member", "to": "moderator"})]


def test_revoke_role_turns_an_administrator_back_into_a_member(app, amina):
    run(app, "grant-role", "amina", "admin")
    with app.app_context():
        make_user(role=Role.ADMIN)

    result = run(app, "revoke-role", "amina", "admin")

    assert result.exit_code == 0, result.output
    assert "amina is no longer admin." in result.output
    assert role_of(app, amina) == Role.MEMBER


def test_board_roles_are_granted_and_withdrawn_on_the_named_board(app, amina):
    assert run(app, "grant-role", "amina", "host", "--board", "webinar-7").exit_code == 0
    assert run(app, "grant-role", "amina", "host", "--board", "webinar-8").exit_code == 0
    assert run(app, "grant-role", "amina", "board-moderator", "--board", "webinar-8").exit_code == 0
    assert board_roles(app, amina) == {"webinar-7": {"host"}, "webinar-8": {"host", "moderator"}}

    result = run(app, "revoke-role", "amina", "host", "--board", "webinar-8")

    assert result.exit_code == 0 and "amina is no longer host on webinar-8." in result.output
    assert board_roles(app, amina) == {"webinar-7": {"host"}, "webinar-8": {"moderator"}}
    assert [action for _, action, _ in log_rows(app)] == [
        "grant_board_role",
        "grant_board_role",
        "grant_board_role",
        "revoke_board_role",
    ]


def test_granting_a_role_already_held_says_nothing_changed(app, amina):
    run(app, "grant-role", "amina", "host", "--board", "webinar-7")

    result = run(app, "grant-role", "amina", "host", "--board", "webinar-7")

    assert result.exit_code == 0
    assert "amina already has that role on webinar-7: nothing changed." in result.output
    assert len(log_rows(app)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("grant-role", "ghost", "moderator"), "There is no account named 'ghost'."),
        (("grant-role", "amina", "host"), "The host role is given on a board: name the board."),
        (("grant-role", "amina", "moderator", "--board", "webinar-7"), "leave out the board"),
        (("grant-role", "amina", "host", "--board", "webinar-9"), "There is no board"),
        (("grant-role", "amina", "owner"), "Unknown role 'owner'"),
        (("revoke-role", "amina", "member"), "Everyone is a member"),
    ],
)
def test_role_commands_refuse_what_makes_no_sense_and_change_nothing(app, amina, args, message):
    result = run(app, *args)

    assert result.exit_code == 1
    assert message in result.output
    assert log_rows(app) == []


def test_the_last_administrator_cannot_be_removed_from_the_command_line(app):
    with app.app_context():
        make_user(username="boss", role=Role.ADMIN)

    result = run(app, "revoke-role", "boss", "admin")

    assert result.exit_code == 1
    assert "This is the only administrator" in result.output
