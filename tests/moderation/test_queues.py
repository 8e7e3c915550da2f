"""The approval queues (pre-moderated posts, accounts) and the queue counts, as services."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.db import db
from forum.errors import ServiceError
from forum.moderation import queues, reports
from forum.moderation.models import ReportReason
from forum.threads import services as threads
from forum.threads.models import Post, PostStatus, Thread, ThreadStatus
from forum.threads.visibility import is_public
from tests.factories import grant_board_role, make_board, make_post, make_thread, make_user
from tests.threads.test_queries import sql_statements


def _held_reply(thread: Thread | None = None, author: User | None = None) -> Post:
    return threads.reply(
        thread or make_thread(), author=author or make_user(), source="My first words", held=True
    )


def _held_thread(board=None, author: User | None = None) -> Thread:  # type: ignore[no-untyped-def]
    return threads.start_thread(
        board or make_board(),
        author=author or make_user(),
        title="A newcomer asks",
        source="Hello everyone",
        held=True,
    )


def _first_post(thread: Thread) -> Post:
    return db.session.scalars(
        sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1)
    ).one()


def _log() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def _moderator() -> User:
    return make_user(role=Role.MODERATOR)


# --- approving and rejecting posts -------------------------------------------------------


def test_approving_a_reply_publishes_it_and_counts_it(ctx):
    thread = make_thread()
    author = make_user()
    post = _held_reply(thread, author)
    assert db.session.get_one(Thread, thread.id).post_count == 1
    moderator = _moderator()
    assert queues.approve_post(post, actor=moderator) is True
    db.session.expire_all()
    assert db.session.get_one(Post, post.id).status == PostStatus.PUBLISHED
    refreshed = db.session.get_one(Thread, thread.id)
    assert (refreshed.post_count, refreshed.last_post_id) == (2, post.id)
    assert db.session.get_one(User, author.id).post_count == 1
    [entry] = _log()
    assert (entry.action, entry.actor_id, entry.target_id) == (
        "approve_post",
        moderator.id,
        post.id,
    )
    assert entry.board_id == thread.board_id


def test_approving_a_new_threads_first_post_makes_the_thread_appear(ctx):
    thread = _held_thread()
    now = thread.created_at
    assert not is_public(thread, now)
    queues.approve_post(_first_post(thread), actor=_moderator())
    db.session.expire_all()
    assert is_public(db.session.get_one(Thread, thread.id), now)


def test_approving_twice_changes_nothing_the_second_time(ctx):
    post = _held_reply()
    moderator = _moderator()
    queues.approve_post(post, actor=moderator)
    assert queues.approve_post(post, actor=moderator) is False
    assert len(_log()) == 1


def test_rejecting_a_reply_hides_it_with_the_reason_for_its_author(ctx):
    thread = make_thread()
    post = _held_reply(thread)
    assert queues.reject_post(post, actor=_moderator(), reason=" Off-topic ") is True
    db.session.expire_all()
    rejected = db.session.get_one(Post, post.id)
    assert (rejected.status, rejected.status_reason) == (PostStatus.HIDDEN, "Off-topic")
    assert db.session.get_one(Thread, thread.id).post_count == 1
    [entry] = _log()
    assert (entry.action, entry.reason) == ("reject_post", "Off-topic")
    assert entry.details["thread_hidden"] is False


def test_rejecting_a_new_threads_first_post_hides_the_thread_too(ctx):
    thread = _held_thread()
    queues.reject_post(_first_post(thread), actor=_moderator(), reason="Spam")
    db.session.expire_all()
    hidden = db.session.get_one(Thread, thread.id)
    assert (hidden.status, hidden.status_reason) == (ThreadStatus.HIDDEN, "Spam")
    assert len(_log()) == 1


def test_rejecting_needs_a_reason(ctx):
    post = _held_reply()
    with pytest.raises(ServiceError):
        queues.reject_post(post, actor=_moderator(), reason="  ")
    assert db.session.get_one(Post, post.id).status == PostStatus.PENDING


def test_a_published_post_cannot_be_approved_or_rejected(ctx):
    post = make_post()
    moderator = _moderator()
    assert queues.approve_post(post, actor=moderator) is False
    assert queues.reject_post(post, actor=moderator, reason="No") is False
    assert db.session.get_one(Post, post.id).status == PostStatus.PUBLISHED
    assert _log() == []


def test_once_their_first_post_is_approved_a_members_next_post_is_not_held(ctx):
    author = make_user()
    post = _held_reply(author=author)
    assert threads.held_for_review(author, 1)
    queues.approve_post(post, actor=_moderator())
    db.session.refresh(author)
    assert not threads.held_for_review(author, 1)


# --- the pending posts queue -------------------------------------------------------------


def test_the_pending_queue_lists_held_posts_oldest_first_with_their_context(ctx):
    first = _held_reply()
    second = _held_thread()
    make_post()  # published: not in the queue
    listed = queues.pending_posts(_moderator())
    assert [p.id for p in listed] == [first.id, _first_post(second).id]
    assert listed[0].thread.board.heading and listed[0].author is not None


def test_a_board_moderator_sees_only_the_pending_posts_of_their_boards(ctx):
    mine = make_board()
    here = _held_reply(make_thread(board=mine))
    _held_reply()
    board_moderator = make_user()
    grant_board_role(board_moderator, mine, "moderator")
    assert [p.id for p in queues.pending_posts(board_moderator)] == [here.id]


# --- accounts ----------------------------------------------------------------------------


def test_approving_an_account_lets_it_post_and_is_logged_once(ctx):
    newcomer = make_user(is_approved=False)
    moderator = _moderator()
    assert queues.pending_accounts() == [newcomer]
    assert queues.approve_account(newcomer, actor=moderator) is True
    assert queues.approve_account(newcomer, actor=moderator) is False
    db.session.expire_all()
    assert db.session.get_one(User, newcomer.id).is_approved
    assert queues.pending_accounts() == []
    [entry] = _log()
    assert (entry.action, entry.target_type, entry.target_id) == (
        "approve_account",
        "user",
        newcomer.id,
    )


def test_banned_accounts_leave_the_account_queue(ctx):
    make_user(is_approved=False, is_active=False)
    assert queues.pending_accounts() == []


# --- counts ------------------------------------------------------------------------------


def _fill_two_boards() -> tuple[object, object]:
    mine, other = make_board(), make_board()
    for board in (mine, other):
        reported = make_post(thread=make_thread(board=board))
        for _ in range(2):  # two reports of one post count as one item
            reports.report_post(reported, reporter=make_user(), reason=ReportReason.SPAM)
        _held_reply(make_thread(board=board))
    make_user(is_approved=False)
    return mine, other


def test_a_moderator_counts_every_queue(ctx):
    _fill_two_boards()
    counts = queues.queue_counts(_moderator())
    assert (counts.reported_posts, counts.pending_posts, counts.pending_accounts) == (2, 2, 1)
    assert counts.total == 5


def test_a_board_moderator_counts_their_boards_and_no_accounts(ctx):
    mine, _ = _fill_two_boards()
    board_moderator = make_user()
    grant_board_role(board_moderator, mine, "moderator")  # type: ignore[arg-type]
    counts = queues.queue_counts(board_moderator)
    assert (counts.reported_posts, counts.pending_posts, counts.pending_accounts) == (1, 1, 0)


def test_the_counts_are_one_statement(app):
    with app.app_context():
        _fill_two_boards()
        moderator = _moderator()
        assert moderator.is_moderator  # loaded: the logged-in user comes loaded
        with sql_statements(app) as statements:
            queues.queue_counts(moderator)
    assert len(statements) == 1
