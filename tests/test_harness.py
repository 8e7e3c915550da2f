"""The test harness behaves like production: each request has its own context and session."""

from __future__ import annotations

from forum.db import db
from tests.factories import log_in, make_user


def test_requests_made_inside_ctx_do_not_share_the_logged_in_user(app, ctx):
    member = app.test_client()
    log_in(member, make_user())
    assert member.get("/settings/profile").status_code == 200
    anonymous = app.test_client()
    assert anonymous.get("/settings/profile").status_code == 302


def test_requests_made_inside_ctx_use_their_own_database_session(app, ctx):
    test_session = db.session()
    seen: list[object] = []

    @app.get("/_test/session")
    def session_probe():  # type: ignore[no-untyped-def]
        seen.append(db.session())
        return ""

    app.test_client().get("/_test/session")
    assert seen and seen[0] is not test_session
