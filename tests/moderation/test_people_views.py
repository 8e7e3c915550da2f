"""People pages over HTTP: who may open them, each role and sanction form's gate wired
(done by whom can_manage_roles / can_sanction allow, 403 otherwise, 404 for nobody, 400
without a CSRF token), refused forms, and what a suspended or banned member then meets.

Data is made in the test's application context; requests run in their own (CSRFClient).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from forum.accounts import services as accounts
from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.models import Board, BoardRoleKind
from forum.db import db, utcnow
from forum.moderation import people
from forum.threads.models import Post
from tests.factories import PASSWORD, grant_board_role, log_in, make_board, make_thread, make_user
from tests.paths import thread_address

HOST = BoardRoleKind.HOST


@dataclass
class World:
    users: dict[str, User]
    board: Board


@pytest.fixture
def world(ctx) -> World:
    board = make_board(slug="webinar-7")
    users = {
        "admin": make_user(username="boss", role=Role.ADMIN),
        "admin2": make_user(username="deputy", role=Role.ADMIN),
        "moderator": make_user(username="mod", role=Role.MODERATOR),
        "moderator2": make_user(username="mod2", role=Role.MODERATOR),
        "board_moderator": make_user(username="focal"),
        "member": make_user(username="amina"),
        "member2": make_user(username="kofi"),
    }
    grant_board_role(users["board_moderator"], board, "moderator")
    return World(users, board)


def client_of(app, user: User | None) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client


def reloaded(user: User) -> User:
    db.session.expire_all()
    return db.session.get_one(User, user.id)


def log_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) or 0


def post_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Post)) or 0


def text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.get_data(as_text=True))


# --- the pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),  # to the login page
        ("member", 403),
        ("board_moderator", 403),
        ("moderator", 200),
        ("admin", 200),
    ],
)
def test_people_pages_are_for_moderators_and_administrators(app, world, who, status):
    client = client_of(app, world.users[who] if who else None)

    assert client.get("/mod/people").status_code == status
    assert client.get("/mod/people/amina").status_code == status
    if who is None:
        assert "/login" in client.get("/mod/people").headers["Location"]


def test_people_list_finds_accounts_by_username_and_role(app, world):
    client = client_of(app, world.users["moderator"])

    found = text(client.get("/mod/people?q=AMI"))
    moderators = text(client.get("/mod/people?role=moderator"))

    assert 'href="/mod/people/amina"' in found and "kofi" not in found
    assert "1 account whose username contains “AMI”" in found
    assert 'href="/mod/people/mod"' in moderators and 'href="/mod/people/mod2"' in moderators
    assert "amina" not in moderators


def test_people_list_is_paginated_and_pages_past_the_end_are_not_found(app, world):
    for n in range(55):
        make_user(username=f"zz{n:02d}")
    client = client_of(app, world.users["admin"])

    first, second = text(client.get("/mod/people")), text(client.get("/mod/people?page=2"))

    assert 'href="/mod/people?page=2"' in first
    assert "zz54" in second and "zz54" not in first
    assert client.get("/mod/people?page=3").status_code == 404


def test_an_unknown_person_is_not_found(app, world):
    assert client_of(app, world.users["admin"]).get("/mod/people/ghost").status_code == 404


def test_administrators_see_role_and_sanction_forms_moderators_only_sanctions(app, world):
    as_admin = text(client_of(app, world.users["admin"]).get("/mod/people/amina"))
    as_moderator = text(client_of(app, world.users["moderator"]).get("/mod/people/amina"))

    assert "Change site role" in as_admin and "Give this role" in as_admin
    assert 'action="/mod/people/amina/suspend"' in as_admin
    assert 'action="/mod/people/amina/ban"' in as_admin
    assert "Change site role" not in as_moderator
    assert 'action="/mod/people/amina/suspend"' in as_moderator


@pytest.mark.parametrize(
    ("who", "target", "message"),
    [
        ("moderator", "moderator2", "Only administrators can sanction moderators."),
        ("admin", "admin2", "Administrators cannot be sanctioned."),
        ("moderator", "moderator", "Nobody can sanction themselves."),
    ],
)
def test_the_person_page_says_why_no_sanction_is_offered(app, world, who, target, message):
    username = world.users[target].username

    page = text(client_of(app, world.users[who]).get(f"/mod/people/{username}"))

    assert message in page
    assert f'action="/mod/people/{username}/suspend"' not in page


def test_the_person_page_lists_board_roles_and_what_the_log_says(app, world):
    people.grant_board_role(world.users["admin"], world.users["member"], world.board, HOST)

    page = text(client_of(app, world.users["admin"]).get("/mod/people/amina"))

    assert f'Host of <a href="/b/webinar-7">{world.board.heading}</a>' in page
    assert f'action="/mod/people/amina/board-roles/{world.board.id}/host/revoke"' in page
    assert "Grant board role" in page  # the history


# --- each action's gate --------------------------------------------------------------------


def actions(board_id: int) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "role": ("role", {"role-role": "moderator"}),
        "grant": ("board-roles", {"board-board": str(board_id), "board-role": "host"}),
        "revoke": (f"board-roles/{board_id}/host/revoke", {}),
        "suspend": ("suspend", {"suspend-until": "2099-01-01", "suspend-reason": "Spam"}),
        "lift": ("lift-suspension", {}),
        "ban": ("ban", {"ban-reason": "Spam"}),
        "unban": ("unban", {}),
    }


ROLE_ACTIONS = ("role", "grant", "revoke")
SANCTIONS = ("suspend", "lift", "ban", "unban")
GATES = [
    *[("admin", action, "member", 302) for action in (*ROLE_ACTIONS, *SANCTIONS)],
    *[("moderator", action, "member", 403) for action in ROLE_ACTIONS],
    *[("moderator", action, "member", 302) for action in SANCTIONS],
    *[("moderator", action, "moderator2", 403) for action in SANCTIONS],
    *[("admin", action, "moderator", 302) for action in SANCTIONS],
    *[("admin", action, "admin2", 403) for action in SANCTIONS],
    *[("moderator", action, "moderator", 403) for action in SANCTIONS],
    *[("board_moderator", action, "member", 403) for action in (*ROLE_ACTIONS, *SANCTIONS)],
    *[("member", action, "member2", 403) for action in (*ROLE_ACTIONS, *SANCTIONS)],
]


def standing(user: User) -> tuple[object, ...]:
    """What the people actions change about `user`, read afresh from the database."""
    fresh = reloaded(user)
    return (
        fresh.role,
        fresh.is_active,
        fresh.suspended_until,
        fresh.suspension_reason,
        accounts.board_roles_of(user.id),
    )


def prepare_for(action: str, user: User, board: Board, *, acting_on_self: bool) -> None:
    """Put `user` in the state `action` undoes, so that an allowed action has work to do."""
    if action == "revoke":
        grant_board_role(user, board, "host")
    elif action == "lift":
        user.suspended_until = utcnow() + timedelta(days=7)
        user.suspension_reason = "Earlier adverts"
    elif action == "unban" and not acting_on_self:  # a banned person cannot send the request
        user.is_active = False
    db.session.commit()


def assert_done(action: str, user: User, board: Board) -> None:
    fresh = reloaded(user)
    if action == "role":
        assert fresh.role == Role.MODERATOR
    elif action == "grant":
        assert accounts.board_roles_of(user.id) == {board.id: frozenset({"host"})}
    elif action == "revoke":
        assert accounts.board_roles_of(user.id) == {}
    elif action == "suspend":
        assert fresh.suspended_until is not None and fresh.suspended_until.year == 2099
        assert fresh.suspension_reason == "Spam"
    elif action == "lift":
        assert fresh.suspended_until is None
    elif action == "ban":
        assert fresh.is_active is False
    else:
        assert action == "unban" and fresh.is_active is True


@pytest.mark.parametrize(("who", "action", "target", "status"), GATES)
def test_each_action_is_allowed_exactly_where_its_rule_allows(
    app, world, who, action, target, status
):
    path, data = actions(world.board.id)[action]
    client = client_of(app, world.users[who])
    person = world.users[target]
    prepare_for(action, person, world.board, acting_on_self=who == target)
    before, logged_before = standing(person), log_count()

    response = client.post(f"/mod/people/{person.username}/{path}", data=data)

    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"] == f"/mod/people/{person.username}"
        assert_done(action, person, world.board)
        assert standing(person) != before
        assert log_count() == logged_before + 1
    else:
        assert standing(person) == before
        assert log_count() == logged_before


@pytest.mark.parametrize("action", [*ROLE_ACTIONS, *SANCTIONS])
def test_each_action_on_nobody_is_not_found_and_without_csrf_is_refused(app, world, action):
    path, data = actions(world.board.id)[action]
    client = client_of(app, world.users["admin"])
    member = world.users["member"]
    prepare_for(action, member, world.board, acting_on_self=False)
    before = standing(member)

    assert client.post(f"/mod/people/ghost/{path}", data=data).status_code == 404
    assert client.post(f"/mod/people/amina/{path}", data=data, csrf=False).status_code == 400
    assert standing(member) == before
    assert log_count() == 0
    assert db.session.scalar(sa.select(User).filter_by(username="ghost")) is None


def test_a_board_role_on_a_missing_board_or_of_an_unknown_kind_is_not_found(app, world):
    client = client_of(app, world.users["admin"])
    member = world.users["member"]
    grant_board_role(member, world.board, "host")

    assert client.post("/mod/people/amina/board-roles/999/host/revoke").status_code == 404
    assert (
        client.post(f"/mod/people/amina/board-roles/{world.board.id}/owner/revoke").status_code
        == 404
    )
    assert accounts.board_roles_of(member.id) == {world.board.id: frozenset({"host"})}
    assert log_count() == 0


# --- what each action does -----------------------------------------------------------------


def test_an_administrator_changes_a_site_role_and_gives_and_withdraws_a_board_role(app, world):
    client = client_of(app, world.users["admin"])
    member, board = world.users["member"], world.board

    client.post("/mod/people/amina/role", data={"role-role": "moderator", "role-reason": "Trusted"})
    client.post(
        "/mod/people/amina/board-roles", data={"board-board": str(board.id), "board-role": "host"}
    )
    assert accounts.board_roles_of(member.id) == {board.id: frozenset({"host"})}
    response = client.post(f"/mod/people/amina/board-roles/{board.id}/host/revoke")

    assert "amina no longer has that board role." in text(client.get(response.headers["Location"]))
    assert reloaded(member).role == Role.MODERATOR
    assert accounts.board_roles_of(member.id) == {}
    actions_logged = db.session.scalars(sa.select(LogEntry.action).order_by(LogEntry.id)).all()
    assert actions_logged == ["change_role", "grant_board_role", "revoke_board_role"]


def test_a_moderator_suspends_lifts_bans_and_unbans_a_member_with_one_entry_each(app, world):
    client = client_of(app, world.users["moderator"])
    member = world.users["member"]
    data = actions(world.board.id)

    client.post("/mod/people/amina/suspend", data=data["suspend"][1])
    assert reloaded(member).suspension_reason == "Spam"
    client.post("/mod/people/amina/lift-suspension", data={"lift-reason": "Apologised"})
    assert reloaded(member).suspended_until is None
    client.post("/mod/people/amina/ban", data={"ban-reason": "Abuse"})
    assert reloaded(member).is_active is False
    client.post("/mod/people/amina/unban")

    assert reloaded(member).is_active is True
    logged = db.session.execute(sa.select(LogEntry.action, LogEntry.actor_name, LogEntry.reason))
    assert [tuple(row) for row in logged] == [
        ("suspend", "mod", "Spam"),
        ("lift_suspension", "mod", "Apologised"),
        ("ban", "mod", "Abuse"),
        ("unban", "mod", ""),
    ]


# --- refused forms -------------------------------------------------------------------------


def test_a_suspension_ending_in_the_past_is_refused_beside_the_field_with_the_text_kept(app, world):
    client = client_of(app, world.users["moderator"])
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()

    response = client.post(
        "/mod/people/amina/suspend",
        data={"suspend-until": yesterday, "suspend-reason": "Posting adverts again"},
    )

    page = text(response)
    assert response.status_code == 422
    assert '<p class="error" id="suspend-until-error">Choose an end in the future.</p>' in page
    assert "Posting adverts again</textarea>" in page
    assert reloaded(world.users["member"]).suspended_until is None
    assert log_count() == 0


def test_a_ban_without_a_reason_is_refused_beside_the_field(app, world):
    response = client_of(app, world.users["moderator"]).post("/mod/people/amina/ban", data={})

    assert response.status_code == 422
    assert "Please give a reason." in text(response)
    assert reloaded(world.users["member"]).is_active is True
    assert log_count() == 0


def test_a_reason_over_500_characters_is_refused(app, world):
    client = client_of(app, world.users["admin"])

    response = client.post(
        "/mod/people/amina/role", data={"role-role": "moderator", "role-reason": "x" * 501}
    )

    assert response.status_code == 422
    assert "A reason has at most 500 characters." in text(response)
    assert reloaded(world.users["member"]).role == Role.MEMBER
    assert log_count() == 0


def test_the_last_administrator_cannot_step_down_through_the_page(app, ctx):
    admin = make_user(username="only", role=Role.ADMIN)

    response = client_of(app, admin).post("/mod/people/only/role", data={"role-role": "member"})

    assert response.status_code == 422
    assert "This is the only administrator" in text(response)
    assert reloaded(admin).role == Role.ADMIN
    assert log_count() == 0


def test_an_administrator_who_steps_down_to_member_is_sent_home(app, world):
    client = client_of(app, world.users["admin"])

    response = client.post("/mod/people/boss/role", data={"role-role": "member"})

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert reloaded(world.users["admin"]).role == Role.MEMBER
    assert db.session.scalars(sa.select(LogEntry.action)).all() == ["change_role"]


# --- what the sanctioned member meets ------------------------------------------------------


def test_a_suspended_member_reads_why_and_until_when_and_cannot_reply(app, world):
    member = world.users["member"]
    thread = make_thread(board=world.board)
    until = utcnow().replace(microsecond=0) + timedelta(days=3)
    people.suspend(world.users["moderator"], member, until=until, reason="Off-topic adverts")
    client = client_of(app, reloaded(member))

    page = text(client.get(thread_address(thread)))
    posts_before = post_count()
    refused = client.post(f"/t/{thread.id}/reply", data={"body": "Let me explain"})

    assert page.count("Your account is suspended until") == 1
    assert until.strftime("%d %b %Y, %H:%M UTC") in page
    assert "Reason given by the moderators: Off-topic adverts" in page
    assert refused.status_code == 403
    assert post_count() == posts_before


def test_members_in_good_standing_see_no_suspension_notice(app, world):
    member = world.users["member"]
    member.suspended_until = utcnow() - timedelta(minutes=1)  # ended
    db.session.commit()

    assert "suspended" not in text(client_of(app, member).get("/"))


def test_a_banned_member_is_logged_out_and_cannot_log_in_again(app, world):
    member = world.users["member"]
    member_client = client_of(app, member)
    assert "Log out" in text(member_client.get("/"))

    client_of(app, world.users["moderator"]).post(
        "/mod/people/amina/ban", data={"ban-reason": "Abuse"}
    )

    assert "Log out" not in text(member_client.get("/"))
    login = member_client.post("/login", data={"login": "amina", "password": PASSWORD})
    assert login.status_code == 422
    assert "Log out" not in text(member_client.get("/"))
