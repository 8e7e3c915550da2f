"""Loading the KM4B webinar series into boards, by service and by `flask forum load-km4b`."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from forum.accounts.models import Guest
from forum.boards import services
from forum.boards.models import Board
from forum.boards.queries import board_stats, board_thread_count
from forum.db import db, utcnow
from tests.factories import make_board


def _boards() -> list[Board]:
    return list(db.session.scalars(sa.select(Board).order_by(Board.number)))


def _board(number: int) -> Board:
    board = db.session.scalar(sa.select(Board).where(Board.number == number))
    assert board is not None
    return board


def _load(app, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["forum", "load-km4b", *args])
    assert result.exit_code == 0, result.output
    return str(result.output)


# --- The shipped series ------------------------------------------------------------------


def test_the_shipped_series_has_ten_webinars_numbered_in_order() -> None:
    series = services.read_series()
    assert [w["number"] for w in series["webinars"]] == list(range(1, 11))


def test_load_km4b_creates_a_board_per_webinar(ctx) -> None:
    assert services.load_km4b() == (10, 0)
    boards = _boards()
    assert [b.number for b in boards] == list(range(1, 11))
    assert [b.slug for b in boards] == [f"webinar-{n}" for n in range(1, 11)]


def test_loaded_boards_carry_the_webinar_details(ctx) -> None:
    services.load_km4b()
    first, second = _board(1), _board(2)
    assert (
        first.title == "Unlocking the power of knowledge to support the implementation of the GBF"
    )
    assert first.webinar_date == date(2023, 9, 5)
    assert first.attendance_note == "over 150 participants from 56 countries"
    assert first.summary.startswith("Opening webinar of the series.")
    assert second.presenters == [
        "Global Knowledge Support Service for Biodiversity (GKSSB)",
        "KM4AgD",
    ]
    # A freshly loaded board has no discussion yet (its counts are computed when read).
    assert first.id not in board_stats(utcnow())
    assert board_thread_count(first, Guest(), utcnow()) == 0


def test_webinars_not_yet_announced_have_no_title(ctx) -> None:
    services.load_km4b()
    for number in (8, 9, 10):
        board = _board(number)
        assert board.title is None and not board.is_announced
        assert board.summary == "" and board.presenters == []
        assert board.heading == f"Webinar {number} (title to be announced)"
    assert _board(8).webinar_date == date(2023, 10, 31)


def test_load_km4b_twice_creates_nothing_the_second_time(ctx) -> None:
    services.load_km4b()
    before = [(b.id, b.title, b.summary) for b in _boards()]
    assert services.load_km4b() == (0, 0)
    assert [(b.id, b.title, b.summary) for b in _boards()] == before


def test_load_km4b_never_overwrites_what_a_host_set(ctx) -> None:
    make_board(
        number=1,
        slug="opening-webinar",
        title="Our own title",
        summary="Written by the host.",
        presenters=["A host"],
        webinar_date=date(2023, 9, 6),
        recording_url="https://example.org/rec",
    )
    make_board(number=2, title=None, summary="", presenters=[])
    created, updated = services.load_km4b()
    assert (created, updated) == (8, 2)
    first = _board(1)
    assert first.slug == "opening-webinar"
    assert first.title == "Our own title"
    assert first.summary == "Written by the host."
    assert first.presenters == ["A host"]
    assert first.webinar_date == date(2023, 9, 6)
    assert first.recording_url == "https://example.org/rec"
    # What the host left empty is filled in.
    assert first.attendance_note == "over 150 participants from 56 countries"
    second = _board(2)
    assert second.title == "Scaling up knowledge management to achieve the GBF goals and targets"
    assert second.presenters == [
        "Global Knowledge Support Service for Biodiversity (GKSSB)",
        "KM4AgD",
    ]


def test_a_webinar_announced_later_fills_in_its_board_and_keeps_its_link(ctx) -> None:
    services.load_km4b()
    series: dict[str, Any] = copy.deepcopy(services.read_series())
    eighth = series["webinars"][7]
    eighth.update(title="Knowledge for the GBF targets", summary="Announced.", presenters=["CBD"])
    assert services.load_km4b(series) == (0, 1)
    board = _board(8)
    assert (board.slug, board.title, board.summary) == (
        "webinar-8",
        "Knowledge for the GBF targets",
        "Announced.",
    )
    assert board.is_announced


def test_boards_that_are_not_webinars_are_left_alone(ctx) -> None:
    make_board(number=None, slug="general", title="General discussion")
    assert services.load_km4b() == (10, 0)
    general = db.session.scalar(sa.select(Board).where(Board.slug == "general"))
    assert general is not None and general.title == "General discussion"


# --- Board model -------------------------------------------------------------------------


def test_board_headings() -> None:
    assert Board(number=3, title="Regional initiatives").heading == (
        "Webinar 3: Regional initiatives"
    )
    assert Board(number=9, title=None).heading == "Webinar 9 (title to be announced)"
    assert Board(number=None, slug="general", title="General").heading == "General"
    assert Board(number=None, slug="general", title=None).heading == "general"


def test_a_webinar_is_upcoming_until_its_day_is_over() -> None:
    today = date(2023, 10, 31)
    assert Board(webinar_date=today).is_upcoming(today)
    assert Board(webinar_date=today + timedelta(days=1)).is_upcoming(today)
    assert not Board(webinar_date=today - timedelta(days=1)).is_upcoming(today)
    assert not Board(webinar_date=None).is_upcoming(today)


# --- flask forum load-km4b ---------------------------------------------------------------


def test_cli_load_km4b_creates_exactly_ten_boards(app) -> None:
    output = _load(app)
    assert "10 boards created, 0 filled in" in output
    with app.app_context():
        assert [b.number for b in _boards()] == list(range(1, 11))


def test_cli_load_km4b_is_idempotent(app) -> None:
    _load(app)
    assert "0 boards created, 0 filled in" in _load(app)
    with app.app_context():
        assert len(_boards()) == 10


def test_cli_load_km4b_if_empty_loads_an_empty_forum(app) -> None:
    assert "10 boards created" in _load(app, "--if-empty")


def test_cli_load_km4b_if_empty_does_nothing_when_boards_exist(app) -> None:
    with app.app_context():
        make_board(number=2, title=None, summary="")
    output = _load(app, "--if-empty")
    assert "Boards exist already; nothing loaded." in output
    with app.app_context():
        [board] = _boards()
        # Not even filled in: --if-empty means hands off.
        assert (board.number, board.title, board.summary) == (2, None, "")


def test_cli_load_km4b_never_overwrites_a_field_already_set(app) -> None:
    with app.app_context():
        make_board(number=4, title="Edited by the host", summary="Host's summary")
    output = _load(app)
    assert "9 boards created, 1 filled in" in output
    with app.app_context():
        board = _board(4)
        assert (board.title, board.summary) == ("Edited by the host", "Host's summary")
        assert board.presenters == [
            "Peter J. Dery (national focal point, Ghana)",
            "Han De Koeijer (national CHM focal point, Belgium)",
        ]
