"""Account pages over HTTP: register, log in and out, profiles, settings, cookies, secret key.

No application context stays pushed while a test client makes requests: a pushed context
would be shared with every request (Flask reuses it), carrying Flask-Login's cached user in
`g` from one client to the next. Data is made and read back inside short `with` blocks.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from forum import create_app
from forum.accounts.models import User
from forum.config import ConfigError
from forum.db import db
from tests.factories import PASSWORD, log_in, make_post, make_thread, make_user

NEW_PASSWORD = "a brand new passphrase"
SIGNUP = {
    "username": "Amina_K",
    "email": "amina@example.org",
    "display_name": "Amina Kouyaté",
    "password": "long enough secret",
    "confirm": "long enough secret",
}
PASSWORD_FIELDS = ("password", "confirm", "current_password", "new_password")
SAME_LOGIN_ERROR = "That username or email and password do not match an account."


# Helpers


class FormPage(HTMLParser):
    """The inputs (by name, with their attributes) and field errors (by field) of a page."""

    def __init__(self, response: TestResponse) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.errors: dict[str, str] = {}
        self._text: list[str] | None = None
        self._into: tuple[dict, str] | None = None
        self.feed(response.get_data(as_text=True))
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            self.inputs[name] = attributes
        elif tag == "textarea" and name:
            self.inputs[name] = attributes
            self._text, self._into = [], (attributes, "value")
        elif tag == "p" and "error" in (attributes.get("class") or "").split():
            field = (attributes.get("id") or "").removesuffix("-error")
            self._text, self._into = [], (self.errors, field)

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "textarea") and self._text is not None and self._into is not None:
            target, key = self._into
            target[key] = "".join(self._text).strip()
            self._text = self._into = None

    def value(self, name: str) -> str | None:
        return self.inputs[name].get("value")


def add_user(app: Flask, *, logged_in: FlaskClient | None = None, **fields: object) -> User:
    """Create an account (opening a session for it in `logged_in`); return it detached."""
    with app.app_context():
        user = make_user(**fields)
        if logged_in is not None:
            log_in(logged_in, user)
        db.session.refresh(user)
        db.session.expunge(user)
    return user


def stored_user(app: Flask, **where: str) -> User | None:
    """Read an account back from the database, detached."""
    with app.app_context():
        user = db.session.scalars(sa.select(User).filter_by(**where)).one_or_none()
        if user is not None:
            db.session.expunge(user)
    return user


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def is_logged_in(client: FlaskClient) -> bool:
    """Whether the client's cookies open a page only members can see."""
    return client.get("/settings/profile").status_code == 200


def set_cookie_header(response: TestResponse, name: str) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.getlist("Set-Cookie")
    return found[0]


def log_in_by_form(client: FlaskClient, login: str, password: str = PASSWORD, **extra: str):
    return client.post("/login", data={"login": login, "password": password, **extra})


# Every accounts page renders


@pytest.mark.parametrize(
    ("path", "heading"), [("/register", "<h1>Register</h1>"), ("/login", "<h1>Log in</h1>")]
)
def test_guest_pages_render_with_their_forms(client, path, heading):
    response = client.get(path)

    assert response.status_code == 200
    assert heading in response.text
    assert "csrf_token" in FormPage(response).inputs


def test_profile_page_renders_for_everyone(app, client):
    add_user(app, username="amina_k")

    response = client.get("/u/amina_k")

    assert response.status_code == 200
    assert "<h1>amina_k</h1>" in response.text


@pytest.mark.parametrize(
    ("path", "heading", "fields"),
    [
        ("/settings/profile", "Edit your profile", {"display_name", "country", "bio"}),
        ("/settings/password", "Change your password", {"current_password", "new_password"}),
    ],
)
def test_settings_pages_render_for_their_owner(app, client, path, heading, fields):
    add_user(app, logged_in=client)

    response = client.get(path)

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.text
    assert fields <= FormPage(response).inputs.keys()


# Registering


