"""Hosts edit their webinar's details: the service, the local-time fields, the page."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards import services
from forum.boards.forms import local_to_utc, zone_choices
from forum.boards.models import Board
from forum.db import db
from forum.errors import ServiceError
from tests.factories import grant_board_role, log_in, make_board, make_user

FORM = {
    "summary": "How networks share what they learn.",
    "presenters": "Ama Mensah, Ghana\n\n  Jan Peeters, Belgium  \n",
    "start_date": "2031-07-01",
    "start_time": "14:00",
    "timezone": "Europe/Brussels",
    "recording_url": "https://video.example.org/km4b-7",
    "slides_url": "http://slides.example.org/km4b-7.pdf",
    "resources": "- [CHM guide](https://chm.example.org/guide)\n- <script>x</script>",
}


def log_entries() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def reloaded(board: Board) -> Board:
    db.session.expire_all()
    return db.session.get_one(Board, board.id)


@pytest.fixture
def board(ctx) -> Board:
    return make_board(slug="webinar-7", title="Sharing what we learn")


@pytest.fixture
def host(ctx, board) -> User:
    user = make_user(username="ama")
    grant_board_role(user, board, "host")
    return user


def as_user(client: FlaskClient, user: User | None) -> FlaskClient:
    if user is not None:
        log_in(client, user)
    return client


# --- time zones --------------------------------------------------------------------------


def test_a_local_time_is_stored_as_the_utc_moment_it_names():
    assert local_to_utc(date(2031, 7, 1), time(14), "Africa/Accra") == datetime(
        2031, 7, 1, 14, tzinfo=UTC
    )
    assert local_to_utc(date(2031, 7, 1), time(14), "Europe/Brussels") == datetime(
        2031, 7, 1, 12, tzinfo=UTC
    )
    assert local_to_utc(date(2031, 1, 7), time(14), "Europe/Brussels") == datetime(
        2031, 1, 7, 13, tzinfo=UTC
    )


def test_a_time_the_clocks_skip_is_refused():
    with pytest.raises(ValueError, match="does not exist"):
        local_to_utc(date(2031, 3, 30), time(2, 30), "Europe/Brussels")


def test_the_time_zones_offered_are_the_iana_places_grouped_by_region():
    choices = zone_choices()
    assert choices["UTC"] == [("UTC", "UTC")]
    assert ("Africa/Accra", "Accra") in choices["Africa"]
    assert ("Europe/Brussels", "Brussels") in choices["Europe"]
    assert not any(name.startswith(("Etc/", "posix")) for g in choices.values() for name, _ in g)


# --- the service -------------------------------------------------------------------------


def test_updating_details_changes_them_renders_resources_and_logs_the_changed_names(board, host):
    starts = datetime(2031, 7, 1, 12, tzinfo=UTC)
    changed = services.update_details(
        board,
        host,
        summary="New summary",
        presenters=["Ama Mensah"],
        starts_at=starts,
        timezone="Europe/Brussels",
        slides_url="https://slides.example.org/7",
        resources="See **this** <script>alert(1)</script>",
        recording_url="",
    )
    assert changed == ["summary", "presenters", "starts_at", "timezone", "slides_url", "resources"]
    saved = reloaded(board)
    assert (saved.summary, saved.presenters, saved.starts_at, saved.timezone) == (
        "New summary",
        ["Ama Mensah"],
        starts,
        "Europe/Brussels",
    )
    assert (
        "<strong>this</strong>" in saved.resources_html and "<script>" not in saved.resources_html
    )
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id, entry.board_id) == (
        host.id,
        "edit_board",
        "board",
        board.id,
        board.id,
    )
    assert entry.details == {"fields": changed}


def test_saving_the_same_details_again_writes_and_logs_nothing(board, host):
    services.update_details(board, host, summary="Once", timezone="Africa/Accra")
    assert (
        services.update_details(reloaded(board), host, summary="Once", timezone="Africa/Accra")
        == []
    )
    assert len(log_entries()) == 1


def test_a_start_time_in_another_zone_is_stored_in_utc(board, host):
    brussels = datetime(2031, 7, 1, 14, tzinfo=ZoneInfo("Europe/Brussels"))
    services.update_details(board, host, starts_at=brussels)
    assert reloaded(board).starts_at == datetime(2031, 7, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.org/x",
        "/relative",
        "https://",
        "https://a b.org",
    ],
)
def test_links_other_than_web_addresses_are_refused(board, host, url):
    with pytest.raises(ServiceError) as refused:
        services.update_details(board, host, slides_url=url)
    assert refused.value.field == "slides_url"
    assert log_entries() == []


def test_an_unknown_time_zone_is_refused(board, host):
    with pytest.raises(ServiceError) as refused:
        services.update_details(board, host, timezone="Mars/Olympus")
    assert refused.value.field == "timezone"


def test_fields_a_host_may_not_edit_are_not_taken(board, host):
    with pytest.raises(TypeError):
        services.update_details(board, host, slug="stolen")


# --- the page ----------------------------------------------------------------------------


def test_the_edit_form_shows_the_details_with_the_start_in_the_webinars_zone(board, host, client):
    services.update_details(
        board,
        host,
        presenters=["Ama Mensah", "Jan Peeters"],
        starts_at=datetime(2031, 7, 1, 12, tzinfo=UTC),
        timezone="Europe/Brussels",
    )
    page = as_user(client, host).get("/b/webinar-7/edit").get_data(as_text=True)
    assert 'value="2031-07-01"' in page and 'value="14:00"' in page
    assert '<option selected value="Europe/Brussels">' in page
    assert "Ama Mensah\nJan Peeters" in html.unescape(page)


def test_a_host_saves_the_details_and_the_board_shows_them_in_both_zones(board, host, client):
    response = as_user(client, host).post("/b/webinar-7/edit", data=FORM)
    assert (response.status_code, response.location) == (302, "/b/webinar-7")
    saved = reloaded(board)
    assert saved.starts_at == datetime(2031, 7, 1, 12, tzinfo=UTC)
    assert (saved.timezone, saved.webinar_date) == ("Europe/Brussels", date(2031, 7, 1))
    assert saved.presenters == ["Ama Mensah, Ghana", "Jan Peeters, Belgium"]
    assert saved.slides_url == "http://slides.example.org/km4b-7.pdf"
    [entry] = log_entries()
    assert set(entry.details["fields"]) >= {"summary", "presenters", "starts_at", "resources"}
    page = client.get("/b/webinar-7").get_data(as_text=True)
    assert "The webinar&#39;s details are saved." in page
    assert "1 July 2031, 14:00 Europe/Brussels time (UTC+02:00)" in page
    assert "01 Jul 2031, 12:00 UTC" in page
    assert (
        '<a href="https://chm.example.org/guide" rel="nofollow ugc noopener">CHM guide</a>' in page
    )
    assert "<script>x" not in page


def test_a_date_alone_sets_the_day_and_leaves_the_time_unset(board, host, client):
    data = {**FORM, "start_time": ""}
    assert as_user(client, host).post("/b/webinar-7/edit", data=data).status_code == 302
    saved = reloaded(board)
    assert (saved.webinar_date, saved.starts_at) == (date(2031, 7, 1), None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slides_url": "javascript:alert(1)"}, "starting with https:// or http://"),
        ({"start_date": "", "start_time": "14:00"}, "Please give the date too"),
        ({"start_date": "1 July"}, "Please give the date as YYYY-MM-DD"),
        ({"start_date": "2031-03-30", "start_time": "02:30"}, "The clocks go forward then"),
        ({"timezone": "Mars/Olympus"}, "Not a valid choice"),
    ],
)
def test_a_refused_form_says_why_beside_the_field_and_keeps_what_was_typed(
    board, host, client, changes, message
):
    response = as_user(client, host).post("/b/webinar-7/edit", data={**FORM, **changes})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert message in page
    assert "How networks share what they learn." in page
    assert log_entries() == []


def test_only_hosts_and_moderators_see_the_edit_button(board, host, client, app):
    board_moderator = make_user()
    grant_board_role(board_moderator, board, "moderator")
    other_host = make_user()
    grant_board_role(other_host, make_board(), "host")
    cases = [
        (None, False),
        (make_user(), False),
        (other_host, False),
        (host, True),
        (board_moderator, True),
        (make_user(role=Role.MODERATOR), True),
    ]
    for user, sees in cases:
        page = as_user(app.test_client(), user).get("/b/webinar-7").get_data(as_text=True)
        assert ('href="/b/webinar-7/edit"' in page) is sees, user


def test_the_edit_page_is_gated_by_can_edit_board(board, host, client, app):
    other_host = make_user()
    grant_board_role(other_host, make_board(), "host")
    assert client.get("/b/webinar-7/edit").status_code == 302  # to the login page
    assert (
        as_user(app.test_client(), make_user()).post("/b/webinar-7/edit", data=FORM).status_code
        == 403
    )
    assert as_user(app.test_client(), other_host).get("/b/webinar-7/edit").status_code == 403
    assert as_user(app.test_client(), host).get("/b/no-such-board/edit").status_code == 404
    refused = as_user(app.test_client(), host).post("/b/webinar-7/edit", data=FORM, csrf=False)
    assert refused.status_code == 400
    assert (
        as_user(app.test_client(), make_user(role=Role.MODERATOR))
        .get("/b/webinar-7/edit")
        .status_code
        == 200
    )
    assert log_entries() == []
