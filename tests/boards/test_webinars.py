"""Administrators add a webinar's board and announce a webinar's title: service and pages."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards import services
from forum.boards.models import Board
from forum.db import db
from forum.errors import ServiceError
from tests.boards.test_views import board_items
from tests.factories import grant_board_role, log_in, make_board, make_user

# What an administrator types for webinar 11. Nairobi keeps UTC+03:00 all year (no DST),
# so 15:00 there is 12:00 UTC.
FORM = {
    "number": "11",
    "title": "  Knowledge for national biodiversity reports  ",
    "summary": "How countries use what they know when they report on the GBF.",
    "presenters": "Wanjiru Kamau, Kenya\n\n  Lena Berg, Sweden \n",
    "start_date": "2031-03-05",
    "start_time": "15:00",
    "timezone": "Africa/Nairobi",
    "recording_url": "https://video.example.org/km4b-11",
    "slides_url": "https://slides.example.org/km4b-11.pdf",
    "resources": "- [Reporting guide](https://chm.example.org/report)\n- **Read first**",
}
TITLE = "Knowledge for national biodiversity reports"


def boards() -> list[Board]:
    return list(db.session.scalars(sa.select(Board).order_by(Board.id)))


def board_numbered(number: int) -> Board | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Board).where(Board.number == number))


def log_entries() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def as_user(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client


@pytest.fixture
def admin(ctx) -> User:
    return make_user(username="boss", role=Role.ADMIN)


@pytest.fixture
def series(app, ctx) -> None:
    """The shipped KM4B series, loaded as a deployment does: webinars 1-10, 8-10 untitled."""
    result = app.test_cli_runner().invoke(args=["forum", "load-km4b"])
    assert result.exit_code == 0, result.output


# --- the service: adding a webinar -------------------------------------------------------


def test_creating_a_board_stores_the_webinar_and_logs_it(admin):
    starts = datetime(2031, 3, 5, 12, tzinfo=UTC)
    board = services.create_board(
        admin,
        number=11,
        title=f"  {TITLE} ",
        summary="What countries report.",
        presenters=("Wanjiru Kamau", "Lena Berg"),
        webinar_date=date(2031, 3, 5),
        starts_at=starts,
        timezone="Africa/Nairobi",
        recording_url="https://video.example.org/11",
        slides_url="",
        resources="See **this** <script>alert(1)</script>",
    )
    saved = board_numbered(11)
    assert saved is not None and saved.id == board.id
    assert (saved.slug, saved.title, saved.heading) == ("webinar-11", TITLE, f"Webinar 11: {TITLE}")
    assert (saved.webinar_date, saved.starts_at, saved.timezone) == (
        date(2031, 3, 5),
        starts,
        "Africa/Nairobi",
    )
    assert saved.presenters == ["Wanjiru Kamau", "Lena Berg"]
    assert (saved.summary, saved.recording_url) == (
        "What countries report.",
        "https://video.example.org/11",
    )
    assert "<strong>this</strong>" in saved.resources_html
    assert "<script>" not in saved.resources_html
    assert saved.is_closed is False
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id, entry.board_id) == (
        admin.id,
        "create_board",
        "board",
        board.id,
        board.id,
    )
    assert entry.details == {"number": 11, "title": TITLE}


@pytest.mark.parametrize("title", [None, "", "   "])
def test_a_board_without_a_title_is_to_be_announced(admin, title):
    services.create_board(admin, number=12, title=title)
    saved = board_numbered(12)
    assert saved is not None
    assert saved.title is None
    assert saved.heading == "Webinar 12 (title to be announced)"
    assert log_entries()[0].details == {"number": 12, "title": "to be announced"}


def test_a_taken_number_is_refused_and_nothing_is_written(admin):
    make_board(number=11, title="The first eleven")
    with pytest.raises(ServiceError) as refused:
        services.create_board(admin, number=11, title="A second eleven")
    assert (refused.value.field, refused.value.message) == (
        "number",
        "Webinar 11 has a board already.",
    )
    assert [(b.number, b.title) for b in boards()] == [(11, "The first eleven")]
    assert log_entries() == []


def test_a_number_whose_address_another_board_holds_is_refused(admin):
    make_board(number=500, slug="webinar-12")
    with pytest.raises(ServiceError) as refused:
        services.create_board(admin, number=12)
    assert refused.value.field == "number"
    assert refused.value.message == "Another board has the address /b/webinar-12 already."
    assert [b.number for b in boards()] == [500]
    assert log_entries() == []


@pytest.mark.parametrize("number", [0, -11, 10_000, 2**63, 2**70])
def test_numbers_outside_the_series_are_refused(admin, number):
    with pytest.raises(ServiceError) as refused:
        services.create_board(admin, number=number)
    assert refused.value.field == "number"
    assert boards() == [] and log_entries() == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": "Nul\x00byte"}, "title"),
        ({"summary": "Nul\x00byte"}, "summary"),
        ({"presenters": ["Ama", "N\x00L"]}, "presenters"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"slides_url": "javascript:alert(1)"}, "slides_url"),
    ],
)
def test_bad_details_are_refused_beside_their_field(admin, fields, field):
    with pytest.raises(ServiceError) as refused:
        services.create_board(admin, number=11, **fields)
    assert refused.value.field == field
    assert boards() == [] and log_entries() == []


def test_a_title_of_the_longest_length_is_taken(admin):
    services.create_board(admin, number=11, title="x" * 200)
    saved = board_numbered(11)
    assert saved is not None and saved.title == "x" * 200


def test_a_board_added_from_the_command_line_is_logged_as_the_system(ctx):
    services.create_board(None, number=11)
    [entry] = log_entries()
    assert (entry.actor_id, entry.actor_name, entry.action) == (None, "system", "create_board")


# --- the service: announcing a title -----------------------------------------------------


def test_announcing_the_title_of_a_webinar_to_be_announced_logs_it(admin, series):
    eight = board_numbered(8)
    assert eight is not None and eight.title is None
    assert services.set_title(eight, admin, f" {TITLE} ") is True
    saved = board_numbered(8)
    assert saved is not None and saved.heading == f"Webinar 8: {TITLE}"
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_id, entry.board_id) == (
        admin.id,
        "announce_title",
        saved.id,
        saved.id,
    )
    assert entry.details == {"title": TITLE}


def test_announcing_the_same_title_again_changes_and_logs_nothing(admin, series):
    services.set_title(board_numbered(8), admin, TITLE)  # type: ignore[arg-type]
    assert services.set_title(board_numbered(8), admin, TITLE) is False  # type: ignore[arg-type]
    assert len(log_entries()) == 1


def test_changing_a_title_logs_the_one_it_replaced(admin):
    board = make_board(number=11, title="A first wording")
    assert services.set_title(board, admin, "A better wording") is True
    [entry] = log_entries()
    assert entry.action == "change_title"
    assert entry.details == {"title": "A better wording", "before": "A first wording"}


@pytest.mark.parametrize("title", ["", "   ", None, "x" * 201])
def test_an_empty_or_too_long_title_is_refused(admin, series, title):
    with pytest.raises(ServiceError) as refused:
        services.set_title(board_numbered(8), admin, title)  # type: ignore[arg-type]
    assert refused.value.field == "title"
    saved = board_numbered(8)
    assert saved is not None and saved.title is None
    assert log_entries() == []


# --- the new-board page ------------------------------------------------------------------


def test_an_administrator_adds_webinar_11_from_the_site(app, admin):
    client = as_user(app, admin)
    assert client.get("/boards/new").status_code == 200

    response = client.post("/boards/new", data=FORM)

    assert (response.status_code, response.location) == (302, "/b/webinar-11")
    board = board_numbered(11)
    assert board is not None
    assert (board.slug, board.title) == ("webinar-11", TITLE)
    assert board.webinar_date == date(2031, 3, 5)
    assert (board.starts_at, board.timezone) == (
        datetime(2031, 3, 5, 12, tzinfo=UTC),
        "Africa/Nairobi",
    )
    assert board.summary == FORM["summary"]
    assert board.presenters == ["Wanjiru Kamau, Kenya", "Lena Berg, Sweden"]
    assert (board.recording_url, board.slides_url) == (FORM["recording_url"], FORM["slides_url"])
    assert board.resources == FORM["resources"]
    assert '<a href="https://chm.example.org/report"' in board.resources_html
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_id) == (admin.id, "create_board", board.id)

    page = client.get("/b/webinar-11").get_data(as_text=True)
    assert f"Webinar 11: {TITLE}" in html.unescape(page)
    assert "5 March 2031, 15:00 Africa/Nairobi time (UTC+03:00)" in page
    items = board_items(client.get("/").get_data(as_text=True))
    assert items["/b/webinar-11"].startswith(f"Webinar 11: {TITLE} 5 March 2031")


def test_webinar_11_can_be_added_after_the_shipped_series(app, admin, series):
    client = as_user(app, admin)
    form = client.get("/boards/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="number"[^>]*value="11"', form), "11 is offered"
    response = client.post("/boards/new", data={"number": "11", "title": ""})
    assert (response.status_code, response.location) == (302, "/b/webinar-11")
    items = board_items(app.test_client().get("/").get_data(as_text=True))
    assert sorted(items) == sorted(f"/b/webinar-{n}" for n in range(1, 12))
    assert items["/b/webinar-11"].startswith("Webinar 11 (title to be announced)")


def test_only_administrators_see_the_new_board_link_on_the_home_page(app, admin):
    cases = [
        (None, False),
        (make_user(), False),
        (make_user(role=Role.MODERATOR), False),
        (make_user(role=Role.ADMIN, suspended_until=datetime(2099, 1, 1, tzinfo=UTC)), False),
        (admin, True),
    ]
    for user, sees in cases:
        page = as_user(app, user).get("/").get_data(as_text=True)
        assert ('href="/boards/new"' in page) is sees, user


def test_members_and_moderators_may_not_add_a_board(app, ctx):
    host = make_user()
    grant_board_role(host, make_board(number=10), "host")
    assert app.test_client().post("/boards/new", data=FORM).status_code == 302  # to log in
    for user in (make_user(), host, make_user(role=Role.MODERATOR)):
        client = as_user(app, user)
        assert client.get("/boards/new").status_code == 403
        assert client.post("/boards/new", data=FORM).status_code == 403
    assert [b.number for b in boards()] == [10]
    assert log_entries() == []


def test_a_taken_number_is_refused_beside_the_field_and_keeps_what_was_typed(app, admin):
    make_board(number=11, title="The first eleven")

    response = as_user(app, admin).post("/boards/new", data=FORM)

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert '<p class="error" id="number-error">Webinar 11 has a board already.</p>' in page
    assert FORM["summary"] in page and TITLE in page and 'value="15:00"' in page
    assert "Wanjiru Kamau, Kenya" in page
    assert [(b.number, b.title) for b in boards()] == [(11, "The first eleven")]
    assert log_entries() == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"number": ""}, "number", "Please give the webinar's number."),
        ({"number": "eleven"}, "number", "Please give the webinar's number in digits, e.g. 11."),
        ({"number": "0"}, "number", "Please give a number from 1 to 9999."),
        ({"number": str(2**64)}, "number", "Please give a number from 1 to 9999."),
        ({"title": "x" * 201}, "title", "At most 200 characters."),
        ({"timezone": "Mars/Olympus"}, "timezone", "Not a valid choice"),
        ({"start_date": "5 March"}, "start_date", "Please give the date as YYYY-MM-DD"),
        ({"start_time": "25:00"}, "start_time", "Please give the time as HH:MM"),
        ({"start_date": ""}, "start_date", "Please give the date too"),
        ({"slides_url": "javascript:alert(1)"}, "slides_url", "starting with https://"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_keeps_what_was_typed(
    app, admin, changes, field, message
):
    response = as_user(app, admin).post("/boards/new", data={**FORM, **changes})

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    error = page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert FORM["summary"] in page
    assert boards() == [] and log_entries() == []


# --- announcing a title from the site ----------------------------------------------------


def test_an_administrator_announces_the_title_of_webinar_8_from_the_site(app, admin, series):
    client = as_user(app, admin)
    board_page = client.get("/b/webinar-8").get_data(as_text=True)
    assert 'href="/b/webinar-8/title">Announce the title</a>' in board_page
    assert client.get("/b/webinar-8/title").status_code == 200

    response = client.post("/b/webinar-8/title", data={"title": TITLE})

    assert (response.status_code, response.location) == (302, "/b/webinar-8")
    board = board_numbered(8)
    assert board is not None and board.title == TITLE
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.board_id) == (admin.id, "announce_title", board.id)
    items = board_items(app.test_client().get("/").get_data(as_text=True))
    assert items["/b/webinar-8"].startswith(f"Webinar 8: {TITLE} 31 October 2023")
    assert "To be announced" not in items["/b/webinar-8"]
    assert sum("To be announced" in text for text in items.values()) == 2


@pytest.mark.parametrize(
    ("title", "message"), [("  ", "Please give the title."), ("x" * 201, "At most 200 characters.")]
)
def test_a_refused_title_says_why_and_keeps_the_board_to_be_announced(
    app, admin, series, title, message
):
    response = as_user(app, admin).post("/b/webinar-8/title", data={"title": title})
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    board = board_numbered(8)
    assert board is not None and board.title is None
    assert log_entries() == []


def test_hosts_members_and_moderators_may_not_set_a_title(app, ctx, series):
    host = make_user()
    grant_board_role(host, board_numbered(8), "host")  # type: ignore[arg-type]
    for user in (make_user(), host, make_user(role=Role.MODERATOR)):
        client = as_user(app, user)
        assert 'href="/b/webinar-8/title"' not in client.get("/b/webinar-8").get_data(as_text=True)
        assert client.get("/b/webinar-8/title").status_code == 403
        assert client.post("/b/webinar-8/title", data={"title": TITLE}).status_code == 403
    assert app.test_client().post("/b/webinar-8/title", data={"title": TITLE}).status_code == 302
    board = board_numbered(8)
    assert board is not None and board.title is None
    assert log_entries() == []


def test_the_log_names_the_new_board_actions_in_full(app, admin, series):
    client = as_user(app, admin)
    client.post("/b/webinar-8/title", data={"title": TITLE})
    client.post("/boards/new", data={"number": "11"})
    page = html.unescape(client.get("/mod/log").get_data(as_text=True))
    assert "Announced the title" in page and f"title: {TITLE}" in page
    assert "Created the board" in page and "title: to be announced" in page