def test_register_creates_the_account_and_logs_you_in(app, client):
    response = client.post("/register", data=SIGNUP)

    assert response.status_code == 302
    assert response.location == "/"
    user = stored_user(app, username_key="amina_k")
    assert user is not None
    assert (user.username, user.email, user.display_name) == (
        "Amina_K",
        "amina@example.org",
        "Amina Kouyaté",
    )
    home = client.get("/")
    assert "Welcome, Amina Kouyaté!" in home.text
    assert "Log out" in home.text
    assert is_logged_in(client)


def test_register_stores_the_password_hashed_with_a_modern_algorithm(app, client):
    client.post("/register", data=SIGNUP)

    user = stored_user(app, username_key="amina_k")
    assert user is not None
    assert SIGNUP["password"] not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "argon2"))
    assert check_password_hash(user.password_hash, SIGNUP["password"])


def test_register_page_sends_logged_in_people_home(app, client):
    add_user(app, logged_in=client)

    assert client.get("/register").location == "/"


def test_register_trims_spaces_around_the_username(app, client):
    client.post("/register", data={**SIGNUP, "username": "  Amina_K "})

    user = stored_user(app, username_key="amina_k")
    assert user is not None
    assert user.username == "Amina_K"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"username": ""}, {"username": "Please fill this in."}),
        ({"email": ""}, {"email": "Please fill this in."}),
        (
            {"password": ""},
            {"password": "Please fill this in.", "confirm": "The two passwords differ."},
        ),
        ({"confirm": ""}, {"confirm": "Please fill this in."}),
        ({"username": "   "}, {"username": "Please fill this in."}),
        (
            {"username": "", "email": "", "password": "", "confirm": ""},
            {f: "Please fill this in." for f in ("username", "email", "password", "confirm")},
        ),
        ({"username": "amina k!"}, {"username": "letters, digits, dots, dashes or underscores"}),
        ({"username": "ab"}, {"username": "Use 3 to 30"}),
        ({"username": "a" * 31}, {"username": "30 characters"}),
        ({"password": "too short", "confirm": "too short"}, {"password": "10"}),
        ({"confirm": "something else entirely"}, {"confirm": "The two passwords differ."}),
        ({"email": "amina-at-example.org"}, {"email": "Please enter a valid email address."}),
        ({"email": "amina@"}, {"email": "Please enter a valid email address."}),
        ({"display_name": "x" * 61}, {"display_name": "60 characters"}),
    ],
    ids=[
        "blank-username",
        "blank-email",
        "blank-password",
        "blank-confirm",
        "spaces-only-username",
        "all-blank",
        "bad-username-characters",
        "too-short-username",
        "too-long-username",
        "too-short-password",
        "mismatched-confirm",
        "email-without-at",
        "email-without-domain",
        "too-long-display-name",
    ],
)
def test_register_with_invalid_input_shows_each_error_beside_its_field(
    app, client, changes, errors
):
    sent = {**SIGNUP, **changes}

    response = client.post("/register", data=sent)

    assert response.status_code == 422
    page = FormPage(response)
    for field, message in errors.items():
        assert message in page.errors.get(field, ""), page.errors
        assert page.inputs[field]["aria-invalid"] == "true"
        assert f"{field}-error" in (page.inputs[field]["aria-describedby"] or "")
    assert page.errors.keys() == errors.keys()
    assert "Please correct what is marked below." in response.text
    assert user_count(app) == 0


@pytest.mark.parametrize("changes", [{"username": "amina k!"}, {"confirm": "different!!"}])
def test_register_with_invalid_input_keeps_what_was_typed_except_passwords(client, changes):
    sent = {**SIGNUP, **changes}

    page = FormPage(client.post("/register", data=sent))

    for field in ("username", "email", "display_name"):
        assert page.value(field) == sent[field]
    for field in ("password", "confirm"):
        assert not page.value(field)
    assert SIGNUP["password"] not in str(page.inputs)


def test_register_with_a_username_taken_in_another_case_is_refused(app, client):
    add_user(app, username="amina_k", email="first@example.org")

    response = client.post("/register", data=SIGNUP)

    assert response.status_code == 422
    page = FormPage(response)
    assert page.errors == {"username": "That username is taken. Please choose another."}
    assert (page.value("username"), page.value("email")) == ("Amina_K", "amina@example.org")
    assert not page.value("password")
    assert user_count(app) == 1


