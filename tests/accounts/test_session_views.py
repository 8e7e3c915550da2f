"""Logins over HTTP: logging out ends the login on the server, the sessions settings page,
the CSRF token renewed at login and logout, idle logins ending.

As in test_views.py, no application context stays pushed while a client makes requests.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import UserSession
from forum.config import ConfigError
from forum.db import db, utcnow
from tests.accounts.test_views import (
    FormPage,
    add_user,
    is_logged_in,
    log_in_by_form,
    stored_user,
)
from tests.factories import PASSWORD
from tests.threads.test_queries import sql_statements, writes

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
COOKIES = ("session", "remember_token")


def log_in_as(app: Flask, username: str, *, remember: bool = False, agent: str = FIREFOX):
    """A new browser logged in through the form as `username`."""
    browser = app.test_client()
    response = browser.post(
        "/login",
        data={"login": username, "password": PASSWORD, **({"remember": "y"} if remember else {})},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 302
    return browser


def copy_cookies(browser: FlaskClient, names: tuple[str, ...]) -> dict[str, str]:
    found = {name: browser.get_cookie(name) for name in names}
    assert all(found.values()), found
    return {name: cookie.value for name, cookie in found.items() if cookie}


def browser_with(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    """A fresh browser that carries only the given (copied) cookies."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def sessions_of(app: Flask, username: str) -> list[UserSession]:
    user = stored_user(app, username_key=username)
    assert user is not None
    with app.app_context():
        query = sa.select(UserSession).where(UserSession.user_id == user.id)
        rows = list(db.session.scalars(query.order_by(UserSession.id)))
        for row in rows:
            db.session.expunge(row)
    return rows


def set_last_seen(app: Flask, username: str, ago: timedelta) -> None:
    ids = [row.id for row in sessions_of(app, username)]
    with app.app_context():
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.id.in_(ids))
            .values(last_seen_at=utcnow() - ago)
        )
        db.session.commit()


# Logging out ends the login on the server


@pytest.mark.parametrize(
    "copied", [("session",), ("remember_token",), COOKIES], ids=["session", "remember", "both"]
)
def test_cookies_copied_before_logout_stop_working_at_logout(app, client, copied):
    add_user(app, username="amina_k")
    log_in_by_form(client, "amina_k", remember="y")
    cookies = copy_cookies(client, copied)
    assert is_logged_in(browser_with(app, cookies))  # the copy worked while the login lasted

    assert client.post("/logout").status_code == 302

    assert not is_logged_in(browser_with(app, cookies))
    assert sessions_of(app, "amina_k") == []


def test_logging_out_on_one_device_leaves_the_others_logged_in(app):
    add_user(app, username="amina_k")
    laptop, phone = log_in_as(app, "amina_k"), log_in_as(app, "amina_k", agent=IPHONE)

    laptop.post("/logout")

    assert not is_logged_in(laptop)
    assert is_logged_in(phone)
    assert [row.device for row in sessions_of(app, "amina_k")] == ["Safari on iPhone"]


def test_logging_in_records_the_device_and_when(app):
    add_user(app, username="amina_k")
    before = utcnow()

    log_in_as(app, "amina_k", agent=FIREFOX)

    [row] = sessions_of(app, "amina_k")
    assert row.device == "Firefox on Linux"
    assert row.created_at == row.last_seen_at
    assert row.created_at >= before


# The CSRF token changes at login and at logout


def test_a_csrf_token_taken_before_login_is_refused_after_it(app, client):
    user = add_user(app, username="amina_k")
    before_login = FormPage(client.get("/login")).value("csrf_token")
    response = client.post(
        "/login",
        data={"csrf_token": before_login, "login": "amina_k", "password": PASSWORD},
        csrf=False,
    )
    assert response.status_code == 302

    refused = client.post(
        "/settings/profile", data={"csrf_token": before_login, "country": "Nowhere"}, csrf=False
    )

    assert refused.status_code == 400
    assert stored_user(app, id=user.id).country == ""
    fresh_token = FormPage(client.get("/settings/profile")).value("csrf_token")
    assert fresh_token != before_login
    accepted = client.post(
        "/settings/profile", data={"csrf_token": fresh_token, "country": "Kenya"}, csrf=False
    )
    assert accepted.status_code == 302
    assert stored_user(app, id=user.id).country == "Kenya"


