"""Error pages in the site's layout, and the headers every response carries."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import TooManyRequests

from tests.factories import log_in, make_post, make_user


@pytest.fixture
def app(make_app):  # type: ignore[no-untyped-def]
    # Unhandled errors reach the 500 page, as in production.
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/_test/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("internal detail 7f3a")

    @app.get("/_test/limited")
    def limited():  # type: ignore[no-untyped-def]
        from flask import Response

        raise TooManyRequests(response=Response(status=429, headers={"Retry-After": "30"}))

    return app


def _in_layout(response) -> bool:  # type: ignore[no-untyped-def]
    return b'<main id="main"' in response.data and b"KM4B Forum" in response.data


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert _in_layout(response)
    assert b"Not found" in response.data


def test_editing_another_members_post_is_a_403_page(client, ctx):
    post = make_post()
    log_in(client, make_user())
    response = client.get(f"/p/{post.id}/edit")
    assert response.status_code == 403
    assert _in_layout(response)
    assert b"not allowed" in response.data


def test_wrong_method_is_a_405_page_that_names_the_allowed_ones(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert _in_layout(response)


def test_request_body_over_the_limit_is_a_413_page(client, ctx):
    post = make_post()
    log_in(client, make_user())
    response = client.post(f"/t/{post.thread_id}/reply", data={"body": "x" * 300_000})
    assert response.status_code == 413
    assert _in_layout(response)


def test_too_many_requests_is_a_429_page_with_retry_after(client):
    response = client.get("/_test/limited")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert _in_layout(response)


def test_unexpected_error_is_a_500_page_without_details(client):
    response = client.get("/_test/boom")
    assert response.status_code == 500
    assert _in_layout(response)
    assert b"internal detail 7f3a" not in response.data


def test_refused_csrf_is_a_400_page_that_gives_back_the_typed_text(client, ctx):
    post = make_post()
    log_in(client, make_user())
    response = client.post(
        f"/t/{post.thread_id}/reply", data={"body": "My long careful answer"}, csrf=False
    )
    assert response.status_code == 400
    assert _in_layout(response)
    assert b"My long careful answer" in response.data


@pytest.mark.parametrize(
    "header, expected",
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ],
)
def test_every_page_sends_security_headers(client, header, expected):
    assert client.get("/").headers[header] == expected
    assert client.get("/nope").headers[header] == expected


def test_content_security_policy_forbids_inline_script_and_framing(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.fixture
def failing_save_app(make_app):  # type: ignore[no-untyped-def]
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.post("/_test/failed-save")
    def failed_save():  # type: ignore[no-untyped-def]
        from flask_login import current_user

        from forum.accounts.models import User
        from forum.db import db

        # The same name as the signed-in user's: the save fails on the unique constraint,
        # as any refused statement would, with the user loaded in the failed session.
        db.session.add(
            User(
                username=current_user.username,
                username_key=current_user.username_key,
                email="copy@example.org",
                password_hash="x",
            )
        )
        db.session.commit()
        return "saved"

    return app


def test_a_failed_save_renders_the_500_page_with_its_header(failing_save_app):
    from forum.accounts.models import Role

    client = failing_save_app.test_client()
    with failing_save_app.app_context():
        moderator = make_user(username="mira", role=Role.MODERATOR)
        log_in(client, moderator)
    # Under PROPAGATE_EXCEPTIONS=False a second exception, raised while rendering the error
    # page, escapes the app and fails this request here.
    response = client.post("/_test/failed-save")
    assert response.status_code == 500
    assert _in_layout(response)
    page = response.get_data(as_text=True)
    assert 'href="/u/mira"' in page  # the header, with the signed-in user
    # and the queue counts: read in a fresh transaction, not skipped for the failed one.
    assert "Moderation (0" in page


def test_the_header_renders_after_a_failed_statement_even_outside_an_error_page(
    failing_save_app,
):
    # The header's context processor reads the user's role: it must not raise when the
    # session is broken (a view that caught the error and rendered a page of its own).
    from flask import render_template_string
    from flask_login import login_user

    from forum.accounts import sessions
    from forum.accounts.models import Role, User
    from forum.db import db, utcnow

    with failing_save_app.app_context():
        moderator_id = make_user(username="mira", role=Role.MODERATOR).id
        copy_id = make_user(username="mira2").id
    with failing_save_app.test_request_context("/"):
        moderator = db.session.get_one(User, moderator_id)
        lifetime = sessions.lifetime_from(failing_save_app.config)
        sessions.open_session(moderator, now=utcnow(), lifetime=lifetime)
        login_user(moderator)
        db.session.get_one(User, copy_id).username_key = "mira"
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        page = render_template_string('{% include "_moderator_nav.html" %}')
    assert "Moderation" in page
