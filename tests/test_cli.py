"""`flask forum ...` commands: create-admin (the first administrator), add-webinar, generate."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from forum.accounts import services
from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.models import Board
from forum.db import db
from forum.threads.models import Post
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


# --- `flask forum add-webinar`: a new webinar's board ------------------------------------


def add_webinar(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["forum", "add-webinar", *args])


def webinars(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Board.number, Board.slug, Board.title).order_by(Board.number)
        )
        return [tuple(row) for row in rows]


def board_log(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(LogEntry.actor_id, LogEntry.actor_name, LogEntry.action, LogEntry.details)
        )
        return [tuple(row) for row in rows]


def test_add_webinar_creates_the_board_with_its_details_and_logs_it(app):
    result = add_webinar(
        app,
        "--number", "11",
        "--title", "Knowledge for national reports",
        "--date", "2031-03-05",
        "--time", "14:00",
        "--timezone", "Europe/Brussels",
        "--summary", "How countries report.",
        "--presenter", "Wanjiru Kamau, Kenya",
        "--presenter", "Lena Berg, Sweden",
        "--slides-url", "https://slides.example.org/11",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Webinar 11: Knowledge for national reports: board created at /b/webinar-11" in (
        result.output
    )
    with app.app_context():
        board = db.session.scalars(sa.select(Board)).one()
        assert (board.number, board.slug, board.title) == (
            11,
            "webinar-11",
            "Knowledge for national reports",
        )
        # Brussels is at UTC+01:00 in March (before the clocks go forward).
        assert (board.webinar_date, board.starts_at, board.timezone) == (
            date(2031, 3, 5),
            datetime(2031, 3, 5, 13, tzinfo=UTC),
            "Europe/Brussels",
        )
        assert board.summary == "How countries report."
        assert board.presenters == ["Wanjiru Kamau, Kenya", "Lena Berg, Sweden"]
        assert (board.slides_url, board.recording_url) == ("https://slides.example.org/11", "")
    assert board_log(app) == [
        (None, "system", "create_board", {"number": 11, "title": "Knowledge for national reports"})
    ]


def test_add_webinar_without_a_title_makes_a_webinar_to_be_announced(app):
    result = add_webinar(app, "--number", "11", "--date", "2031-03-05")

    assert result.exit_code == 0, result.output
    assert "Webinar 11 (title to be announced): board created" in result.output
    assert webinars(app) == [(11, "webinar-11", None)]


def test_add_webinar_with_a_taken_number_fails_with_a_clear_error(app):
    assert app.test_cli_runner().invoke(args=["forum", "load-km4b"]).exit_code == 0

    result = add_webinar(app, "--number", "8", "--title", "A second webinar 8")

    assert result.exit_code == 1
    assert "Error: number: Webinar 8 has a board already." in result.output
    assert "Traceback" not in result.output
    assert webinars(app)[7] == (8, "webinar-8", None)
    assert len(webinars(app)) == 10
    assert board_log(app) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "5 March 2031"], "Invalid value for --date: '5 March 2031': please give it as"),
        (["--date", "2031-02-30"], "Invalid value for --date"),
        (["--date", "2031-03-05", "--time", "2pm"], "Invalid value for --time: '2pm'"),
        (["--time", "14:00"], "Invalid value for --time: give --date too."),
        (["--timezone", "Mars/Olympus"], "Invalid value for --timezone: 'Mars/Olympus' is not"),
        (
            ["--date", "2031-03-30", "--time", "02:30", "--timezone", "Europe/Brussels"],
            "The clocks go forward then",
        ),
        (["--number", "eleven"], "Invalid value for '--number'"),
    ],
)
def test_add_webinar_with_a_bad_date_time_or_zone_fails_with_a_clear_error(app, args, message):
    result = add_webinar(app, "--number", "11", *args)

    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert webinars(app) == []
    assert board_log(app) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--number", "0"], "Error: number: Please give a number from 1 to 9999."),
        (["--number", str(2**64)], "Error: number: Please give a number from 1 to 9999."),
        (["--number", "11", "--title", "x" * 201], "Error: title: A title has at most 200"),
        (["--number", "11", "--slides-url", "slides.pdf"], "Error: slides_url: Please give a web"),
    ],
)
def test_add_webinar_refused_by_the_service_fails_with_its_message(app, args, message):
    result = add_webinar(app, *args)

    assert result.exit_code == 1
    assert message in result.output
    assert webinars(app) == []


# --- generate (benchmark data; the generator lives in bench/) ------------------------------


def test_generate_fills_the_forum_from_a_checkout(app):
    result = app.test_cli_runner().invoke(
        args=["forum", "generate", "--users", "3", "--threads", "4", "--posts", "9"],
        env={"FORUM_GENERATED_PASSWORD": "generated pw 1"},
    )
    assert result.exit_code == 0, result.output
    assert "Generated 3 users, 4 threads, 9 posts." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 9


def test_generate_without_bench_says_it_needs_a_checkout(app, monkeypatch):
    monkeypatch.setitem(sys.modules, "bench.generator", None)  # as in an installed wheel
    result = app.test_cli_runner().invoke(
        args=["forum", "generate"], env={"FORUM_GENERATED_PASSWORD": "generated pw 1"}
    )
    assert result.exit_code == 1
    assert "run this command from a checkout of the repository" in result.output
