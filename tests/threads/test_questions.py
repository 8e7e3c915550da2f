"""Hosts' discussion questions: asked, scheduled, rescheduled, published now, and invisible
to everyone but the board's hosts and moderators until their time."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.models import Board
from forum.boards.queries import board_stats
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.threads import scheduling
from forum.threads import services as threads
from forum.threads.models import Thread, ThreadKind
from forum.threads.visibility import is_public
from tests.factories import grant_board_role, log_in, make_board, make_thread, make_user
from tests.paths import thread_address
from tests.threads.test_queries import MAX_THREAD_PAGE_STATEMENTS, sql_statements


def log_entries() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def reloaded(thread: Thread) -> Thread:
    db.session.expire_all()
    return db.session.get_one(Thread, thread.id)


def as_user(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client


def local_fields(moment: datetime, zone: str) -> dict[str, str]:
    local = moment.astimezone(ZoneInfo(zone))
    return {
        "appear_date": f"{local:%Y-%m-%d}",
        "appear_time": f"{local:%H:%M}",
        "appear_timezone": zone,
    }


def in_a_week() -> datetime:
    return (utcnow() + timedelta(days=7)).replace(second=0, microsecond=0)


@pytest.fixture
def board(ctx) -> Board:
    return make_board(slug="webinar-7", timezone="Africa/Accra")


@pytest.fixture
def host(ctx, board) -> User:
    user = make_user(username="ama")
    grant_board_role(user, board, "host")
    return user


def ask(board: Board, host: User, *, publish_at: datetime | None = None) -> Thread:
    return threads.start_thread(
        board,
        author=host,
        title="What did your network learn?",
        source="Tell us one thing.",
        kind=ThreadKind.QUESTION,
        publish_at=publish_at,
    )


# --- the scheduling services -------------------------------------------------------------


def test_rescheduling_moves_the_time_and_logs_from_and_to(board, host):
    question = ask(board, host, publish_at=in_a_week())
    later = in_a_week() + timedelta(days=1)
    assert scheduling.reschedule(question, actor=host, publish_at=later) is True
    assert reloaded(question).publish_at == later
    [entry] = log_entries()
    assert (entry.action, entry.target_type, entry.target_id, entry.board_id) == (
        "reschedule_question",
        "thread",
        question.id,
        board.id,
    )
    assert entry.details["to"] == later.isoformat()


def test_rescheduling_to_the_same_time_changes_nothing(board, host):
    when = in_a_week()
    question = ask(board, host, publish_at=when)
    assert scheduling.reschedule(question, actor=host, publish_at=when) is False
    assert log_entries() == []


def test_a_question_cannot_be_rescheduled_into_the_past(board, host):
    question = ask(board, host, publish_at=in_a_week())
    with pytest.raises(ServiceError) as refused:
        scheduling.reschedule(question, actor=host, publish_at=utcnow() - timedelta(minutes=1))
    assert refused.value.field == "appear_time"


def test_a_question_that_has_appeared_is_not_taken_back(board, host):
    question = ask(board, host)
    with pytest.raises(ServiceError, match="already appeared"):
        scheduling.reschedule(question, actor=host, publish_at=in_a_week())
    assert reloaded(question).publish_at is None


def test_publishing_now_makes_it_public_once(board, host):
    question = ask(board, host, publish_at=in_a_week())
    assert not is_public(question, utcnow())
    assert scheduling.publish_now(question, actor=host) is True
    assert is_public(reloaded(question), utcnow())
    assert scheduling.publish_now(reloaded(question), actor=host) is False
    [entry] = log_entries()
    assert entry.action == "publish_question"


def test_a_scheduled_question_appears_at_its_time_without_any_write(board, host):
    when = in_a_week()
    ask(board, host, publish_at=when)
    assert board.id not in board_stats(when - timedelta(seconds=1))
    assert board_stats(when)[board.id].thread_count == 1


# --- asking over HTTP --------------------------------------------------------------------


def test_the_question_form_has_its_heading_and_the_schedule_fields(app, board, host):
    page = as_user(app, host).get("/b/webinar-7/new?kind=question").get_data(as_text=True)
    assert "<h1>Ask a discussion question</h1>" in page
    assert 'name="appear_date"' in page and 'name="appear_time"' in page
    assert '<option selected value="Africa/Accra">' in page
    plain = as_user(app, host).get("/b/webinar-7/new").get_data(as_text=True)
    assert "<h1>Start a thread</h1>" in plain and "appear_date" not in plain


def test_a_host_asks_a_question_that_opens_the_board_marked_as_such(app, board, host):
    make_thread(board=board, title="An ordinary discussion")
    client = as_user(app, host)
    data = {"title": "What did your network learn?", "body": "Tell us one thing."}
    response = client.post("/b/webinar-7/new?kind=question", data=data)
    assert response.status_code == 302
    question = db.session.scalars(sa.select(Thread).where(Thread.title == data["title"])).one()
    assert (question.kind, question.publish_at) == (ThreadKind.QUESTION, None)
    page = app.test_client().get("/b/webinar-7").get_data(as_text=True)
    questions, _, rest = page.partition('id="threads-heading"')
    assert re.search(r"Discussion question</span>\s*<a href=\"/t/\d+/", questions)
    assert "What did your network learn?" in questions and "What did your network" not in rest
    assert "An ordinary discussion" in rest


def test_a_host_schedules_a_question_in_the_webinars_time_zone(app, board, host):
    when = in_a_week()
    data = {
        "title": "What did you try?",
        "body": "Tell us.",
        **local_fields(when, "Europe/Brussels"),
    }
    assert as_user(app, host).post("/b/webinar-7/new?kind=question", data=data).status_code == 302
    question = db.session.scalars(
        sa.select(Thread).where(Thread.title == "What did you try?")
    ).one()
    assert question.publish_at == when


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({"appear_date": "2020-01-01", "appear_time": "10:00"}, "That time has passed"),
        ({"appear_date": "", "appear_time": "10:00"}, "Please give the date too"),
        ({"appear_date": "2031-01-01", "appear_time": ""}, "Please give the time too"),
    ],
)
def test_a_refused_question_says_why_and_keeps_the_text(app, board, host, when, message):
    data = {"title": "What did you try?", "body": "Tell us everything.", **when}
    response = as_user(app, host).post("/b/webinar-7/new?kind=question", data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert message in page and "Tell us everything." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0


def test_only_those_who_may_post_questions_get_the_question_form(app, board, host):
    other_host = make_user()
    grant_board_role(other_host, make_board(), "host")
    data = {"title": "What did you try?", "body": "Tell us."}
    assert as_user(app, make_user()).get("/b/webinar-7/new?kind=question").status_code == 403
    assert (
        as_user(app, other_host).post("/b/webinar-7/new?kind=question", data=data).status_code
        == 403
    )
    assert as_user(app, make_user()).get("/b/webinar-7/new").status_code == 200
    assert (
        as_user(app, make_user(role=Role.MODERATOR))
        .get("/b/webinar-7/new?kind=question")
        .status_code
        == 200
    )
    refused = as_user(app, host).post("/b/webinar-7/new?kind=question", data=data, csrf=False)
    assert refused.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0


# --- who sees a scheduled question -------------------------------------------------------


def test_a_scheduled_question_is_invisible_to_readers_everywhere(app, board, host):
    question = ask(board, host, publish_at=in_a_week())
    first_post = db.session.scalar(sa.select(Thread.last_post_id).where(Thread.id == question.id))
    path = thread_address(question)
    member = make_user()
    for reader in (None, member):
        client = as_user(app, reader)
        home = client.get("/").get_data(as_text=True)
        assert "What did your network learn?" not in home and "1 thread" not in home
        assert "What did your network learn?" not in client.get("/b/webinar-7").get_data(
            as_text=True
        )
        assert client.get(path).status_code == 404
        assert client.get(f"/p/{first_post}").status_code == 404
        profile = client.get("/u/ama")
        assert profile.status_code == 200
        assert "What did your network learn?" not in profile.get_data(as_text=True)


def test_hosts_and_moderators_of_the_board_see_a_scheduled_question(app, board, host):
    question = ask(board, host, publish_at=in_a_week())
    path = thread_address(question)
    co_host = make_user()
    grant_board_role(co_host, board, "host")
    board_moderator = make_user()
    grant_board_role(board_moderator, board, "moderator")
    other_host = make_user()
    grant_board_role(other_host, make_board(), "host")
    for user in (host, co_host, board_moderator, make_user(role=Role.MODERATOR)):
        client = as_user(app, user)
        board_page = client.get("/b/webinar-7").get_data(as_text=True)
        assert "What did your network learn?" in board_page and "Scheduled for" in board_page
        assert client.get(path).status_code == 200
    assert as_user(app, other_host).get(path).status_code == 404


def test_the_thread_page_offers_hosts_the_schedule_tools_within_its_statement_budget(
    app, board, host
):
    question = ask(board, host, publish_at=in_a_week())
    path = thread_address(question)
    client = as_user(app, host)
    client.get("/")
    with sql_statements(app) as statements:
        page = client.get(path).get_data(as_text=True)
    assert len(statements) <= MAX_THREAD_PAGE_STATEMENTS
    assert f'action="/t/{question.id}/schedule"' in page
    assert f'action="/t/{question.id}/publish"' in page
    assert '<option value="Africa/Accra" selected>' in page


def test_the_schedule_tools_are_gone_once_the_question_has_appeared(app, board, host):
    question = ask(board, host)
    path, thread_id = thread_address(question), question.id
    assert f"/t/{thread_id}/publish" not in as_user(app, host).get(path).get_data(as_text=True)
    assert f"/t/{thread_id}/publish" not in as_user(app, make_user()).get(path).get_data(
        as_text=True
    )


# --- rescheduling and publishing over HTTP -----------------------------------------------


def test_a_host_moves_the_time_from_the_thread_page(app, board, host):
    question = ask(board, host, publish_at=in_a_week())
    later = in_a_week() + timedelta(days=2)
    response = as_user(app, host).post(
        f"/t/{question.id}/schedule", data=local_fields(later, "Africa/Accra")
    )
    assert (response.status_code, response.location) == (302, thread_address(question))
    assert reloaded(question).publish_at == later


def test_a_refused_new_time_is_shown_beside_the_field(app, board, host):
    question = ask(board, host, publish_at=in_a_week())
    data = {"appear_date": "2020-01-01", "appear_time": "10:00", "appear_timezone": "UTC"}
    response = as_user(app, host).post(f"/t/{question.id}/schedule", data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "That time has passed" in page and 'value="2020-01-01"' in page


def test_the_reschedule_page_shows_the_time_in_the_boards_zone(app, board, host):
    when = datetime(2031, 7, 1, 14, tzinfo=UTC)
    question = ask(board, host, publish_at=when)
    page = as_user(app, host).get(f"/t/{question.id}/schedule").get_data(as_text=True)
    assert 'value="2031-07-01"' in page and 'value="14:00"' in page
    assert "1 July 2031, 14:00 Africa/Accra time (UTC+00:00)" in page


def test_rescheduling_is_gated(app, board, host):
    scheduled = ask(board, host, publish_at=in_a_week())
    public = ask(board, host)
    discussion = make_thread(board=board)
    other_host = make_user()
    grant_board_role(other_host, make_board(), "host")
    data = local_fields(in_a_week() + timedelta(days=1), "UTC")
    assert as_user(app, make_user()).post(f"/t/{public.id}/schedule", data=data).status_code == 403
    assert (
        as_user(app, make_user()).post(f"/t/{scheduled.id}/schedule", data=data).status_code == 404
    )
    assert (
        as_user(app, other_host).post(f"/t/{scheduled.id}/schedule", data=data).status_code == 404
    )
    assert as_user(app, host).post(f"/t/{discussion.id}/schedule", data=data).status_code == 403
    refused = as_user(app, host).post(f"/t/{scheduled.id}/schedule", data=data, csrf=False)
    assert refused.status_code == 400
    assert log_entries() == []


def test_a_host_publishes_a_question_now(app, board, host):
    question = ask(board, host, publish_at=in_a_week())
    path = thread_address(question)
    response = as_user(app, host).post(f"/t/{question.id}/publish")
    assert (response.status_code, response.location) == (302, path)
    assert app.test_client().get(path).status_code == 200
    assert [e.action for e in log_entries()] == ["publish_question"]


def test_publishing_now_is_gated(app, board, host):
    scheduled = ask(board, host, publish_at=in_a_week())
    public = ask(board, host)
    assert as_user(app, make_user()).post(f"/t/{public.id}/publish").status_code == 403
    assert as_user(app, make_user()).post(f"/t/{scheduled.id}/publish").status_code == 404
    assert app.test_client().post(f"/t/{scheduled.id}/publish").status_code == 302  # log in first
    assert as_user(app, host).post(f"/t/{scheduled.id}/publish", csrf=False).status_code == 400
    assert not is_public(reloaded(scheduled), utcnow())
    assert log_entries() == []