def test_a_csrf_token_taken_while_logged_in_is_refused_after_logout(app, client):
    add_user(app, username="amina_k")
    log_in_by_form(client, "amina_k")
    logged_in_token = FormPage(client.get("/settings/profile")).value("csrf_token")
    client.post("/logout", data={"csrf_token": logged_in_token}, csrf=False)

    refused = client.post(
        "/login",
        data={"csrf_token": logged_in_token, "login": "amina_k", "password": PASSWORD},
        csrf=False,
    )

    assert refused.status_code == 400
    assert not is_logged_in(client)
    assert sessions_of(app, "amina_k") == []


# An idle login ends


@pytest.mark.parametrize(
    ("unused_for", "still_in"),
    [(timedelta(minutes=50), True), (timedelta(minutes=70), False)],
    ids=["inside-the-timeout", "past-the-timeout"],
)
def test_a_login_unused_for_the_idle_timeout_ends_remember_cookie_and_all(
    make_app, unused_for, still_in
):
    app = make_app(SESSION_IDLE_TIMEOUT=3600)
    add_user(app, username="amina_k")
    browser = log_in_as(app, "amina_k", remember=True)
    cookies = copy_cookies(browser, COOKIES)

    set_last_seen(app, "amina_k", unused_for)

    assert is_logged_in(browser_with(app, {"remember_token": cookies["remember_token"]})) is (
        still_in
    )
    assert is_logged_in(browser) is still_in


def test_a_page_refreshes_a_stale_last_seen_time(app):
    add_user(app, username="amina_k")
    browser = log_in_as(app, "amina_k")
    set_last_seen(app, "amina_k", timedelta(minutes=10))
    [before] = sessions_of(app, "amina_k")

    assert browser.get("/").status_code == 200

    [after] = sessions_of(app, "amina_k")
    assert after.last_seen_at > before.last_seen_at


def test_an_ordinary_page_writes_nothing_while_last_seen_is_recent(app):
    add_user(app, username="amina_k")
    browser = log_in_as(app, "amina_k")
    set_last_seen(app, "amina_k", timedelta(minutes=1))
    [before] = sessions_of(app, "amina_k")

    with sql_statements(app) as statements:
        assert browser.get("/").status_code == 200

    assert writes(statements) == []
    [after] = sessions_of(app, "amina_k")
    assert after.last_seen_at == before.last_seen_at


@pytest.mark.parametrize("timeout", [0, -5, "soon", 1.5, True], ids=repr)
def test_the_app_refuses_to_start_with_a_nonsense_idle_timeout(make_app, timeout):
    with pytest.raises(ConfigError, match="FORUM_SESSION_IDLE_TIMEOUT"):
        make_app(SESSION_IDLE_TIMEOUT=timeout)


def test_the_idle_timeout_is_read_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("FORUM_SESSION_IDLE_TIMEOUT", "600")

    assert make_app().config["SESSION_IDLE_TIMEOUT"] == 600


# The sessions settings page


def test_the_sessions_page_lists_your_logins_and_marks_this_device(app):
    add_user(app, username="amina_k")
    add_user(app, username="someone")
    log_in_as(app, "someone", agent="Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/128")
    log_in_as(app, "amina_k", agent=IPHONE)
    laptop = log_in_as(app, "amina_k", agent=FIREFOX)
    phone_row, laptop_row = sessions_of(app, "amina_k")

    response = laptop.get("/settings/sessions")

    assert response.status_code == 200
    text = response.text
    assert "<h1>Where you are logged in</h1>" in text
    assert "Firefox on Linux <strong>(this device)</strong>" in text
    assert "Safari on iPhone</td>" in text
    assert "Windows" not in text
    assert f'action="/settings/sessions/{phone_row.id}/end"' in text
    assert f'action="/settings/sessions/{laptop_row.id}/end"' in text
    assert 'action="/settings/sessions/end-all"' in text
    assert "14 days" in text and "30 days" in text


def test_the_sessions_page_leaves_out_logins_that_have_lapsed(app):
    add_user(app, username="amina_k")
    log_in_as(app, "amina_k", agent=IPHONE)
    set_last_seen(app, "amina_k", timedelta(days=15))
    laptop = log_in_as(app, "amina_k", agent=FIREFOX)

    text = laptop.get("/settings/sessions").text

    assert "Firefox on Linux" in text
    assert "iPhone" not in text


