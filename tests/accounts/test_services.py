"""Account use cases called directly: register, authenticate, profile, password, sessions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from forum.accounts import services
from forum.accounts.models import Role, User, UserSession
from forum.db import db
from forum.errors import ServiceError
from tests.accounts.test_sessions import loads, open_login, sha256_hex
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def register(**overrides: str) -> User:
    fields = {"username": "amina_k", "email": "amina@example.org", "password": PASSWORD}
    return services.register(**{**fields, **overrides})


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


# Registering


def test_register_stores_a_modern_password_hash_never_the_password(ctx):
    user = register()

    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "argon2"))
    assert check_password_hash(user.password_hash, PASSWORD)


def test_register_salts_each_hash_so_equal_passwords_differ(ctx):
    first = register(username="first", email="first@example.org")
    second = register(username="second", email="second@example.org")

    assert first.password_hash != second.password_hash


def test_register_keeps_username_spelling_and_lowercases_key_and_email(ctx):
    user = register(username="Amina_K", email="  Amina.K@Example.ORG ")

    assert user.username == "Amina_K"
    assert user.username_key == "amina_k"
    assert user.email == "amina.k@example.org"


def test_register_strips_the_display_name(ctx):
    assert register(display_name="  Amina Kouyaté  ").display_name == "Amina Kouyaté"


def test_register_makes_an_active_member(ctx):
    user = register()

    assert user.role == Role.MEMBER
    assert user.is_active


def test_register_makes_an_admin_when_asked(ctx):
    assert register(role=Role.ADMIN).is_admin


@pytest.mark.parametrize(
    "username",
    [
        "",
        "ab",
        "a" * 31,
        "al ice",
        "al!ce",
        "al@ce",
        "_alice",
        ".alice",
        "-alice",
        "ålice",
        "alice\n",
        "alice/../x",
    ],
)
def test_register_refuses_a_bad_username_on_the_username_field(ctx, username):
    with pytest.raises(ServiceError) as refused:
        register(username=username)

    assert refused.value.field == "username"
    assert "letters, digits" in refused.value.message
    assert user_count() == 0


@pytest.mark.parametrize("username", ["abc", "a" * 30, "A.b-c_9", "9lives", "KM4B"])
def test_register_accepts_letters_digits_dots_dashes_and_underscores(ctx, username):
    assert register(username=username).username == username


@pytest.mark.parametrize(
    ("password", "message"),
    [("x" * 9, "at least 10"), ("x" * 201, "at most 200")],
)
def test_register_refuses_a_password_of_the_wrong_length(ctx, password, message):
    with pytest.raises(ServiceError) as refused:
        register(password=password)

    assert refused.value.field == "password"
    assert message in refused.value.message
    assert user_count() == 0


def test_register_accepts_a_password_of_exactly_the_minimum_length(ctx):
    user = register(password="x" * services.PASSWORD_MIN)

    assert check_password_hash(user.password_hash, "x" * services.PASSWORD_MIN)


def test_register_refuses_a_username_taken_in_another_case(ctx):
    make_user(username="amina_k")

    with pytest.raises(ServiceError) as refused:
        register(username="AMINA_K", email="other@example.org")

    assert refused.value.field == "username"
    assert "taken" in refused.value.message
    assert user_count() == 1


def test_register_refuses_an_email_taken_in_another_case(ctx):
    make_user(username="someone", email="amina@example.org")

    with pytest.raises(ServiceError) as refused:
        register(email="Amina@Example.org")

    assert refused.value.field == "email"
    assert "already exists" in refused.value.message
    assert user_count() == 1


def test_a_refused_registration_leaves_the_session_usable(ctx):
    make_user(username="amina_k")
    with pytest.raises(ServiceError):
        register()

    assert register(username="amina_2", email="amina2@example.org").id is not None
    assert user_count() == 2


# Authenticating


@pytest.mark.parametrize(
    "login", ["amina_k", "AMINA_K", "Amina_K", "amina@example.org", "AMINA@Example.Org"]
)
def test_authenticate_by_username_or_email_in_any_case(ctx, login):
    user = make_user(username="Amina_K", email="amina@example.org")

    assert services.authenticate(login, PASSWORD) == user


def test_authenticate_ignores_spaces_around_the_login(ctx):
    user = make_user(username="amina_k")

    assert services.authenticate("  amina_k \t", PASSWORD) == user


@pytest.mark.parametrize("password", ["wrong password", "", PASSWORD.upper(), PASSWORD + " "])
def test_authenticate_with_a_wrong_password_returns_nobody(ctx, password):
    make_user(username="amina_k")

    assert services.authenticate("amina_k", password) is None


@pytest.mark.parametrize("login", ["nobody", "nobody@example.org", ""])
def test_authenticate_with_an_unknown_login_returns_nobody(ctx, login):
    make_user(username="amina_k")

    assert services.authenticate(login, PASSWORD) is None


def test_authenticate_refuses_an_inactive_account_even_with_the_right_password(ctx):
    make_user(username="amina_k", is_active=False)

    assert services.authenticate("amina_k", PASSWORD) is None


def test_authenticate_checks_a_hash_even_when_no_account_matches(ctx, monkeypatch):
    # An unknown login must cost as much time as a wrong password (no user enumeration).
    checked: list[str] = []
    real_check = services.check_password_hash

    def counting_check(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real_check(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting_check)
    make_user(username="amina_k")

    services.authenticate("nobody", PASSWORD)
    services.authenticate("amina_k", "wrong password")

    assert len(checked) == 2
    assert checked[0].split("$")[0] == checked[1].split("$")[0]  # same algorithm and cost


# Profile


def test_update_profile_saves_every_profile_field_stripped(ctx):
    user = make_user()

    services.update_profile(
        user,
        display_name=" Amina Kouyaté ",
        country="Côte d'Ivoire ",
        organisation=" Ministry of Environment",
        network_role="CHM focal point",
        bio="Line one\nLine two\n",
    )

    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved is not None
    assert saved.display_name == "Amina Kouyaté"
    assert saved.country == "Côte d'Ivoire"
    assert saved.organisation == "Ministry of Environment"
    assert saved.network_role == "CHM focal point"
    assert saved.bio == "Line one\nLine two"


def test_update_profile_leaves_fields_not_given_alone(ctx):
    user = make_user(country="Kenya")

    services.update_profile(user, organisation="KEMRI")

    assert (user.country, user.organisation) == ("Kenya", "KEMRI")


def test_update_profile_cannot_change_role_email_or_password(ctx):
    user = make_user(username="amina_k")
    before = (user.role, user.email, user.password_hash, user.username)

    services.update_profile(
        user, role="admin", email="x@example.org", password_hash="x", username="root"
    )

    db.session.expire_all()
    after = db.session.get(User, user.id)
    assert after is not None
    assert (after.role, after.email, after.password_hash, after.username) == before


# Changing the password


def session_ids(user_id: int) -> set[int]:
    query = sa.select(UserSession.id).where(UserSession.user_id == user_id)
    return set(db.session.scalars(query))


def test_change_password_with_a_wrong_current_password_changes_nothing(ctx):
    user = make_user()
    here, elsewhere = open_login(user), open_login(user)
    before = (user.password_hash, session_ids(user.id))

    with pytest.raises(ServiceError) as refused:
        services.change_password(
            user, current="not my password", new=NEW_PASSWORD, keep_session=None
        )

    assert refused.value.field == "current_password"
    assert refused.value.message == "That is not your current password."
    db.session.expire_all()
    assert (user.password_hash, session_ids(user.id)) == before
    assert loads(here) and loads(elsewhere)


def test_change_password_refuses_a_too_short_new_password(ctx):
    user = make_user()
    key = open_login(user)

    with pytest.raises(ServiceError) as refused:
        services.change_password(user, current=PASSWORD, new="short", keep_session=None)

    assert refused.value.field == "new_password"
    assert "at least 10" in refused.value.message
    db.session.expire_all()
    assert check_password_hash(user.password_hash, PASSWORD)
    assert loads(key)


def test_change_password_replaces_the_hash(ctx):
    user = make_user(username="amina_k")

    services.change_password(user, current=PASSWORD, new=NEW_PASSWORD, keep_session=None)

    assert user.password_hash.startswith(("scrypt:", "argon2"))
    assert services.authenticate("amina_k", NEW_PASSWORD) == user
    assert services.authenticate("amina_k", PASSWORD) is None


def test_change_password_ends_every_other_session_and_keeps_this_one(ctx):
    user, someone_else = make_user(), make_user()
    here, elsewhere, theirs = open_login(user), open_login(user), open_login(someone_else)
    this_session = db.session.scalars(
        sa.select(UserSession.id).where(UserSession.key_hash == sha256_hex(here))
    ).one()

    services.change_password(user, current=PASSWORD, new=NEW_PASSWORD, keep_session=this_session)

    assert session_ids(user.id) == {this_session}
    assert loads(here)
    assert not loads(elsewhere)
    assert loads(theirs)


def test_change_password_without_a_session_to_keep_ends_them_all(ctx):
    user = make_user()
    key = open_login(user)

    services.change_password(user, current=PASSWORD, new=NEW_PASSWORD, keep_session=None)

    assert session_ids(user.id) == set()
    assert not loads(key)