def test_register_with_an_email_already_used_is_refused(app, client):
    add_user(app, username="first", email="amina@example.org")

    response = client.post("/register", data={**SIGNUP, "email": "Amina@Example.ORG"})

    assert response.status_code == 422
    page = FormPage(response)
    assert page.errors == {
        "email": "An account with that email address already exists. Log in instead?"
    }
    assert page.value("email") == "Amina@Example.ORG"
    assert user_count(app) == 1


def test_register_without_csrf_token_is_refused_and_creates_nothing(app, client):
    response = client.post("/register", data=SIGNUP, csrf=False)

    assert response.status_code == 400
    assert user_count(app) == 0
    assert SIGNUP["password"] not in response.text


# Logging in


@pytest.mark.parametrize("login", ["Amina_K", "amina_k", "AMINA_K", " amina_k "])
def test_login_by_username_in_any_case(app, client, login):
    add_user(app, username="Amina_K")

    response = log_in_by_form(client, login)

    assert response.status_code == 302
    assert response.location == "/"
    assert is_logged_in(client)


@pytest.mark.parametrize("login", ["amina@example.org", "Amina@Example.ORG"])
def test_login_by_email_in_any_case(app, client, login):
    add_user(app, username="Amina_K", email="amina@example.org")

    assert log_in_by_form(client, login).status_code == 302
    assert is_logged_in(client)


def test_login_with_wrong_password_does_not_say_whether_account_exists(app, client):
    add_user(app, username="amina_k", email="amina@example.org")

    attempts = {
        "wrong password": log_in_by_form(client, "amina_k", "not the password"),
        "wrong password by email": log_in_by_form(client, "amina@example.org", "not it at all"),
        "unknown username": log_in_by_form(client, "nobody_here", PASSWORD),
        "unknown email": log_in_by_form(client, "nobody@example.org", PASSWORD),
    }

    for attempt, response in attempts.items():
        assert response.status_code == 422, attempt
        assert FormPage(response).errors == {"password": SAME_LOGIN_ERROR}, attempt
    assert not is_logged_in(client)


def test_login_with_wrong_password_keeps_the_login_but_not_the_password(app, client):
    add_user(app, username="amina_k")

    response = log_in_by_form(client, "amina_k", "my wrong secret")

    page = FormPage(response)
    assert page.value("login") == "amina_k"
    assert not page.value("password")
    assert "my wrong secret" not in response.text


def test_login_with_blank_fields_asks_for_them(client):
    response = client.post("/login", data={"login": "", "password": ""})

    assert response.status_code == 422
    assert FormPage(response).errors == {
        "login": "Please fill this in.",
        "password": "Please fill this in.",
    }


def test_inactive_account_cannot_log_in(app, client):
    add_user(app, username="amina_k", is_active=False)

    response = log_in_by_form(client, "amina_k")

    assert response.status_code == 422
    assert FormPage(response).errors == {"password": SAME_LOGIN_ERROR}
    assert not is_logged_in(client)


def test_deactivating_an_account_ends_its_open_sessions(app, client):
    user = add_user(app, logged_in=client)
    assert is_logged_in(client)

    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user.id).values(is_active=False))
        db.session.commit()

    assert not is_logged_in(client)


def test_login_post_without_csrf_token_is_refused(app, client):
    add_user(app, username="amina_k")

    response = client.post("/login", data={"login": "amina_k", "password": PASSWORD}, csrf=False)

    assert response.status_code == 400
    assert "did not come from this site" in response.text
    assert PASSWORD not in response.text
    assert not is_logged_in(client)


def test_login_with_remember_me_sets_a_remember_cookie(app, client):
    add_user(app, username="amina_k")

    log_in_by_form(client, "amina_k", remember="y")

    assert client.get_cookie("remember_token") is not None


def test_login_without_remember_me_sets_no_remember_cookie(app, client):
    add_user(app, username="amina_k")

    response = log_in_by_form(client, "amina_k")

    assert response.status_code == 302
    assert client.get_cookie("remember_token") is None


def test_remember_cookie_logs_you_back_in_after_the_browser_session_ends(app, client):
    add_user(app, username="amina_k")
    log_in_by_form(client, "amina_k", remember="y")

    client.delete_cookie("session")

    assert is_logged_in(client)


