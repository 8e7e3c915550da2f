"""The moderation log page: who, what, on what, when and why; filters; pages; who may read
it; and that nothing in it can be changed through the application."""

from __future__ import annotations

from html import unescape

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from forum import audit
from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.db import db
from forum.moderation.models import Report, ReportReason
from tests.factories import grant_board_role, log_in, make_board, make_post, make_thread, make_user
from tests.threads.test_queries import sql_statements


def client_of(app, user: User | None) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client


def page_of(client: FlaskClient, path: str = "/mod/log") -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return unescape(response.get_data(as_text=True))


def rows(page: str) -> list[str]:
    """Return the table rows of the log on a page, first to last."""
    if "<tbody>" not in page:
        return []
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row.split("</tr>", 1)[0] for row in body.split("<tr>")[1:]]


def add(actor: User | None, action: str, **fields: object) -> LogEntry:
    entry = audit.record(actor, action, **fields)  # type: ignore[arg-type]
    db.session.commit()
    return entry


@pytest.fixture
def staff(ctx) -> dict[str, User]:
    return {
        "moderator": make_user(username="mod", role=Role.MODERATOR),
        "admin": make_user(username="boss", role=Role.ADMIN),
        "member": make_user(username="amina"),
    }


# --- what an entry shows -------------------------------------------------------------------


def test_each_entry_shows_who_what_on_what_where_when_and_why_newest_first(app, staff):
    board = make_board(slug="webinar-7", number=7)
    thread = make_thread(board=board, title="Open data in practice")
    post = make_post(thread=thread)
    report = Report(post_id=post.id, reporter_id=staff["member"].id, reason=ReportReason.SPAM)
    db.session.add(report)
    db.session.commit()
    mod = staff["moderator"]
    add(
        mod,
        "lock_thread",
        target_type="thread",
        target_id=thread.id,
        board_id=board.id,
        reason="Heated",
    )
    add(mod, "hide_post", target_type="post", target_id=post.id, board_id=board.id, reason="Spam")
    add(
        None,
        "change_role",
        target_type="user",
        target_id=staff["member"].id,
        details={"to": "moderator"},
    )
    add(mod, "edit_board", target_type="board", target_id=board.id, board_id=board.id)
    add(mod, "dismiss_report", target_type="report", target_id=report.id, board_id=board.id)

    dismissed, edited, role, hidden, locked = rows(page_of(client_of(app, staff["moderator"])))

    assert f'<a href="/t/{thread.id}">Open data in practice</a>' in locked
    assert ">Lock thread<" in locked and "Heated" in locked and '<a href="/u/mod">mod</a>' in locked
    assert '<a href="/b/webinar-7">Webinar 7</a>' in locked
    assert "<time datetime=" in locked
    assert f'<a href="/p/{post.id}">Post {post.id}</a> in “Open data in practice”' in hidden
    assert '<a href="/mod/people/amina">amina</a>' in role and "<td>system</td>" in role
    assert "to: moderator" in role
    assert '<a href="/b/webinar-7">Board webinar-7</a>' in edited
    assert f'Report {report.id} on <a href="/p/{post.id}">post {post.id}</a>' in dismissed


def test_a_deleted_account_still_reads_right_in_the_log(app, staff):
    gone = make_user(username="gone")
    add(staff["moderator"], "ban", target_type="user", target_id=gone.id, reason="Spam")
    db.session.delete(gone)
    db.session.commit()

    [row] = rows(page_of(client_of(app, staff["moderator"])))

    assert f"Account {gone.id} (deleted)" in row and "Spam" in row


# --- filters and pages ---------------------------------------------------------------------


def test_the_log_filters_by_action_by_actor_and_by_board(app, staff):
    seven, eight = make_board(slug="webinar-7"), make_board(slug="webinar-8")
    mod, admin, member_id = staff["moderator"], staff["admin"], staff["member"].id
    add(mod, "hide_post", target_type="post", target_id=1, board_id=seven.id, reason="one")
    add(mod, "lock_thread", target_type="thread", target_id=2, board_id=eight.id, reason="two")
    add(admin, "ban", target_type="user", target_id=member_id, reason="three")
    add(None, "change_role", target_type="user", target_id=member_id, reason="four")
    client = client_of(app, staff["moderator"])

    def reasons(query: str) -> list[str]:
        found = rows(page_of(client, f"/mod/log?{query}"))
        return [r.rsplit("<td>", 1)[1].split("</td>")[0] for r in found]

    assert reasons("action=hide_post") == ["one"]
    assert reasons("actor=MOD") == ["two", "one"]
    assert reasons("actor=system") == ["four"]
    assert reasons("board=webinar-8") == ["two"]
    assert reasons("actor=mod&board=webinar-7") == ["one"]
    assert reasons("actor=nobody") == []
    filtered = page_of(client, "/mod/log?action=ban")
    assert '<option value="ban" selected>Ban</option>' in filtered
    assert "No entries match these filters." in page_of(client, "/mod/log?action=nothing")


