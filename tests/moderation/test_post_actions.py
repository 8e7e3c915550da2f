"""Moderation verbs on a single post, called directly: state, counters, log, idempotence;
and the board's collection of key insights."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.queries import board_key_insights
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.moderation import post_actions, thread_actions
from forum.threads import services as threads
from forum.threads.models import Post, PostStatus, Thread
from tests.factories import make_board, make_post, make_thread, make_user, thread_author


def log_entries() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def thread_of(post: Post) -> Thread:
    db.session.expire_all()
    return db.session.get_one(Thread, post.thread_id)


def post_count_of(user_id: int | None) -> int:
    db.session.expire_all()
    return db.session.get_one(User, user_id).post_count


@pytest.fixture
def moderator(ctx) -> User:
    return make_user(username="mod", role=Role.MODERATOR)


# --- hide and restore --------------------------------------------------------------------


def test_hiding_a_post_records_why_and_moves_the_counters(ctx, moderator):
    thread = make_thread(replies=1)
    post = make_post(thread=thread)
    assert (thread_of(post).post_count, post_count_of(post.author_id)) == (3, 1)
    assert post_actions.hide_post(moderator, post, "Abusive") is True
    hidden = db.session.get_one(Post, post.id)
    assert (hidden.status, hidden.status_reason) == (PostStatus.HIDDEN, "Abusive")
    assert thread_of(post).post_count == 2
    assert post_count_of(post.author_id) == 0
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
        moderator.id,
        "hide_post",
        "post",
        post.id,
    )
    assert (entry.board_id, entry.reason) == (thread.board_id, "Abusive")
    assert entry.details == {"thread_id": thread.id, "position": 3}


def test_hiding_the_latest_post_makes_the_one_before_the_threads_last_post(ctx, moderator):
    thread = make_thread()
    earlier = make_post(thread=thread)
    latest = make_post(thread=thread)
    assert thread_of(latest).last_post_id == latest.id
    post_actions.hide_post(moderator, latest, "Spam")
    assert thread_of(latest).last_post_id == earlier.id
    assert thread_of(latest).last_post_at == earlier.created_at
    post_actions.restore_post(moderator, latest)
    assert thread_of(latest).last_post_id == latest.id


def test_hiding_needs_a_reason_of_at_most_500_characters(ctx, moderator):
    post = make_post()
    for reason in ("", "  ", "x" * 501):
        with pytest.raises(ServiceError) as refused:
            post_actions.hide_post(moderator, post, reason)
        assert refused.value.field == "reason"
    assert db.session.get_one(Post, post.id).status == PostStatus.PUBLISHED
    assert log_entries() == []


def test_hiding_and_restoring_a_post_are_idempotent(ctx, moderator):
    post = make_post()
    assert post_actions.restore_post(moderator, post) is False  # not hidden
    assert post_actions.hide_post(moderator, post, "Spam") is True
    assert post_actions.hide_post(moderator, post, "Again") is False
    assert db.session.get_one(Post, post.id).status_reason == "Spam"
    assert post_actions.restore_post(moderator, post) is True
    assert post_actions.restore_post(moderator, post) is False
    restored = db.session.get_one(Post, post.id)
    assert (restored.status, restored.status_reason) == (PostStatus.PUBLISHED, "")
    assert (thread_of(post).post_count, post_count_of(post.author_id)) == (2, 1)
    assert [e.action for e in log_entries()] == ["hide_post", "restore_post"]


def test_a_post_awaiting_approval_can_be_hidden_and_restoring_publishes_it(ctx, moderator):
    thread = make_thread()
    newcomer = make_user()
    held = threads.reply(thread, author=newcomer, source="Buy now", held=True)
    assert thread_of(held).post_count == 1
    assert post_actions.hide_post(moderator, held, "Spam")
    assert (thread_of(held).post_count, post_count_of(newcomer.id)) == (1, 0)
    assert post_actions.restore_post(moderator, held)
    assert (thread_of(held).post_count, post_count_of(newcomer.id)) == (2, 1)


def test_a_post_its_author_deleted_is_not_hidden_or_restored(ctx, moderator):
    post = make_post()
    post_actions.delete_post(db.session.get_one(User, post.author_id), post)
    assert post_actions.hide_post(moderator, post, "Spam") is False
    assert post_actions.restore_post(moderator, post) is False
    assert db.session.get_one(Post, post.id).status == PostStatus.DELETED


# --- an author's deletion ----------------------------------------------------------------


def test_an_author_deletes_their_reply_softly(ctx):
    post = make_post(body="On second thoughts")
    author = db.session.get_one(User, post.author_id)
    assert post_actions.delete_post(author, post) is True
    deleted = db.session.get_one(Post, post.id)
    assert (deleted.status, deleted.source) == (PostStatus.DELETED, "On second thoughts")
    assert (thread_of(post).post_count, post_count_of(author.id)) == (1, 0)
    assert post_actions.delete_post(author, post) is False
    [entry] = log_entries()
    assert (entry.actor_id, entry.action, entry.target_id) == (author.id, "delete_post", post.id)


def test_nobody_deletes_someone_elses_post_or_an_opening_post(ctx):
    thread = make_thread()
    reply = make_post(thread=thread)
    opening = db.session.scalar(
        sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1)
    )
    assert opening is not None
    assert post_actions.delete_post(make_user(), reply) is False
    assert post_actions.delete_post(thread_author(thread), opening) is False
    statuses = db.session.scalars(sa.select(Post.status).where(Post.thread_id == thread.id))
    assert set(statuses) == {PostStatus.PUBLISHED}
    assert log_entries() == []


# --- key insights ------------------------------------------------------------------------


def test_marking_a_key_insight_is_idempotent_and_logged(ctx, moderator):
    post = make_post()
    assert post_actions.unmark_insight(moderator, post) is False
    assert post_actions.mark_insight(moderator, post) is True
    assert post_actions.mark_insight(moderator, post) is False
    assert db.session.get_one(Post, post.id).is_key_insight is True
    assert post_actions.unmark_insight(moderator, post) is True
    assert db.session.get_one(Post, post.id).is_key_insight is False
    assert [e.action for e in log_entries()] == ["mark_insight", "unmark_insight"]
    # Marks do not touch the counters.
    assert thread_of(post).post_count == 2


def test_only_a_published_post_becomes_a_key_insight(ctx, moderator):
    post = make_post()
    post_actions.hide_post(moderator, post, "Spam")
    assert post_actions.mark_insight(moderator, post) is False
    assert db.session.get_one(Post, post.id).is_key_insight is False


def test_the_board_collects_the_key_insights_readers_may_see(ctx, moderator):
    board = make_board()
    first = make_post(thread=make_thread(board=board, title="Open data"), body="Insight one")
    second = make_post(thread=make_thread(board=board), body="Insight two")
    hidden_post = make_post(thread=make_thread(board=board), body="Hidden later")
    in_hidden_thread = make_post(thread=make_thread(board=board), body="In a hidden thread")
    elsewhere = make_post(body="Another board")
    plain = make_post(thread=make_thread(board=board), body="Not marked")
    for post in (first, second, hidden_post, in_hidden_thread, elsewhere):
        post_actions.mark_insight(moderator, post)
    post_actions.hide_post(moderator, hidden_post, "Spam")
    thread_actions.hide_thread(moderator, thread_of(in_hidden_thread), "Spam")
    insights = board_key_insights(board, utcnow())
    assert [i.id for i in insights] == [first.id, second.id]
    assert plain.id not in {i.id for i in insights}
    one = insights[0]
    assert (one.thread_title, one.author_name) == ("Open data", first.author_name)
    assert "Insight one" in one.html and one.thread_id == first.thread_id and one.thread_slug


def test_a_scheduled_threads_key_insights_wait_for_its_time(ctx, moderator):
    board = make_board()
    host = make_user()
    later = utcnow() + timedelta(days=1)
    thread = threads.start_thread(
        board, author=host, title="A question for later", source="Q", publish_at=later
    )
    post = make_post(thread=thread)
    post_actions.mark_insight(moderator, post)
    assert board_key_insights(board, utcnow()) == []
    assert [i.id for i in board_key_insights(board, later)] == [post.id]