def test_without_remember_me_closing_the_browser_logs_you_out(app, client):
    add_user(app, username="amina_k")
    log_in_by_form(client, "amina_k")

    client.delete_cookie("session")

    assert not is_logged_in(client)


# Cookies


def test_session_cookie_is_httponly_and_samesite_lax(app, client):
    add_user(app, username="amina_k")

    header = set_cookie_header(log_in_by_form(client, "amina_k"), "session")

    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # plain HTTP in tests: a Secure cookie would never return


def test_remember_cookie_is_httponly_and_samesite_lax(app, client):
    add_user(app, username="amina_k")

    header = set_cookie_header(log_in_by_form(client, "amina_k", remember="y"), "remember_token")

    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_session_and_remember_cookies_are_secure_when_served_over_https(make_app):
    app = make_app(HTTPS=True)
    client = app.test_client()
    add_user(app, username="amina_k")

    response = client.post(
        "/login",
        data={"login": "amina_k", "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # checked on HTTPS (CSRF)
    )

    assert response.status_code == 302
    assert "Secure" in set_cookie_header(response, "session")
    assert "Secure" in set_cookie_header(response, "remember_token")


def test_a_guest_reading_a_profile_gets_no_cookie(app, client):
    add_user(app, username="amina_k")

    response = client.get("/u/amina_k")

    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == []


# Logging out


def test_logout_by_post_ends_the_session_and_forgets_the_device(app, client):
    add_user(app, username="amina_k")
    log_in_by_form(client, "amina_k", remember="y")

    response = client.post("/logout")

    assert response.status_code == 302
    assert response.location == "/"
    assert client.get_cookie("remember_token") is None
    assert "You are logged out." in client.get("/").text
    assert not is_logged_in(client)


def test_logout_by_get_is_not_allowed(app, client):
    add_user(app, logged_in=client)

    response = client.get("/logout")

    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert is_logged_in(client)


def test_logout_without_csrf_token_is_refused(app, client):
    add_user(app, logged_in=client)

    response = client.post("/logout", csrf=False)

    assert response.status_code == 400
    assert is_logged_in(client)


# Profiles


def test_profile_shows_name_country_organisation_network_role_and_bio(app, client):
    add_user(
        app,
        username="amina_k",
        display_name="Amina Kouyaté",
        country="Côte d'Ivoire",
        organisation="Ministry of Environment",
        network_role="CHM focal point",
        bio="I coordinate the national clearing-house mechanism.",
    )

    response = client.get("/u/amina_k")

    text = response.text
    assert '<h1>Amina Kouyaté <span class="muted">@amina_k</span></h1>' in text
    assert "Côte d&#39;Ivoire" in text
    assert "Ministry of Environment" in text
    assert "CHM focal point" in text
    assert "I coordinate the national clearing-house mechanism." in text
    assert "No posts yet." in text


def test_profile_leaves_out_what_the_member_did_not_fill_in(app, client):
    add_user(app, username="amina_k")

    text = client.get("/u/amina_k").text

    for label in ("Role in the network", "Organisation", "Country", ">About<"):
        assert label not in text


def test_profile_lists_the_members_recent_posts_with_their_threads(app, client):
    with app.app_context():
        amina = make_user(username="amina_k")
        other = make_user(username="someone_else")
        thread = make_thread(author=amina, title="Data sharing across borders", body="Opening.")
        reply = make_post(thread=thread, author=amina, body="A reply of my own.")
        make_post(author=other, body="Not by Amina at all.")
        reply_id = reply.id

    response = client.get("/u/amina_k")

    text = response.text
    assert "Data sharing across borders" in text
    assert "Opening." in text
    assert "A reply of my own." in text
    assert f'href="/p/{reply_id}"' in text
    assert "Not by Amina at all." not in text
    assert text.index("A reply of my own.") < text.index("Opening.")  # newest first


def test_profile_escapes_what_members_wrote(app, client):
    add_user(app, username="amina_k", bio="<script>alert(1)</script>", country="<b>x</b>")

    text = client.get("/u/amina_k").text

    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>x</b>" not in text


def test_profile_address_ignores_case(app, client):
    add_user(app, username="Amina_K")

    assert client.get("/u/amina_k").status_code == 200
    assert client.get("/u/AMINA_K").status_code == 200


def test_profile_of_unknown_username_is_not_found(client):
    response = client.get("/u/nobody_here")

    assert response.status_code == 404
    assert "There is nothing here." in response.text


def test_profile_offers_editing_only_to_its_owner(app, client):
    add_user(app, username="amina_k")
    add_user(app, username="visitor", logged_in=client)

    assert '/settings/profile">Edit profile' not in client.get("/u/amina_k").text
    assert '/settings/profile">Edit profile' in client.get("/u/visitor").text


def test_profile_page_issues_the_same_number_of_queries_however_many_posts(app, client):
    def statements_for(username: str) -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            seen.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/u/{username}").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    with app.app_context():
        one = make_user(username="one_post")
        many = make_user(username="many_posts")
        thread = make_thread(author=one)
        for i in range(5):
            make_post(thread=make_thread(title=f"Thread {i}"), author=many)
        make_post(thread=thread, author=many)

    assert statements_for("one_post") == statements_for("many_posts")


# Editing the profile


@pytest.mark.parametrize("path", ["/settings/profile", "/settings/password"])
def test_settings_pages_send_guests_to_log_in_and_back(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.location == f"/login?next=%2Fsettings%2F{path.rsplit('/', 1)[1]}"


def test_posting_profile_changes_as_a_guest_changes_nothing(app, client):
    user = add_user(app, username="amina_k")

    response = client.post("/settings/profile", data={"display_name": "Hacked"})

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert stored_user(app, id=user.id).display_name == ""


def test_edit_profile_form_is_filled_with_the_current_profile(app, client):
    add_user(app, logged_in=client, country="Kenya", bio="Hello there.")

    page = FormPage(client.get("/settings/profile"))

    assert page.value("country") == "Kenya"
    assert page.value("bio") == "Hello there."


def test_edit_profile_saves_and_shows_the_profile(app, client):
    user = add_user(app, username="amina_k", logged_in=client)

    response = client.post(
        "/settings/profile",
        data={
            "display_name": "Amina Kouyaté",
            "country": "Senegal",
            "organisation": "Ministry of Environment",
            "network_role": "National focal point",
            "bio": "Working on CHM.",
        },
    )

    assert response.status_code == 302
    assert response.location == "/u/amina_k"
    saved = stored_user(app, id=user.id)
    assert (saved.display_name, saved.country, saved.network_role) == (
        "Amina Kouyaté",
        "Senegal",
        "National focal point",
    )
    profile = client.get("/u/amina_k").text
    assert "Your profile is saved." in profile
    assert "Working on CHM." in profile


def test_edit_profile_with_a_too_long_field_is_refused_and_keeps_the_input(app, client):
    user = add_user(app, logged_in=client, country="Kenya")

    response = client.post(
        "/settings/profile", data={"country": "x" * 61, "bio": "My new bio, kept."}
    )

    assert response.status_code == 422
    page = FormPage(response)
    assert page.errors.keys() == {"country"}
    assert "60 characters" in page.errors["country"]
    assert page.value("bio") == "My new bio, kept."
    assert stored_user(app, id=user.id).country == "Kenya"


def test_edit_profile_without_csrf_token_is_refused(app, client):
    user = add_user(app, logged_in=client)

    response = client.post("/settings/profile", data={"country": "Nowhere"}, csrf=False)

    assert response.status_code == 400
    assert stored_user(app, id=user.id).country == ""


# Changing the password


def change_password(client: FlaskClient, current: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post(
        "/settings/password",
        data={"current_password": current, "new_password": new, "confirm": new},
    )


def test_change_password_with_wrong_current_password_is_refused(app, client):
    user = add_user(app, logged_in=client)

    response = change_password(client, current="not my password")

    assert response.status_code == 422
    page = FormPage(response)
    assert page.errors == {"current_password": "That is not your current password."}
    assert not any(page.value(f) for f in ("current_password", "new_password", "confirm"))
    assert check_password_hash(stored_user(app, id=user.id).password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"new_password": "short", "confirm": "short"}, {"new_password": "10"}),
        ({"new_password": NEW_PASSWORD, "confirm": "other"}, {"confirm": "differ"}),
        ({"current_password": ""}, {"current_password": "Please fill this in."}),
    ],
    ids=["too-short", "mismatched-confirm", "blank-current"],
)
def test_change_password_with_invalid_new_password_is_refused(app, client, data, errors):
    user = add_user(app, logged_in=client)
    sent = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

    response = client.post("/settings/password", data={**sent, **data})

    assert response.status_code == 422
    page = FormPage(response)
    assert page.errors.keys() == errors.keys()
    for field, message in errors.items():
        assert message in page.errors[field]
    assert check_password_hash(stored_user(app, id=user.id).password_hash, PASSWORD)


