"""Role and sanction services: each change commits once, writes one log entry, and says
whether anything changed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.accounts import services as accounts
from forum.accounts import sessions
from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.models import BoardRoleKind
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.moderation import people
from forum.permissions import in_good_standing
from forum.threads.models import Post, PostStatus
from tests.conftest import PG_URL
from tests.factories import PASSWORD, make_board, make_post, make_user

HOST, BOARD_MODERATOR = BoardRoleKind.HOST, BoardRoleKind.MODERATOR


def entries() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


LIFETIME = sessions.Lifetime(idle=timedelta(days=14), absolute=timedelta(days=30))


def open_login(user: User) -> str:
    """Log `user` in as the login form would; return the key its cookies would carry."""
    return sessions.open_session(user, now=utcnow(), lifetime=LIFETIME)


def login_works(key: str) -> bool:
    return accounts.load_by_session_key(key, now=utcnow(), lifetime=LIFETIME) is not None


def fresh(user: User) -> User:
    db.session.expire_all()
    found = db.session.get(User, user.id)
    assert found is not None
    return found


# --- site roles ----------------------------------------------------------------------------


def test_an_administrator_makes_a_member_a_moderator_and_the_log_says_so(ctx):
    admin, member = make_user(role=Role.ADMIN), make_user()

    assert people.set_site_role(admin, member, Role.MODERATOR, "Runs the network") is True

    assert fresh(member).role == Role.MODERATOR
    [entry] = entries()
    assert (entry.actor_id, entry.actor_name, entry.action) == (
        admin.id,
        admin.username,
        "change_role",
    )
    assert (entry.target_type, entry.target_id) == ("user", member.id)
    assert entry.reason == "Runs the network"
    assert entry.details == {"from": "member", "to": "moderator"}


def test_giving_a_person_the_role_they_have_changes_nothing_and_logs_nothing(ctx):
    admin, moderator = make_user(role=Role.ADMIN), make_user(role=Role.MODERATOR)

    assert people.set_site_role(admin, moderator, Role.MODERATOR) is False

    assert entries() == []


def test_the_last_administrator_cannot_step_down(ctx):
    admin = make_user(role=Role.ADMIN)

    with pytest.raises(ServiceError) as refused:
        people.set_site_role(admin, admin, Role.MEMBER)

    assert refused.value.field == "role"
    assert "only administrator" in refused.value.message
    assert fresh(admin).role == Role.ADMIN
    assert entries() == []


def test_an_administrator_steps_down_when_another_remains(ctx):
    admin, _other = make_user(role=Role.ADMIN), make_user(role=Role.ADMIN)

    assert people.set_site_role(admin, admin, Role.MODERATOR) is True

    assert fresh(admin).role == Role.MODERATOR


@pytest.mark.skipif(not PG_URL, reason="row locks are PostgreSQL's; SQLite runs one writer")
def test_two_administrators_demoting_each_other_at_once_leave_one_administrator(app):
    with app.app_context():
        first_id, second_id = make_user(role=Role.ADMIN).id, make_user(role=Role.ADMIN).id
    outcome: list[str] = []

    def second_demotes_first() -> None:
        with app.app_context():
            actor, target = db.session.get_one(User, second_id), db.session.get_one(User, first_id)
            try:
                people.set_site_role(actor, target, Role.MEMBER)
                outcome.append("demoted")
            except ServiceError:
                outcome.append("refused")

    with app.app_context():
        # The first administrator's change, half done: it holds the lock and has demoted the
        # second, not yet committed, while the second tries to demote the first.
        admins = sa.select(User.id).where(User.role == Role.ADMIN).order_by(User.id)
        db.session.scalars(admins.with_for_update()).all()
        db.session.execute(sa.update(User).where(User.id == second_id).values(role=Role.MEMBER))
        other = threading.Thread(target=second_demotes_first)
        other.start()
        other.join(timeout=0.5)
        db.session.commit()
        other.join(timeout=30)
        assert db.session.scalars(admins).all() == [first_id]
    assert outcome == ["refused"]


def test_a_banned_administrator_does_not_count_as_the_remaining_one(ctx):
    admin = make_user(role=Role.ADMIN)
    make_user(role=Role.ADMIN, is_active=False)

    with pytest.raises(ServiceError):
        people.set_site_role(admin, admin, Role.MEMBER)


def test_a_reason_longer_than_500_characters_is_refused(ctx):
    admin, member = make_user(role=Role.ADMIN), make_user()

    with pytest.raises(ServiceError) as refused:
        people.set_site_role(admin, member, Role.MODERATOR, "x" * 501)

    assert refused.value.field == "reason"
    assert fresh(member).role == Role.MEMBER


# --- board roles ---------------------------------------------------------------------------


def test_a_board_may_have_several_hosts_and_a_person_may_host_several_boards(ctx):
    admin = make_user(role=Role.ADMIN)
    amina, kofi = make_user(), make_user()
    first, second = make_board(), make_board()

    for person, board in ((amina, first), (kofi, first), (amina, second)):
        assert people.grant_board_role(admin, person, board, HOST) is True

    assert accounts.board_roles_of(amina.id) == {
        first.id: frozenset({"host"}),
        second.id: frozenset({"host"}),
    }
    assert accounts.board_roles_of(kofi.id) == {first.id: frozenset({"host"})}
    assert [(e.action, e.target_id, e.board_id, e.details) for e in entries()] == [
        ("grant_board_role", amina.id, first.id, {"role": "host"}),
        ("grant_board_role", kofi.id, first.id, {"role": "host"}),
        ("grant_board_role", amina.id, second.id, {"role": "host"}),
    ]


def test_granting_a_board_role_twice_changes_nothing_the_second_time(ctx):
    admin, member, board = make_user(role=Role.ADMIN), make_user(), make_board()
    people.grant_board_role(admin, member, board, BOARD_MODERATOR)

    assert people.grant_board_role(admin, member, board, BOARD_MODERATOR) is False

    assert len(entries()) == 1


def test_a_person_may_be_host_and_board_moderator_of_the_same_board(ctx):
    admin, member, board = make_user(role=Role.ADMIN), make_user(), make_board()

    people.grant_board_role(admin, member, board, HOST)
    people.grant_board_role(admin, member, board, BOARD_MODERATOR)

    assert accounts.board_roles_of(member.id) == {board.id: frozenset({"host", "moderator"})}


def test_withdrawing_a_board_role_removes_it_and_logs_it(ctx):
    admin, member, board = make_user(role=Role.ADMIN), make_user(), make_board()
    people.grant_board_role(admin, member, board, HOST)

    assert people.revoke_board_role(admin, member, board, HOST, "Webinar is over") is True
    assert people.revoke_board_role(admin, member, board, HOST) is False

    assert accounts.board_roles_of(member.id) == {}
    revoked = entries()[-1]
    assert (revoked.action, revoked.board_id, revoked.reason) == (
        "revoke_board_role",
        board.id,
        "Webinar is over",
    )
    assert len(entries()) == 2


# --- roles by name (what the commands call) ------------------------------------------------


def test_roles_by_name_cover_site_and_board_roles(ctx):
    member, board = make_user(username="amina"), make_board(slug="webinar-3")

    assert people.grant_by_name(None, "Amina", "moderator") is True
    assert people.grant_by_name(None, "amina", "host", "webinar-3") is True
    assert people.grant_by_name(None, "amina", "board-moderator", "webinar-3") is True
    assert people.revoke_by_name(None, "amina", "moderator") is True
    assert people.revoke_by_name(None, "amina", "moderator") is False

    assert fresh(member).role == Role.MEMBER
    assert accounts.board_roles_of(member.id) == {board.id: frozenset({"host", "moderator"})}
    assert {e.actor_name for e in entries()} == {"system"}
    assert len(entries()) == 4


@pytest.mark.parametrize(
    ("verb", "role", "board", "message"),
    [
        ("grant", "host", None, "name the board"),
        ("grant", "moderator", "webinar-3", "leave out the board"),
        ("grant", "owner", None, "Unknown role"),
        ("revoke", "member", None, "Everyone is a member"),
        ("grant", "host", "no-such-board", "There is no board"),
    ],
)
def test_roles_by_name_refuse_what_makes_no_sense(ctx, verb, role, board, message):
    make_user(username="amina")
    make_board(slug="webinar-3")
    change = people.grant_by_name if verb == "grant" else people.revoke_by_name

    with pytest.raises(ServiceError, match=message):
        change(None, "amina", role, board)

    assert entries() == []


def test_roles_by_name_need_an_existing_account(ctx):
    with pytest.raises(ServiceError, match="no account named 'ghost'"):
        people.grant_by_name(None, "ghost", "moderator")


# --- suspensions ---------------------------------------------------------------------------


def test_a_suspended_member_keeps_reading_but_is_not_in_good_standing(ctx):
    moderator, member = make_user(role=Role.MODERATOR), make_user()
    until = utcnow() + timedelta(days=7)

    assert people.suspend(moderator, member, until=until, reason="Repeated spam") is True

    member = fresh(member)
    assert member.suspended_until == until
    assert member.suspension_reason == "Repeated spam"
    assert not in_good_standing(member)
    assert accounts.authenticate(member.username, PASSWORD) is not None  # can still log in
    [entry] = entries()
    assert (entry.action, entry.reason) == ("suspend", "Repeated spam")
    assert entry.details == {"until": until.isoformat()}


def test_a_suspension_must_end_in_the_future(ctx):
    moderator, member = make_user(role=Role.MODERATOR), make_user()

    with pytest.raises(ServiceError) as refused:
        people.suspend(moderator, member, until=utcnow() - timedelta(minutes=1), reason="Spam")

    assert refused.value.field == "until"
    assert fresh(member).suspended_until is None
    assert entries() == []


def test_a_suspension_needs_a_reason(ctx):
    moderator, member = make_user(role=Role.MODERATOR), make_user()

    with pytest.raises(ServiceError) as refused:
        people.suspend(moderator, member, until=utcnow() + timedelta(days=1), reason="  ")

    assert refused.value.field == "reason"


def test_the_same_suspension_twice_changes_nothing_and_a_new_end_is_recorded(ctx):
    moderator, member = make_user(role=Role.MODERATOR), make_user()
    first, later = utcnow() + timedelta(days=1), utcnow() + timedelta(days=30)
    people.suspend(moderator, member, until=first, reason="Spam")

    assert people.suspend(moderator, member, until=first, reason="Spam") is False
    assert people.suspend(moderator, member, until=later, reason="Spam again") is True

    assert fresh(member).suspended_until == later
    assert entries()[-1].details == {
        "until": later.isoformat(),
        "previously_until": first.isoformat(),
    }
    assert len(entries()) == 2


def test_lifting_a_suspension_early_restores_good_standing(ctx):
    moderator, member = make_user(role=Role.MODERATOR), make_user()
    people.suspend(moderator, member, until=utcnow() + timedelta(days=3), reason="Spam")

    assert people.lift_suspension(moderator, member, "Apologised") is True
    assert people.lift_suspension(moderator, member) is False

    member = fresh(member)
    assert member.suspended_until is None and member.suspension_reason == ""
    assert in_good_standing(member)
    assert [(e.action, e.reason) for e in entries()] == [
        ("suspend", "Spam"),
        ("lift_suspension", "Apologised"),
    ]


def test_a_suspension_that_has_ended_cannot_be_lifted(ctx):
    moderator = make_user(role=Role.MODERATOR)
    member = make_user(suspended_until=utcnow() - timedelta(hours=1), suspension_reason="Old")

    assert people.lift_suspension(moderator, member) is False
    assert entries() == []


# --- bans ----------------------------------------------------------------------------------


def test_a_banned_account_cannot_log_in_its_sessions_end_and_its_posts_stay(ctx):
    moderator = make_user(role=Role.MODERATOR)
    post = make_post()
    member = fresh(db.session.get_one(User, post.author_id))
    old_session = open_login(member)
    assert login_works(old_session)

    assert people.ban(moderator, member, "Abusive messages") is True

    member = fresh(member)
    assert (member.is_active, member.ban_reason) == (False, "Abusive messages")
    assert accounts.authenticate(member.username, PASSWORD) is None
    assert not login_works(old_session)
    assert db.session.get_one(Post, post.id).status == PostStatus.PUBLISHED
    [entry] = entries()
    assert (entry.action, entry.target_id, entry.reason) == ("ban", member.id, "Abusive messages")


def test_banning_twice_changes_nothing_and_a_ban_needs_a_reason(ctx):
    moderator, member = make_user(role=Role.MODERATOR), make_user()

    with pytest.raises(ServiceError):
        people.ban(moderator, member, "")
    assert people.ban(moderator, member, "Spam") is True
    assert people.ban(moderator, member, "Spam") is False

    assert len(entries()) == 1


def test_an_unbanned_account_logs_in_again_but_old_sessions_stay_closed(ctx):
    moderator, member = make_user(role=Role.MODERATOR), make_user()
    old_session = open_login(member)
    people.ban(moderator, member, "Spam")

    assert people.unban(moderator, member, "Appeal accepted") is True
    assert people.unban(moderator, member) is False

    member = fresh(member)
    assert (member.is_active, member.ban_reason) == (True, "")
    assert accounts.authenticate(member.username, PASSWORD) is not None
    assert not login_works(old_session)
    assert [e.action for e in entries()] == ["ban", "unban"]