def test_every_action_reads_as_words_in_the_table_and_in_the_filter(app, staff):
    mod, member_id = staff["moderator"], staff["member"].id
    add(mod, "resolve_reports_hidden", target_type="post", target_id=1, reason="spam")
    add(mod, "revoke_board_role", target_type="user", target_id=member_id)
    add(mod, "some_new_action", target_type="user", target_id=member_id)
    page = page_of(client_of(app, mod))

    new, revoked, resolved = rows(page)

    assert ">Resolve reports: post hidden<" in resolved
    assert ">Withdraw board role<" in revoked
    assert ">Some new action<" in new  # an action without a label still reads
    assert '<option value="revoke_board_role">Withdraw board role</option>' in page
    assert "resolve_reports_hidden<" not in page and "revoke_board_role<" not in page


def test_the_log_is_paginated_newest_first_and_keeps_its_filters(app, staff):
    for n in range(51):
        add(staff["moderator"], "hide_post", target_type="post", target_id=n, reason=f"r{n}")
    client = client_of(app, staff["admin"])

    first = rows(page_of(client, "/mod/log?action=hide_post"))
    second_page = page_of(client, "/mod/log?action=hide_post&page=2")

    assert len(first) == 50 and "r50" in first[0]
    assert rows(second_page) and "r0" in rows(second_page)[0]
    assert 'href="/mod/log?action=hide_post"' in second_page  # back to page 1, filter kept
    assert client.get("/mod/log?page=3").status_code == 404


def test_the_log_page_costs_the_same_statements_with_5_entries_as_with_50(app, staff):
    client = client_of(app, staff["moderator"])
    thread = make_thread()

    def cost(entries: int) -> int:
        db.session.execute(sa.delete(LogEntry))
        db.session.commit()
        for _ in range(entries):
            add(staff["moderator"], "lock_thread", target_type="thread", target_id=thread.id)
        with sql_statements(app) as statements:
            page_of(client)
        return len(statements)

    assert cost(5) == cost(50)


# --- who may read it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("member", 403), ("host", 403), ("board_moderator", 200), ("moderator", 200)],
)
def test_the_log_is_read_by_moderators_of_a_board_or_everywhere(app, staff, who, status):
    board = make_board()
    users = {
        **staff,
        "host": make_user(username="host"),
        "board_moderator": make_user(username="focal"),
    }
    grant_board_role(users["host"], board, "host")
    grant_board_role(users["board_moderator"], board, "moderator")

    response = client_of(app, users[who] if who else None).get("/mod/log")

    assert response.status_code == status


def test_a_boards_moderator_reads_only_that_boards_entries(app, staff):
    theirs, other = make_board(slug="theirs"), make_board(slug="other")
    focal = make_user(username="focal")
    grant_board_role(focal, theirs, "moderator")
    mod = staff["moderator"]
    add(mod, "hide_post", target_type="post", target_id=1, board_id=theirs.id, reason="mine")
    add(mod, "hide_post", target_type="post", target_id=2, board_id=other.id, reason="not mine")
    add(mod, "ban", target_type="user", target_id=staff["member"].id, reason="site-wide")

    page = page_of(client_of(app, focal))

    assert [("mine" in row) for row in rows(page)] == [True]
    assert "You see the entries of the boards you moderate." in page
    assert '<option value="other">' not in page


# --- nothing can be changed ----------------------------------------------------------------


def test_no_route_changes_the_log(app, staff):
    log_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/mod/log")]

    assert [rule.rule for rule in log_rules] == ["/mod/log"]
    assert log_rules[0].methods == {"GET", "HEAD", "OPTIONS"}
    client = client_of(app, staff["admin"])
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/mod/log").status_code == 405