def test_change_password_keeps_you_logged_in_with_the_new_password(app, client):
    user = add_user(app, username="amina_k", logged_in=client)

    response = change_password(client)

    assert response.status_code == 302
    assert response.location == "/u/amina_k"
    assert "Other devices have been logged out." in client.get("/u/amina_k").text
    assert is_logged_in(client)
    saved = stored_user(app, id=user.id)
    assert check_password_hash(saved.password_hash, NEW_PASSWORD)
    assert saved.password_hash.startswith(("scrypt:", "argon2"))


def test_change_password_logs_out_sessions_opened_before_it(app, client):
    other_device = app.test_client()
    user = add_user(app, logged_in=other_device)
    with app.app_context():
        log_in(client, db.session.get(User, user.id))
    assert is_logged_in(other_device)

    change_password(client)

    assert not is_logged_in(other_device)
    assert is_logged_in(client)


def test_change_password_ends_remember_me_on_other_devices(app, client):
    add_user(app, username="amina_k")
    other_device = app.test_client()
    log_in_by_form(other_device, "amina_k", remember="y")
    log_in_by_form(client, "amina_k")

    change_password(client)

    other_device.delete_cookie("session")
    assert other_device.get_cookie("remember_token") is not None
    assert not is_logged_in(other_device)


def test_change_password_keeps_remember_me_on_this_device(app, client):
    add_user(app, username="amina_k")
    log_in_by_form(client, "amina_k", remember="y")

    change_password(client)

    client.delete_cookie("session")
    assert is_logged_in(client)


