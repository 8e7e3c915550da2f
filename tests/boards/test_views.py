"""The home page (every webinar board) and a board's page, over HTTP.

Data is made in an application context of its own; requests run outside it, as in production.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import User
from forum.db import db, utcnow
from forum.threads.models import Thread
from tests.factories import log_in, make_board, make_post, make_thread, make_user
from tests.paths import thread_address


def _text(fragment: str) -> str:
    """Return the visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def board_items(page: str) -> dict[str, str]:
    """Return the text of each board in the list, by the board's path."""
    items = re.findall(r'<li class="board[^"]*">(.*?)</li>', page, re.S)
    return {re.search(r'href="(/b/[^"]+)"', item).group(1): _text(item) for item in items}  # type: ignore[union-attr]


def thread_rows(page: str) -> list[tuple[int, str]]:
    """Return (thread id, row text) for each row of a board's thread table, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [(int(re.search(r'href="/t/(\d+)/', row).group(1)), _text(row)) for row in rows]  # type: ignore[union-attr]


def sections(page: str) -> tuple[str, str]:
    """Split the home page into its upcoming and past webinar sections."""
    before, _, past = page.partition('<h2 id="past">')
    _, _, upcoming = before.partition('<h2 id="upcoming">')
    return upcoming, past


def logged_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        db.session.add(user)
        log_in(client, user)
    return client


# --- Home page ---------------------------------------------------------------------------


def test_the_home_page_lists_each_board_with_its_details_and_activity(app, client):
    with app.app_context():
        board = make_board(
            number=2,
            title="Scaling up knowledge management",
            webinar_date=date(2023, 9, 12),
            presenters=["GKSSB", "KM4AgD"],
        )
        thread = make_thread(board=board, title="Questions for the presenters")
        make_post(thread=thread, author=make_user(username="ben"))
        make_board(number=3, title="Regional initiatives", webinar_date=date(2023, 9, 19))
    response = client.get("/")
    assert response.status_code == 200
    items = board_items(response.get_data(as_text=True))
    assert re.fullmatch(
        r"Webinar 2: Scaling up knowledge management 12 September 2023 · GKSSB; KM4AgD "
        r"1 thread, 2 posts · last: Questions for the presenters by ben, "
        r"\d\d \w{3} \d{4}, \d\d:\d\d UTC",
        items["/b/webinar-2"],
    ), items["/b/webinar-2"]
    assert items["/b/webinar-3"].endswith("0 threads, 0 posts · no discussion yet")


def test_the_home_page_tells_upcoming_webinars_from_past_ones(app, client):
    today = utcnow().date()
    with app.app_context():
        make_board(number=1, title="Long ago", webinar_date=date(2023, 9, 5))
        make_board(number=2, title="Last month", webinar_date=today - timedelta(days=30))
        make_board(number=3, title="Today's webinar", webinar_date=today)
        make_board(number=4, title="Later this year", webinar_date=today + timedelta(days=30))
    upcoming, past = sections(client.get("/").get_data(as_text=True))
    assert "Upcoming webinars" in upcoming
    # A webinar taking place today is still upcoming; the soonest comes first.
    assert list(board_items(upcoming)) == ["/b/webinar-3", "/b/webinar-4"]
    # The most recent past webinar comes first.
    assert list(board_items(past)) == ["/b/webinar-2", "/b/webinar-1"]


def test_upcoming_webinars_are_listed_soonest_first(app, client):
    today = utcnow().date()
    with app.app_context():
        make_board(number=5, webinar_date=today + timedelta(days=7))
        make_board(number=6, webinar_date=today + timedelta(days=14))
    upcoming, past = sections(client.get("/").get_data(as_text=True))
    assert list(board_items(upcoming)) == ["/b/webinar-5", "/b/webinar-6"]
    assert "No webinar has taken place yet." in past


def test_without_upcoming_webinars_the_home_page_shows_only_past_ones(app, client):
    with app.app_context():
        make_board(number=1, webinar_date=date(2023, 9, 5))
    page = client.get("/").get_data(as_text=True)
    assert "Upcoming webinars" not in page
    assert list(board_items(sections(page)[1])) == ["/b/webinar-1"]


def test_webinars_without_a_title_are_shown_by_number_as_to_be_announced(app, client):
    with app.app_context():
        make_board(number=9, title=None, webinar_date=utcnow().date() + timedelta(days=10))
        make_board(number=10, title=None, webinar_date=None)
    page = client.get("/").get_data(as_text=True)
    items = board_items(page)
    assert items["/b/webinar-9"].startswith("Webinar 9 (title to be announced)")
    assert "To be announced" in items["/b/webinar-9"]
    assert items["/b/webinar-10"].startswith(
        "Webinar 10 (title to be announced) date to be announced To be announced"
    )
    assert page.count('class="board tba"') == 2


def test_the_shipped_series_shows_ten_boards_on_the_home_page(app, client):
    assert app.test_cli_runner().invoke(args=["forum", "load-km4b"]).exit_code == 0
    page = client.get("/").get_data(as_text=True)
    items = board_items(page)
    assert sorted(items) == sorted(f"/b/webinar-{n}" for n in range(1, 11))
    assert items["/b/webinar-4"].startswith(
        "Webinar 4: Implementing knowledge management in policy and practice 26 September 2023"
    )
    assert sum("To be announced" in text for text in items.values()) == 3


def test_an_empty_forum_has_a_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No webinar has taken place yet." in response.get_data(as_text=True)


def test_an_anonymous_visit_to_the_home_page_sets_no_cookie(app, client):
    with app.app_context():
        make_thread()
    response = client.get("/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


# --- A board's page ----------------------------------------------------------------------


def test_a_board_page_shows_the_webinar_details(app, client):
    with app.app_context():
        make_board(
            number=1,
            title="Unlocking the power of knowledge",
            webinar_date=date(2023, 9, 5),
            summary="Opening webinar of the series.",
            presenters=["CBD Secretariat", "UNEP-WCMC"],
            attendance_note="over 150 participants from 56 countries",
            recording_url="https://example.org/recording",
            slides_url="https://example.org/slides.pdf",
        )
    response = client.get("/b/webinar-1")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Webinar 1: Unlocking the power of knowledge</h1>" in page
    header = _text(page.split('<header class="board-head">')[1].split("</header>")[0])
    assert "5 September 2023 · over 150 participants from 56 countries" in header
    assert "Opening webinar of the series." in header
    assert "Presenters: CBD Secretariat; UNEP-WCMC" in header
    assert '<a href="https://example.org/recording" rel="noopener">Recording</a>' in page
    assert '<a href="https://example.org/slides.pdf" rel="noopener">Slides</a>' in page
    assert "No threads yet." in page


def test_a_board_for_a_webinar_to_be_announced_says_so(app, client):
    with app.app_context():
        make_board(number=9, title=None, webinar_date=date(2030, 11, 21))
    page = client.get("/b/webinar-9").get_data(as_text=True)
    assert "<h1>Webinar 9 (title to be announced)</h1>" in page
    assert "To be announced" in page and "21 November 2030" in page


def test_an_unknown_board_is_not_found(client):
    response = client.get("/b/no-such-board")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def _set_thread(app: Flask, thread_id: int, **values: object) -> None:
    with app.app_context():
        db.session.execute(sa.update(Thread).where(Thread.id == thread_id).values(**values))
        db.session.commit()


def test_a_board_lists_pinned_threads_first_then_by_latest_activity(app, client):
    now = utcnow()
    with app.app_context():
        board = make_board(slug="webinar-1")
        ids = {
            name: make_thread(board=board, title=f"Thread {name}").id
            for name in ("old", "recent", "pinned", "middle")
        }
    for name, age in [("old", 30), ("recent", 1), ("pinned", 60), ("middle", 10)]:
        _set_thread(app, ids[name], last_post_at=now - timedelta(days=age))
    _set_thread(app, ids["pinned"], is_pinned=True)
    rows = thread_rows(client.get("/b/webinar-1").get_data(as_text=True))
    assert [thread_id for thread_id, _ in rows] == [
        ids["pinned"],
        ids["recent"],
        ids["middle"],
        ids["old"],
    ]
    assert rows[0][1].startswith("Pinned Thread pinned")


def test_a_reply_brings_its_thread_to_the_top_of_the_board(app, client):
    with app.app_context():
        board = make_board(slug="webinar-1")
        older = make_thread(board=board, title="Older thread")
        newer = make_thread(board=board, title="Newer thread")
        older_id, newer_id = older.id, newer.id
    rows = thread_rows(client.get("/b/webinar-1").get_data(as_text=True))
    assert [thread_id for thread_id, _ in rows] == [newer_id, older_id]
    with app.app_context():
        make_post(thread=db.session.get(Thread, older_id))
    rows = thread_rows(client.get("/b/webinar-1").get_data(as_text=True))
    assert [thread_id for thread_id, _ in rows] == [older_id, newer_id]


def test_each_thread_on_a_board_shows_author_replies_last_poster_and_time(app, client):
    with app.app_context():
        board = make_board(slug="webinar-1")
        thread = make_thread(board=board, author=make_user(username="ana"), title="Data sharing")
        ben = make_user(username="ben")
        make_post(thread=thread, author=ben)
        last = make_post(thread=thread, author=ben)
        thread_path, last_id = thread_address(thread), last.id
    page = client.get("/b/webinar-1").get_data(as_text=True)
    [(_, row)] = thread_rows(page)
    assert re.fullmatch(r"Data sharing by ana 2 ben, \d\d \w{3} \d{4}, \d\d:\d\d UTC", row), row
    assert f'href="{thread_path}"' in page
    assert 'href="/u/ana"' in page
    assert f'<a href="/p/{last_id}">ben</a>' in page


def test_a_locked_thread_is_marked_on_its_board(app, client):
    with app.app_context():
        thread_id = make_thread(board=make_board(slug="webinar-1"), title="Closed topic").id
    _set_thread(app, thread_id, is_locked=True)
    [(_, row)] = thread_rows(client.get("/b/webinar-1").get_data(as_text=True))
    assert row.startswith("Locked Closed topic")


def _board_with_threads(make_app, count: int) -> tuple[Flask, list[int]]:  # type: ignore[no-untyped-def]
    """Return an app showing two threads a page, and the ids of `count` threads, newest first."""
    app = make_app(THREADS_PER_PAGE=2)
    now = utcnow()
    with app.app_context():
        board = make_board(slug="webinar-1")
        ids = [make_thread(board=board, title=f"Thread number {i}").id for i in range(count)]
    for age, thread_id in enumerate(reversed(ids)):
        _set_thread(app, thread_id, last_post_at=now - timedelta(hours=age))
    return app, list(reversed(ids))


def test_a_board_is_paginated_with_page_numbers(make_app):
    app, ids = _board_with_threads(make_app, 5)
    client = app.test_client()
    pages = [
        [thread_id for thread_id, _ in thread_rows(client.get(url).get_data(as_text=True))]
        for url in ("/b/webinar-1", "/b/webinar-1?page=2", "/b/webinar-1?page=3")
    ]
    assert pages == [ids[0:2], ids[2:4], ids[4:5]]
    first = client.get("/b/webinar-1").get_data(as_text=True)
    assert 'href="/b/webinar-1?page=2"' in first and 'href="/b/webinar-1?page=3"' in first


# Whole numbers out of range (0, -2, 9999999999) are a 404: tests/test_bad_input.py.
@pytest.mark.parametrize("value", ["abc", "2.0", "", "²", "٣", "-", "2x"])
def test_a_bad_board_page_number_shows_the_first_page(make_app, value):
    app, ids = _board_with_threads(make_app, 3)
    response = app.test_client().get("/b/webinar-1", query_string={"page": value})
    assert response.status_code == 200
    assert [thread_id for thread_id, _ in thread_rows(response.get_data(as_text=True))] == ids[:2]


def test_a_board_page_beyond_the_last_is_not_found(make_app):
    app, _ = _board_with_threads(make_app, 3)
    client = app.test_client()
    assert client.get("/b/webinar-1?page=2").status_code == 200
    assert client.get("/b/webinar-1?page=3").status_code == 404


def test_an_empty_board_has_a_first_page_and_no_second(app, client):
    with app.app_context():
        make_board(slug="webinar-1")
    assert client.get("/b/webinar-1").status_code == 200
    assert client.get("/b/webinar-1?page=2").status_code == 404


def test_guests_are_invited_to_log_in_to_start_a_thread(app, client):
    with app.app_context():
        make_board(slug="webinar-1")
    response = client.get("/b/webinar-1")
    page = response.get_data(as_text=True)
    assert '<a href="/login?next=/b/webinar-1">Log in</a> to start a thread.' in page
    assert "/b/webinar-1/new" not in page
    assert "Set-Cookie" not in response.headers


def test_members_are_offered_to_start_a_thread(app):
    with app.app_context():
        make_board(slug="webinar-1")
        member = make_user()
    page = logged_in(app, member).get("/b/webinar-1").get_data(as_text=True)
    assert '<a class="button" href="/b/webinar-1/new">Start a thread</a>' in page
    assert "Be the first to start one." in page


def test_deactivated_members_are_treated_as_guests(app):
    with app.app_context():
        make_board(slug="webinar-1")
        member = make_user(is_active=False)
    client = logged_in(app, member)
    assert "Start a thread" not in client.get("/b/webinar-1").get_data(as_text=True)
    assert client.get("/b/webinar-1/new").status_code == 302
