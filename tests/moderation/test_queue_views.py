"""Reporting and the moderators' queues over HTTP: each endpoint's gate, and the flows.

Data is made in an application context of its own; requests run outside it, as in
production (see tests/threads/test_views.py).
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.db import db
from forum.moderation import reports
from forum.moderation.models import Report, ReportReason, ReportStatus
from forum.threads import services as threads
from forum.threads.models import Post, PostStatus, Thread, ThreadStatus
from tests.factories import (
    PASSWORD,
    grant_board_role,
    log_in,
    make_board,
    make_post,
    make_thread,
    make_user,
)
from tests.paths import thread_address
from tests.threads.test_queries import MAX_THREAD_PAGE_STATEMENTS, sql_statements


def _client(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        with app.app_context():
            db.session.add(user)
            log_in(client, user)
    return client


def _get(app: Flask, model: type[Any], id_: int) -> Any:
    with app.app_context():
        row = db.session.get(model, id_)
        db.session.expunge_all()
        return row


def _open_reports(app: Flask, post_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).where(
                Report.post_id == post_id, Report.status == ReportStatus.OPEN
            )
        )


def _count(app: Flask, model: type[Any]) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@pytest.fixture
def scene(app: Flask) -> dict[str, Any]:
    """A board with a published reply (reported once), a held reply, and the cast."""
    with app.app_context():
        board = make_board()
        thread = make_thread(board=board)
        author = make_user(username="author")
        post = make_post(thread=thread, author=author, body="Buy cheap watches")
        held_author = make_user(username="newcomer")
        held = threads.reply(thread, author=held_author, source="My first post", held=True)
        reports.report_post(post, reporter=make_user(), reason=ReportReason.SPAM, comment="ad")
        board_moderator = make_user(username="boardmod")
        grant_board_role(board_moderator, board, "moderator")
        other_board_moderator = make_user(username="elsewhere")
        grant_board_role(other_board_moderator, make_board(), "moderator")
        return {
            "thread": thread.id,
            "thread_path": thread_address(thread),
            "post": post.id,
            "held": held.id,
            "author": author,
            "held_author": held_author,
            "member": make_user(username="member"),
            "moderator": make_user(username="mod", role=Role.MODERATOR),
            "board_moderator": board_moderator,
            "other_board_moderator": other_board_moderator,
            "newcomer": make_user(username="waiting", is_approved=False).id,
        }


# --- reporting ---------------------------------------------------------------------------


def test_a_member_reports_a_post_from_its_report_link(app, scene):
    client = _client(app, scene["member"])
    thread_page = client.get(scene["thread_path"]).get_data(as_text=True)
    assert f'href="/p/{scene["post"]}/report"' in thread_page
    form = client.get(f"/p/{scene['post']}/report")
    assert form.status_code == 200 and 'type="radio"' in form.get_data(as_text=True)
    response = client.post(
        f"/p/{scene['post']}/report", data={"reason": "abusive", "comment": "Rude"}
    )
    assert response.status_code == 302 and response.location == f"/p/{scene['post']}"
    assert _open_reports(app, scene["post"]) == 2
    assert "the moderators will look" in client.get(scene["thread_path"]).get_data(as_text=True)


def test_reporting_a_post_twice_says_it_is_already_reported(app, scene):
    client = _client(app, scene["member"])
    client.post(f"/p/{scene['post']}/report", data={"reason": "spam"})
    response = client.post(f"/p/{scene['post']}/report", data={"reason": "off_topic"})
    assert response.status_code == 302
    followed = client.get(scene["thread_path"]).get_data(as_text=True)
    assert "You have already reported this post; moderators will look at it." in followed
    assert _open_reports(app, scene["post"]) == 2


def test_a_report_without_a_reason_or_an_other_without_comment_is_refused(app, scene):
    client = _client(app, scene["member"])
    response = client.post(f"/p/{scene['post']}/report", data={"comment": "Look"})
    assert response.status_code == 422
    assert "Please choose a reason." in response.get_data(as_text=True)
    response = client.post(f"/p/{scene['post']}/report", data={"reason": "other"})
    assert response.status_code == 422
    assert "Please say what is wrong with the post." in response.get_data(as_text=True)
    assert _open_reports(app, scene["post"]) == 1


def test_the_report_gate(app, scene):
    author = _client(app, scene["author"])
    assert f"/p/{scene['post']}/report" not in author.get(scene["thread_path"]).get_data(
        as_text=True
    )
    assert author.get(f"/p/{scene['post']}/report").status_code == 403
    member = _client(app, scene["member"])
    assert member.get(f"/p/{scene['held']}/report").status_code == 404  # not theirs to see
    refused = member.post(f"/p/{scene['post']}/report", data={"reason": "spam"}, csrf=False)
    assert refused.status_code == 400
    assert author.post(f"/p/{scene['post']}/report", data={"reason": "spam"}).status_code == 403
    assert member.post(f"/p/{scene['held']}/report", data={"reason": "spam"}).status_code == 404
    anonymous = app.test_client().get(f"/p/{scene['post']}/report")
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    guest = app.test_client().post(f"/p/{scene['post']}/report", data={"reason": "spam"})
    assert guest.status_code == 302 and "/login" in guest.location
    assert _count(app, Report) == 1  # only the scene's own


def test_a_suspended_member_may_not_report(app, scene):
    from datetime import timedelta

    from forum.db import utcnow

    with app.app_context():
        suspended = make_user(suspended_until=utcnow() + timedelta(days=3))
    client = _client(app, suspended)
    assert client.get(f"/p/{scene['post']}/report").status_code == 403
    assert client.post(f"/p/{scene['post']}/report", data={"reason": "spam"}).status_code == 403
    assert _count(app, Report) == 1  # only the scene's own


def test_reports_are_rate_limited_per_member(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REPORT="1 per hour")
    with app.app_context():
        first, second = make_post().id, make_post().id
        member = make_user()
    client = _client(app, member)
    assert client.post(f"/p/{first}/report", data={"reason": "spam"}).status_code == 302
    assert client.post(f"/p/{second}/report", data={"reason": "spam"}).status_code == 429
    assert (_open_reports(app, first), _open_reports(app, second)) == (1, 0)


# --- dashboard and header ----------------------------------------------------------------


def test_the_dashboard_shows_each_queue_with_its_count(app, scene):
    page = _client(app, scene["moderator"]).get("/mod")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/mod/reports"' in html and 'href="/mod/accounts"' in html
    assert "Moderation (3" in html  # one reported post, one held post, one account


def test_the_dashboard_gate(app, scene):
    assert _client(app, scene["member"]).get("/mod").status_code == 403
    html = _client(app, scene["board_moderator"]).get("/mod").get_data(as_text=True)
    assert 'href="/mod/accounts"' not in html  # accounts are for moderators everywhere
    assert "Moderation (2" in html
    assert "Moderation (0" in _client(app, scene["other_board_moderator"]).get("/").get_data(
        as_text=True
    )


def test_members_see_no_moderation_link_and_pay_no_statement_for_it(app, scene):
    client = _client(app, scene["member"])
    client.get("/")
    with sql_statements(app) as statements:
        html = client.get("/").get_data(as_text=True)
    assert 'href="/mod"' not in html
    assert not any("reports" in s for s in statements)


def test_a_moderators_thread_page_with_the_counts_stays_within_budget(app, scene):
    client = _client(app, scene["moderator"])
    client.get(scene["thread_path"])
    with sql_statements(app) as statements:
        html = client.get(scene["thread_path"]).get_data(as_text=True)
    assert "Moderation (3" in html
    assert len(statements) <= MAX_THREAD_PAGE_STATEMENTS, statements


# --- the review queue --------------------------------------------------------------------


def test_the_review_queue_shows_the_reported_post_in_context(app, scene):
    response = _client(app, scene["moderator"]).get("/mod/reports")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Buy cheap watches" in html and "Spam or advertising (1)" in html
    assert "“ad”" in html and f'action="/mod/reports/{scene["post"]}/resolve"' in html
    assert f'href="/p/{scene["post"]}/edit"' in html


def test_the_review_queue_gate(app, scene):
    assert _client(app, scene["member"]).get("/mod/reports").status_code == 403
    html = _client(app, scene["other_board_moderator"]).get("/mod/reports").get_data(as_text=True)
    assert "Buy cheap watches" not in html


def test_hiding_a_reported_post_from_the_queue(app, scene):
    client = _client(app, scene["board_moderator"])
    response = client.post(
        f"/mod/reports/{scene['post']}/resolve", data={"resolution": "hidden", "reason": "Spam"}
    )
    assert response.status_code == 302 and response.location == "/mod/reports"
    post = _get(app, Post, scene["post"])
    assert (post.status, post.status_reason) == (PostStatus.HIDDEN, "Spam")
    assert _open_reports(app, scene["post"]) == 0


@pytest.mark.parametrize("resolution", ["edited", "dismissed"])
def test_marking_edited_or_dismissing_closes_the_reports_and_keeps_the_post(app, scene, resolution):
    client = _client(app, scene["moderator"])
    response = client.post(f"/mod/reports/{scene['post']}/resolve", data={"resolution": resolution})
    assert response.status_code == 302
    assert _open_reports(app, scene["post"]) == 0
    assert _get(app, Post, scene["post"]).status == PostStatus.PUBLISHED
    assert _count(app, LogEntry) == 1


def test_hiding_without_a_reason_shows_the_queue_again_with_the_message(app, scene):
    client = _client(app, scene["moderator"])
    too_long = "x" * 501
    response = client.post(
        f"/mod/reports/{scene['post']}/resolve", data={"resolution": "hidden", "reason": ""}
    )
    assert response.status_code == 422
    assert "Please give a reason." in response.get_data(as_text=True)
    response = client.post(
        f"/mod/reports/{scene['post']}/resolve", data={"resolution": "hidden", "reason": too_long}
    )
    assert response.status_code == 422 and too_long in response.get_data(as_text=True)
    assert _open_reports(app, scene["post"]) == 1
    assert _get(app, Post, scene["post"]).status == PostStatus.PUBLISHED
    assert _count(app, LogEntry) == 0


def test_the_resolve_gate(app, scene):
    url = f"/mod/reports/{scene['post']}/resolve"
    data = {"resolution": "dismissed"}
    assert _client(app, scene["member"]).post(url, data=data).status_code == 403
    assert _client(app, scene["other_board_moderator"]).post(url, data=data).status_code == 403
    refused = _client(app, scene["moderator"]).post(url, data=data, csrf=False)
    assert refused.status_code == 400
    with app.app_context():
        db.session.execute(
            sa.update(Thread).where(Thread.id == scene["thread"]).values(status=ThreadStatus.HIDDEN)
        )
        db.session.commit()
    assert _client(app, scene["member"]).post(url, data=data).status_code == 404
    assert _open_reports(app, scene["post"]) == 1
    assert _get(app, Post, scene["post"]).status == PostStatus.PUBLISHED
    assert _count(app, LogEntry) == 0


# --- posts awaiting approval -------------------------------------------------------------


def test_the_approval_queue_lists_held_posts_for_their_boards_moderators(app, scene):
    html = _client(app, scene["board_moderator"]).get("/mod/posts").get_data(as_text=True)
    assert "My first post" in html and f'action="/mod/posts/{scene["held"]}/approve"' in html
    elsewhere = _client(app, scene["other_board_moderator"]).get("/mod/posts")
    assert "My first post" not in elsewhere.get_data(as_text=True)
    assert _client(app, scene["member"]).get("/mod/posts").status_code == 403


def test_an_approved_post_becomes_visible_to_readers(app, scene):
    reader = _client(app, scene["member"])
    assert "My first post" not in reader.get(scene["thread_path"]).get_data(as_text=True)
    response = _client(app, scene["moderator"]).post(f"/mod/posts/{scene['held']}/approve")
    assert response.status_code == 302 and response.location == "/mod/posts"
    assert _get(app, Post, scene["held"]).status == PostStatus.PUBLISHED
    assert "My first post" in reader.get(scene["thread_path"]).get_data(as_text=True)


def test_a_rejection_needs_a_reason_which_its_author_then_reads(app, scene):
    moderator = _client(app, scene["moderator"])
    url = f"/mod/posts/{scene['held']}/reject"
    refused = moderator.post(url, data={"reason": ""})
    assert refused.status_code == 422
    assert "Please give a reason." in refused.get_data(as_text=True)
    assert _get(app, Post, scene["held"]).status == PostStatus.PENDING
    assert _count(app, LogEntry) == 0
    assert moderator.post(url, data={"reason": "Please stay on topic"}).status_code == 302
    rejected = _get(app, Post, scene["held"])
    assert (rejected.status, rejected.status_reason) == (PostStatus.HIDDEN, "Please stay on topic")
    author_view = _client(app, scene["held_author"]).get(scene["thread_path"])
    assert "Reason: Please stay on topic" in author_view.get_data(as_text=True)


@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_the_approval_gates(app, scene, verb):
    url = f"/mod/posts/{scene['held']}/{verb}"
    data = {"reason": "No"}
    # Its author sees the held post (403); other members do not (404).
    assert _client(app, scene["held_author"]).post(url, data=data).status_code == 403
    assert _client(app, scene["member"]).post(url, data=data).status_code == 404
    assert _client(app, scene["other_board_moderator"]).post(url, data=data).status_code == 404
    refused = _client(app, scene["moderator"]).post(url, data=data, csrf=False)
    assert refused.status_code == 400
    assert _get(app, Post, scene["held"]).status == PostStatus.PENDING
    assert _count(app, LogEntry) == 0


def test_a_new_members_first_post_waits_in_the_queue_until_approved(make_app):
    app = make_app(PREMODERATION_POSTS=1)
    with app.app_context():
        thread = make_thread()
        newcomer, reader = make_user(), make_user()
        moderator = make_user(role=Role.MODERATOR)
        path = thread_address(thread)
    author = _client(app, newcomer)
    assert author.post(f"/t/{thread.id}/reply", data={"body": "Hello from Peru"}).status_code == 302
    assert "Awaiting a moderator" in author.get(path).get_data(as_text=True)
    assert "Hello from Peru" not in _client(app, reader).get(path).get_data(as_text=True)
    mod = _client(app, moderator)
    assert "Hello from Peru" in mod.get("/mod/posts").get_data(as_text=True)
    with app.app_context():
        held_id = db.session.scalar(sa.select(sa.func.max(Post.id)))
    mod.post(f"/mod/posts/{held_id}/approve")
    assert "Hello from Peru" in _client(app, reader).get(path).get_data(as_text=True)


# --- accounts awaiting approval ----------------------------------------------------------


def test_a_moderator_approves_an_account_from_the_queue(app, scene):
    client = _client(app, scene["moderator"])
    html = client.get("/mod/accounts").get_data(as_text=True)
    assert "waiting" in html and f'action="/mod/accounts/{scene["newcomer"]}/approve"' in html
    response = client.post(f"/mod/accounts/{scene['newcomer']}/approve")
    assert response.status_code == 302 and response.location == "/mod/accounts"
    assert _get(app, User, scene["newcomer"]).is_approved


def test_the_account_approval_gates(app, scene):
    url = f"/mod/accounts/{scene['newcomer']}/approve"
    board_moderator = _client(app, scene["board_moderator"])
    assert board_moderator.get("/mod/accounts").status_code == 403
    assert board_moderator.post(url).status_code == 403
    moderator = _client(app, scene["moderator"])
    assert moderator.post(url, csrf=False).status_code == 400
    assert moderator.post("/mod/accounts/999999/approve").status_code == 404
    assert not _get(app, User, scene["newcomer"]).is_approved
    assert _count(app, LogEntry) == 0


def test_a_registration_in_approval_mode_waits_in_the_account_queue(make_app):
    app = make_app(REGISTRATION_MODE="approval")
    with app.app_context():
        moderator = make_user(role=Role.MODERATOR)
    visitor = app.test_client()
    registered = visitor.post(
        "/register",
        data={"username": "ines", "email": "ines@example.org", "password": PASSWORD,
              "confirm": PASSWORD},
    )  # fmt: skip
    assert registered.status_code == 302
    html = _client(app, moderator).get("/mod/accounts").get_data(as_text=True)
    assert "ines" in html
