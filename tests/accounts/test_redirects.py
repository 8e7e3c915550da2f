"""Where people land after logging in or registering: back to a page of this site, never away."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from forum.accounts.redirects import safe_next
from tests.factories import PASSWORD, make_user

# Each would send the browser to another site (or run script) if used as a Location.
UNSAFE = [
    "//evil.com",
    "//evil.com/b/webinar-1",
    "///evil.com",
    "https://evil.com",
    "https://evil.com/b/webinar-1",
    "http:evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.com",
    "/\r\nLocation: https://evil.com",
    " //evil.com",
    "evil.com",
    "b/webinar-1",
]
SAFE = ["/", "/b/webinar-1?page=2", "/t/12/sharing-data#post-3", "/u/amina_k", "/settings/profile"]


def add_user(app: Flask, username: str = "amina_k") -> None:
    with app.app_context():
        make_user(username=username)


# The rule itself


@pytest.mark.parametrize("target", UNSAFE)
def test_safe_next_refuses_anything_but_a_local_path(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", SAFE)
def test_safe_next_keeps_a_local_path_with_its_query_and_fragment(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize("target", [None, ""])
def test_safe_next_falls_back_to_the_default_when_nothing_is_asked(target):
    assert safe_next(target) == "/"


# Logging in


@pytest.mark.parametrize("target", UNSAFE)
def test_login_never_redirects_off_site(app, client, target):
    add_user(app)

    response = client.post(
        "/login", data={"login": "amina_k", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("target", SAFE)
def test_login_returns_to_a_local_page(app, client, target):
    add_user(app)

    response = client.post(
        "/login", data={"login": "amina_k", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response.location == target


def test_login_form_carries_next_from_the_address_into_the_form(client):
    response = client.get("/login", query_string={"next": "/b/webinar-1?page=2"})

    field = re.search(r'<input[^>]*name="next"[^>]*>', response.text)
    assert field is not None
    assert 'value="/b/webinar-1?page=2"' in field.group(0)


def test_login_with_next_only_in_the_address_returns_there(app, client):
    add_user(app)

    response = client.post(
        "/login?next=%2Fb%2Fwebinar-1%3Fpage%3D2", data={"login": "amina_k", "password": PASSWORD}
    )

    assert response.location == "/b/webinar-1?page=2"


def test_failed_login_keeps_next_for_the_second_try(app, client):
    add_user(app)

    response = client.post(
        "/login", data={"login": "amina_k", "password": "wrong password", "next": "/u/amina_k"}
    )

    assert response.status_code == 422
    assert 'name="next" type="hidden" value="/u/amina_k"' in response.text


def test_a_members_only_page_sends_guests_to_log_in_and_back_again(app, client):
    add_user(app)

    to_login = client.get("/settings/password")
    assert to_login.location == "/login?next=%2Fsettings%2Fpassword"
    login_page = client.get(to_login.location)
    assert 'value="/settings/password"' in login_page.text

    response = client.post(
        "/login",
        data={"login": "amina_k", "password": PASSWORD, "next": "/settings/password"},
    )

    assert response.location == "/settings/password"
    assert client.get(response.location).status_code == 200


def test_header_log_in_link_returns_to_the_page_being_read(app, client):
    add_user(app)

    response = client.get("/u/amina_k")

    assert 'href="/login?next=/u/amina_k"' in response.text


# Registering


REGISTRATION = {
    "username": "new_member",
    "email": "new@example.org",
    "password": "long enough secret",
    "confirm": "long enough secret",
}


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com", "/\\evil.com"])
def test_register_never_redirects_off_site(client, target):
    response = client.post("/register", query_string={"next": target}, data=REGISTRATION)

    assert response.status_code == 302
    assert response.location == "/"


def test_register_returns_to_a_local_page(client):
    response = client.post(
        "/register", query_string={"next": "/b/webinar-1?page=2"}, data=REGISTRATION
    )

    assert response.location == "/b/webinar-1?page=2"
