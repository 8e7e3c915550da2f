"""Moderation verbs on a whole thread, called directly: state, counters, log, idempotence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.queries import board_stats
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.moderation import thread_actions
from forum.threads.models import Thread, ThreadStatus
from tests.factories import make_post, make_thread, make_user, thread_author


def log_entries() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def fresh(thread: Thread) -> Thread:
    db.session.expire_all()
    return db.session.get_one(Thread, thread.id)


@pytest.fixture
def moderator(ctx) -> User:
    return make_user(username="mod", role=Role.MODERATOR)


# Each flag: the verb that sets it, the verb that clears it, and the column they change.
FLAGS = [
    ("pin_thread", "unpin_thread", "is_pinned"),
    ("highlight_thread", "unhighlight_thread", "is_highlighted"),
    ("lock_thread", "unlock_thread", "is_locked"),
]


@pytest.mark.parametrize(("verb", "undo", "column"), FLAGS)
def test_a_flag_is_set_once_and_logged_once(ctx, moderator, verb, undo, column) -> None:
    thread = make_thread()
    set_flag: Callable[..., bool] = getattr(thread_actions, verb)
    assert set_flag(moderator, thread) is True
    assert getattr(fresh(thread), column) is True
    assert set_flag(moderator, thread) is False  # repeating it changes nothing
    [entry] = log_entries()
    assert (entry.actor_id, entry.actor_name, entry.action) == (moderator.id, "mod", verb)
    assert (entry.target_type, entry.target_id, entry.board_id) == (
        "thread",
        thread.id,
        thread.board_id,
    )


@pytest.mark.parametrize(("verb", "undo", "column"), FLAGS)
def test_a_flag_is_cleared_once_and_logged_once(ctx, moderator, verb, undo, column) -> None:
    thread = make_thread()
    clear: Callable[..., bool] = getattr(thread_actions, undo)
    assert clear(moderator, thread) is False  # nothing to clear yet: no entry either
    assert log_entries() == []
    getattr(thread_actions, verb)(moderator, thread)
    assert clear(moderator, thread) is True
    assert getattr(fresh(thread), column) is False
    assert clear(moderator, thread) is False
    assert [e.action for e in log_entries()] == [verb, undo]


def test_locking_keeps_the_reason_shown_to_readers_and_unlocking_clears_it(ctx, moderator):
    thread = make_thread()
    assert thread_actions.lock_thread(moderator, thread, "  Off topic since the webinar.  ")
    assert fresh(thread).lock_reason == "Off topic since the webinar."
    assert log_entries()[-1].reason == "Off topic since the webinar."
    # Locking again neither changes the reason nor writes a second entry.
    assert not thread_actions.lock_thread(moderator, thread, "Another reason")
    assert fresh(thread).lock_reason == "Off topic since the webinar."
    assert thread_actions.unlock_thread(moderator, thread)
    assert (fresh(thread).is_locked, fresh(thread).lock_reason) == (False, "")


def test_a_lock_reason_is_optional_but_at_most_500_characters(ctx, moderator):
    thread = make_thread()
    with pytest.raises(ServiceError) as refused:
        thread_actions.lock_thread(moderator, thread, "x" * 501)
    assert refused.value.field == "reason"
    assert fresh(thread).is_locked is False and log_entries() == []
    assert thread_actions.lock_thread(moderator, thread)
    assert fresh(thread).lock_reason == ""


def test_hiding_a_thread_records_why_and_takes_it_from_readers(ctx, moderator):
    thread = make_thread(replies=2)
    author = thread_author(thread)
    counts_before = (fresh(thread).post_count, author.post_count)
    assert thread_actions.hide_thread(moderator, thread, "Spam")
    hidden = fresh(thread)
    assert (hidden.status, hidden.status_reason) == (ThreadStatus.HIDDEN, "Spam")
    # Its posts keep their state: the stored counters do not move, readers' lists do.
    assert (hidden.post_count, db.session.get_one(User, author.id).post_count) == counts_before
    assert thread.board_id not in board_stats(utcnow())
    [entry] = log_entries()
    assert (entry.action, entry.target_id, entry.reason) == ("hide_thread", thread.id, "Spam")


def test_hiding_a_thread_needs_a_reason(ctx, moderator):
    thread = make_thread()
    with pytest.raises(ServiceError, match="reason"):
        thread_actions.hide_thread(moderator, thread, "   ")
    assert fresh(thread).status == ThreadStatus.VISIBLE and log_entries() == []


def test_hiding_and_restoring_are_idempotent(ctx, moderator):
    thread = make_thread()
    assert thread_actions.restore_thread(moderator, thread) is False  # not hidden
    assert thread_actions.hide_thread(moderator, thread, "Spam") is True
    assert thread_actions.hide_thread(moderator, thread, "Again") is False
    assert fresh(thread).status_reason == "Spam"
    assert thread_actions.restore_thread(moderator, thread) is True
    assert thread_actions.restore_thread(moderator, thread) is False
    restored = fresh(thread)
    assert (restored.status, restored.status_reason) == (ThreadStatus.VISIBLE, "")
    assert board_stats(utcnow())[thread.board_id].thread_count == 1
    assert [e.action for e in log_entries()] == ["hide_thread", "restore_thread"]


def test_a_withdrawn_thread_is_neither_hidden_nor_restored_by_moderators(ctx, moderator):
    thread = make_thread()
    assert thread_actions.withdraw_thread(thread_author(thread), thread)
    assert not thread_actions.hide_thread(moderator, thread, "Spam")
    assert not thread_actions.restore_thread(moderator, thread)
    assert fresh(thread).status == ThreadStatus.WITHDRAWN


def test_an_author_withdraws_their_thread_while_nobody_has_replied(ctx):
    thread = make_thread()
    author = thread_author(thread)
    assert thread_actions.withdraw_thread(author, thread) is True
    assert fresh(thread).status == ThreadStatus.WITHDRAWN
    assert thread_actions.withdraw_thread(author, thread) is False
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_id) == (
        author.id,
        "withdraw_thread",
        thread.id,
    )
    assert thread.board_id not in board_stats(utcnow())


@pytest.mark.parametrize(
    "situation",
    ["someone replied", "not the author", "hidden by a moderator"],
)
def test_a_thread_cannot_be_withdrawn(ctx, moderator, situation: str) -> None:
    thread = make_thread()
    actor: Any = thread_author(thread)
    if situation == "someone replied":
        make_post(thread=thread)
    elif situation == "not the author":
        actor = make_user()
    else:
        thread_actions.hide_thread(moderator, thread, "Spam")
    before = fresh(thread).status
    assert thread_actions.withdraw_thread(actor, thread) is False
    assert fresh(thread).status == before
    assert [e.action for e in log_entries() if e.action == "withdraw_thread"] == []


def test_a_reply_that_was_later_deleted_still_prevents_withdrawal(ctx):
    # Somebody did reply: their deleted reply keeps its place in the thread.
    from forum.moderation import post_actions

    thread = make_thread()
    reply = make_post(thread=thread)
    post_actions.delete_post(db.session.get_one(User, reply.author_id), reply)
    assert thread_actions.withdraw_thread(thread_author(thread), thread) is False