@pytest.mark.parametrize("path", ["/settings/profile", "/settings/password", "/settings/sessions"])
def test_every_settings_page_links_to_the_others(app, client, path):
    add_user(app, logged_in=client)

    text = client.get(path).text

    for other in ("/settings/profile", "/settings/password", "/settings/sessions"):
        assert f'href="{other}"' in text
    assert f'href="{path}" aria-current="page"' in text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/settings/sessions"),
        ("post", "/settings/sessions/end-all"),
        ("post", "/settings/sessions/1/end"),
    ],
)
def test_guests_are_sent_to_log_in_and_no_session_ends(app, client, method, path):
    add_user(app, username="amina_k")
    log_in_as(app, "amina_k")

    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert len(sessions_of(app, "amina_k")) == 1


def test_log_out_of_every_device_ends_every_login_this_one_included(app):
    add_user(app, username="amina_k")
    add_user(app, username="someone")
    laptop = log_in_as(app, "amina_k", remember=True)
    phone = log_in_as(app, "amina_k", remember=True, agent=IPHONE)
    phone_cookies = copy_cookies(phone, COOKIES)
    other_person = log_in_as(app, "someone")

    response = laptop.post("/settings/sessions/end-all")

    assert response.status_code == 302
    assert response.location == "/login"
    assert "You are logged out on every device" in laptop.get("/login").text
    assert sessions_of(app, "amina_k") == []
    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert not is_logged_in(browser_with(app, phone_cookies))
    assert is_logged_in(other_person)


def test_log_out_of_every_device_without_a_csrf_token_ends_nothing(app):
    add_user(app, username="amina_k")
    laptop, phone = log_in_as(app, "amina_k"), log_in_as(app, "amina_k", agent=IPHONE)

    response = laptop.post("/settings/sessions/end-all", csrf=False)

    assert response.status_code == 400
    assert len(sessions_of(app, "amina_k")) == 2
    assert is_logged_in(laptop) and is_logged_in(phone)


def test_logging_out_another_device_ends_only_that_login(app):
    add_user(app, username="amina_k")
    laptop = log_in_as(app, "amina_k")
    phone = log_in_as(app, "amina_k", remember=True, agent=IPHONE)
    phone_cookies = copy_cookies(phone, COOKIES)
    laptop_row, phone_row = sessions_of(app, "amina_k")

    response = laptop.post(f"/settings/sessions/{phone_row.id}/end")

    assert response.status_code == 302
    assert response.location == "/settings/sessions"
    assert "That device has been logged out." in laptop.get("/settings/sessions").text
    assert [row.id for row in sessions_of(app, "amina_k")] == [laptop_row.id]
    assert not is_logged_in(browser_with(app, phone_cookies))
    assert is_logged_in(laptop)


def test_logging_out_this_device_from_the_list_logs_you_out(app):
    add_user(app, username="amina_k")
    laptop = log_in_as(app, "amina_k", remember=True)
    cookies = copy_cookies(laptop, COOKIES)
    [row] = sessions_of(app, "amina_k")

    response = laptop.post(f"/settings/sessions/{row.id}/end")

    assert response.status_code == 302
    assert sessions_of(app, "amina_k") == []
    assert not is_logged_in(laptop)
    assert not is_logged_in(browser_with(app, cookies))


@pytest.mark.parametrize("whose", ["someone-elses", "unknown"])
def test_a_login_that_is_not_yours_cannot_be_ended(app, whose):
    add_user(app, username="amina_k")
    add_user(app, username="someone")
    theirs = log_in_as(app, "someone")
    [their_row] = sessions_of(app, "someone")
    laptop = log_in_as(app, "amina_k")
    target = their_row.id if whose == "someone-elses" else their_row.id + 1000

    response = laptop.post(f"/settings/sessions/{target}/end")

    assert response.status_code == 404
    assert [row.id for row in sessions_of(app, "someone")] == [their_row.id]
    assert is_logged_in(theirs)
    assert is_logged_in(laptop)


def test_logging_out_another_device_without_a_csrf_token_ends_nothing(app):
    add_user(app, username="amina_k")
    laptop, phone = log_in_as(app, "amina_k"), log_in_as(app, "amina_k", agent=IPHONE)
    _, phone_row = sessions_of(app, "amina_k")

    response = laptop.post(f"/settings/sessions/{phone_row.id}/end", csrf=False)

    assert response.status_code == 400
    assert len(sessions_of(app, "amina_k")) == 2
    assert is_logged_in(phone)
