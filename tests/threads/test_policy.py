"""Policy decided by services, so every entry point (form, command, email, import) gets it:
pre-moderation of a new member's posts, approval of new accounts, and board roles known
for any account, not only the one logged in."""

from __future__ import annotations

from flask import Flask

from forum.accounts import services as accounts
from forum.accounts.models import Role, User
from forum.db import db
from forum.threads import services as threads
from forum.threads.models import PostStatus
from tests.factories import grant_board_role, make_board, make_thread, make_user


def test_a_new_members_first_post_is_held_by_the_service_itself(make_app):
    app: Flask = make_app(PREMODERATION_POSTS=1)
    with app.app_context():
        newcomer = make_user()
        thread = threads.start_thread(make_board(), author=newcomer, title="Hello all", source="Hi")
        assert thread.post_count == 0  # its first post waits: readers see no thread yet
        reply = threads.reply(make_thread(), author=make_user(), source="Me too")
        assert reply.status == PostStatus.PENDING


def test_pre_moderation_trusts_members_past_the_threshold_and_board_hosts(make_app):
    app: Flask = make_app(PREMODERATION_POSTS=1)
    with app.app_context():
        thread = make_thread(replies=1)
        regular = db.session.get_one(User, thread.author_id)  # one published post already
        assert threads.reply(thread, author=regular, source="Again").status == "published"
        host = make_user()
        grant_board_role(host, make_board(), "host")
        host_id, thread_id = host.id, thread.id
        db.session.expunge_all()  # loaded afresh, as a command or an email reply would
        host = db.session.get_one(User, host_id)
        thread = db.session.get_one(threads.Thread, thread_id)
        assert threads.reply(thread, author=host, source="Hosting").status == "published"


def test_with_pre_moderation_off_nothing_is_held(make_app):
    app: Flask = make_app(PREMODERATION_POSTS=0)
    with app.app_context():
        reply = threads.reply(make_thread(), author=make_user(), source="Straight in")
        assert reply.status == PostStatus.PUBLISHED


def test_registration_in_approval_mode_is_applied_by_the_service(make_app):
    app: Flask = make_app(REGISTRATION_MODE="approval")
    with app.app_context():
        member = accounts.register(username="waiting", email="w@example.org", password="x" * 12)
        admin = accounts.register(
            username="chief", email="c@example.org", password="x" * 12, role=Role.ADMIN
        )
        assert not member.is_approved
        assert admin.is_approved


def test_open_registration_approves_at_once(make_app):
    app: Flask = make_app(REGISTRATION_MODE="open")
    with app.app_context():
        member = accounts.register(username="welcome", email="o@example.org", password="x" * 12)
        assert member.is_approved


def test_board_roles_load_for_any_account_and_are_not_shared(ctx):
    board = make_board()
    host, other = make_user(), make_user()
    grant_board_role(host, board, "moderator")
    board_id, host_id, other_id = board.id, host.id, other.id
    db.session.expunge_all()
    loaded = db.session.get_one(User, host_id)  # not the logged-in user: nothing filled in
    assert loaded.board_roles == {board_id: frozenset({"moderator"})}
    assert loaded.moderates(board_id)
    assert loaded.moderated_boards() == frozenset({board_id})
    assert db.session.get_one(User, other_id).board_roles == {}
    assert "_board_roles" not in User.__dict__ or User.__dict__["_board_roles"] is None
