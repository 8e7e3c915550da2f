"""A moderator changes someone else's public profile (/mod/people/<username>/profile).

Who may: whoever may sanction the person (can_moderate_profile mirrors can_sanction):
moderators for members, administrators for moderators, nobody for an administrator, and
nobody for themselves (their own goes through /settings/profile). What: the public fields
(display name, country, organisation, role in the network, bio), never the email or
password; with a reason, recorded in the moderation log.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.db import db, utcnow
from tests.factories import log_in, make_user

ABUSIVE = {
    "display_name": "Insult Person",
    "country": "Somewhere",
    "organisation": "Org of insults",
    "network_role": "Troll",
    "bio": "An abusive bio.",
}
CLEANED = {
    "display_name": "",
    "country": "Somewhere",
    "organisation": "",
    "network_role": "",
    "bio": "Removed by a moderator.",
    "reason": "Insulting other members",
}


@pytest.fixture
def people(ctx) -> dict[str, User]:
    return {
        "member": make_user(username="amina", email="amina@example.org", **ABUSIVE),
        "other": make_user(username="kofi"),
        "moderator": make_user(username="mod", role=Role.MODERATOR, bio="The mod's own bio."),
        "moderator2": make_user(username="mod2", role=Role.MODERATOR, **ABUSIVE),
        "admin": make_user(username="boss", role=Role.ADMIN, **ABUSIVE),
    }


def client_of(app, user: User | None) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client


def profile_fields(user: User) -> dict[str, str]:
    db.session.expire_all()
    stored = db.session.get_one(User, user.id)
    return {name: getattr(stored, name) for name in (*ABUSIVE, "email", "password_hash")}


def log_entries() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def test_a_moderator_clears_a_members_abusive_profile_and_the_log_says_why(app, people) -> None:
    member, moderator = people["member"], people["moderator"]
    before, own_before = profile_fields(member), profile_fields(moderator)

    response = client_of(app, moderator).post("/mod/people/amina/profile", data=CLEANED)

    assert (response.status_code, response.location) == (302, "/u/amina")
    after = profile_fields(member)
    assert after == {
        "display_name": "",
        "country": "Somewhere",
        "organisation": "",
        "network_role": "",
        "bio": "Removed by a moderator.",
        "email": "amina@example.org",
        "password_hash": before["password_hash"],
    }
    assert profile_fields(moderator) == own_before  # not the moderator's own profile
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
        moderator.id,
        "edit_profile",
        "user",
        member.id,
    )
    assert entry.reason == "Insulting other members"
    assert entry.details == {"fields": "bio, display_name, network_role, organisation"}
    page = client_of(app, None).get("/u/amina").text
    assert "An abusive bio." not in page and "Removed by a moderator." in page


def test_the_email_and_password_are_not_theirs_to_change(app, people) -> None:
    before = profile_fields(people["member"])
    data = {**CLEANED, "email": "mine@example.org", "password_hash": "x", "password": "y"}
    assert client_of(app, people["moderator"]).post("/mod/people/amina/profile", data=data)
    after = profile_fields(people["member"])
    assert (after["email"], after["password_hash"]) == (before["email"], before["password_hash"])


@pytest.mark.parametrize(
    ("who", "whose"),
    [
        ("other", "amina"),  # a plain member
        ("moderator", "boss"),  # nobody moderates an administrator's profile
        ("moderator", "mod2"),  # only administrators act on moderators
        ("moderator", "mod"),  # their own profile is the settings page's
    ],
)
def test_those_who_may_not_are_refused_and_nothing_changes(app, people, who, whose) -> None:
    target = next(user for user in people.values() if user.username == whose)
    before = profile_fields(target)
    client = client_of(app, people[who])

    assert client.get(f"/mod/people/{whose}/profile").status_code == 403
    assert client.post(f"/mod/people/{whose}/profile", data=CLEANED).status_code == 403

    assert profile_fields(target) == before
    assert log_entries() == []


def test_a_suspended_moderator_is_refused_and_nothing_changes(app, people) -> None:
    suspended = make_user(
        username="suspended_mod",
        role=Role.MODERATOR,
        suspended_until=utcnow() + timedelta(days=7),
    )
    before = profile_fields(people["member"])
    response = client_of(app, suspended).post("/mod/people/amina/profile", data=CLEANED)
    assert response.status_code == 403
    assert profile_fields(people["member"]) == before
    assert log_entries() == []


def test_a_guest_is_sent_to_log_in_and_nothing_changes(app, people) -> None:
    before = profile_fields(people["member"])
    response = client_of(app, None).post("/mod/people/amina/profile", data=CLEANED)
    assert response.status_code == 302 and response.location.startswith("/login")
    assert profile_fields(people["member"]) == before


def test_an_administrator_changes_a_moderators_profile(app, people) -> None:
    response = client_of(app, people["admin"]).post("/mod/people/mod2/profile", data=CLEANED)
    assert response.status_code == 302
    assert profile_fields(people["moderator2"])["bio"] == "Removed by a moderator."
    assert [entry.action for entry in log_entries()] == ["edit_profile"]


def test_a_change_needs_a_reason(app, people) -> None:
    before = profile_fields(people["member"])
    data = {**CLEANED, "reason": "  "}
    response = client_of(app, people["moderator"]).post("/mod/people/amina/profile", data=data)
    assert response.status_code == 422
    assert "Please give a reason" in response.text
    assert profile_fields(people["member"]) == before
    assert log_entries() == []


def test_saving_the_profile_unchanged_writes_no_log_entry(app, people) -> None:
    data = {**ABUSIVE, "reason": "Looked, all fine"}
    response = client_of(app, people["moderator"]).post("/mod/people/amina/profile", data=data)
    assert response.status_code == 302
    assert log_entries() == []


def test_the_form_opens_filled_with_the_members_profile(app, people) -> None:
    page = client_of(app, people["moderator"]).get("/mod/people/amina/profile")
    assert page.status_code == 200
    assert 'value="Insult Person"' in page.text and "An abusive bio." in page.text
    assert 'name="email"' not in page.text and 'type="password"' not in page.text


def test_an_unknown_person_is_not_found(app, people) -> None:
    assert client_of(app, people["moderator"]).get("/mod/people/nobody/profile").status_code == 404


# --- the profile page shows the right link to the right person ----------------------------

SETTINGS = 'href="/settings/profile">Edit profile<'
MODERATION = 'href="/mod/people/{}/profile">Edit this profile (moderation)<'


@pytest.mark.parametrize(
    ("who", "whose", "link"),
    [
        ("member", "amina", "settings"),  # one's own profile
        ("moderator", "mod", "settings"),
        ("admin", "boss", "settings"),
        ("moderator", "amina", "moderation"),
        ("admin", "amina", "moderation"),  # used to link to the admin's own settings
        ("admin", "mod2", "moderation"),
        ("other", "amina", None),
        (None, "amina", None),
        ("moderator", "mod2", None),
        ("moderator", "boss", None),
    ],
)
def test_the_profile_page_links_to_the_edit_its_reader_may_make(
    app, people, who, whose, link
) -> None:
    page = client_of(app, people[who] if who else None).get(f"/u/{whose}").text
    assert (SETTINGS in page) == (link == "settings")
    assert (MODERATION.format(whose) in page) == (link == "moderation")
    assert (page.count("Edit profile<") + page.count("(moderation)<")) == (link is not None)


def test_the_person_page_links_to_the_profile_edit(app, people) -> None:
    page = client_of(app, people["moderator"]).get("/mod/people/amina").text
    assert 'href="/mod/people/amina/profile"' in page
    page = client_of(app, people["moderator"]).get("/mod/people/boss").text
    assert 'href="/mod/people/boss/profile"' not in page