def test_change_password_does_not_add_remember_me_to_a_device_without_it(app, client):
    add_user(app, username="amina_k")
    log_in_by_form(client, "amina_k")

    change_password(client)

    assert client.get_cookie("remember_token") is None


def test_old_password_no_longer_logs_in_after_a_change(app, client):
    add_user(app, username="amina_k", logged_in=client)
    change_password(client)
    client.post("/logout")

    assert log_in_by_form(client, "amina_k", PASSWORD).status_code == 422
    assert log_in_by_form(client, "amina_k", NEW_PASSWORD).status_code == 302


# The secret key that signs sessions


@pytest.fixture
def no_debug_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FLASK_DEBUG", "FORUM_DEBUG", "FORUM_TESTING", "FORUM_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    "secret_key", [None, "", "short", "x" * 23, "dev-only-insecure-key"], ids=repr
)
def test_app_refuses_to_start_in_production_without_a_real_secret_key(
    make_app, no_debug_env, secret_key
):
    with pytest.raises(ConfigError, match="FORUM_SECRET_KEY"):
        make_app(TESTING=False, DEBUG=False, SECRET_KEY=secret_key)


def test_app_starts_in_production_with_a_long_secret_key(make_app, no_debug_env):
    app = make_app(TESTING=False, DEBUG=False, SECRET_KEY="k" * 64)

    assert app.secret_key == "k" * 64
    assert app.test_client().get("/login").status_code == 200


def test_app_reads_the_secret_key_from_the_environment(database_url, no_debug_env, monkeypatch):
    monkeypatch.setenv("FORUM_SECRET_KEY", "e" * 40)

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})

    assert app.secret_key == "e" * 40


def test_app_in_debug_mode_starts_without_a_secret_key(make_app, no_debug_env):
    app = make_app(TESTING=False, DEBUG=True, SECRET_KEY=None)

    assert app.secret_key
