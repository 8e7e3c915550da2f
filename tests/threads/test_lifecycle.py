"""Every change of what readers may see sends exactly one event, after its commit.

A recorder subscribes to forum.threads.events.content_changed; each action is performed
through its public service, as a view, a command or an email reply would.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.moderation import post_actions, queues, reports, restructure, thread_actions
from forum.moderation.models import ReportReason
from forum.threads import scheduling
from forum.threads import services as threads
from forum.threads.events import ChangeKind, ContentChange, content_changed
from forum.threads.models import Post, Thread, ThreadKind
from tests.factories import make_board, make_post, make_thread, make_user


class Recorder(list[ContentChange]):
    """The events sent, in order; `committed` says whether each was sent after a commit."""

    def __call__(self, sender: Any, *, change: ContentChange) -> None:
        assert sender == change.kind
        # Sent after the commit: the session holds no transaction of that change any more.
        assert not db.session().in_transaction()
        self.append(change)

    def only(self) -> ContentChange:
        assert len(self) == 1, f"expected exactly one event, got {self}"
        change = self.pop()
        return change


@pytest.fixture
def events(ctx: Any) -> Iterator[Recorder]:
    recorder = Recorder()
    with content_changed.connected_to(recorder):
        yield recorder


@pytest.fixture
def moderator(ctx: Any) -> User:
    return make_user(role=Role.MODERATOR)


def _quiet(events: Recorder, make: Any) -> Any:
    """Make a fixture object, forgetting the events its making sent."""
    made = make()
    events.clear()
    return made


def test_starting_a_thread_publishes_its_first_post(events):
    board, author = make_board(), make_user()
    thread = threads.start_thread(board, author=author, title="Field notes", source="Hello")
    change = events.only()
    first = db.session.scalar(sa.select(Post.id).where(Post.thread_id == thread.id))
    assert (change.kind, change.thread_id, change.board_id) == (
        ChangeKind.PUBLISHED,
        thread.id,
        board.id,
    )
    assert (change.post_id, change.actor_id, change.opens_thread) == (first, author.id, True)


def test_a_reply_is_published_or_held(events):
    thread = _quiet(events, make_thread)
    post = threads.reply(thread, author=make_user(), source="Agreed")
    assert events.only() == ContentChange(
        ChangeKind.PUBLISHED, thread.id, thread.board_id, post.id, post.author_id
    )
    held = threads.reply(thread, author=make_user(), source="Wait", held=True)
    change = events.only()
    assert (change.kind, change.post_id, change.opens_thread) == (ChangeKind.HELD, held.id, False)


def test_a_repeated_submission_sends_nothing_more(events):
    thread, author = _quiet(events, make_thread), _quiet(events, make_user)
    threads.reply(thread, author=author, source="Once", submission_key="k" * 32)
    events.only()
    threads.reply(thread, author=author, source="Once", submission_key="k" * 32)
    assert events == []  # rolled back: never announced


def test_a_scheduled_question_is_announced_as_scheduled_then_once_as_it_appears(events):
    board, host = make_board(), make_user(role=Role.MODERATOR)
    at = utcnow() + timedelta(hours=1)
    question = threads.start_thread(
        board, author=host, title="Our question", source="Why?", kind=ThreadKind.QUESTION,
        publish_at=at,
    )  # fmt: skip
    assert events.only().kind == ChangeKind.SCHEDULED
    assert scheduling.announce_due_questions(at - timedelta(minutes=1)) == []
    assert events == []
    assert scheduling.announce_due_questions(at + timedelta(minutes=1)) == [question.id]
    change = events.only()
    assert (change.kind, change.thread_id, change.actor_id) == (
        ChangeKind.APPEARED,
        question.id,
        None,
    )
    assert scheduling.announce_due_questions(at + timedelta(minutes=2)) == []
    assert events == []


def test_publishing_a_question_now_is_its_appearance(events):
    host = _quiet(events, lambda: make_user(role=Role.MODERATOR))
    question = threads.start_thread(
        make_board(), author=host, title="Early one", source="Now?", kind=ThreadKind.QUESTION,
        publish_at=utcnow() + timedelta(hours=2),
    )  # fmt: skip
    events.clear()
    assert scheduling.publish_now(question, actor=host)
    change = events.only()
    assert (change.kind, change.thread_id, change.actor_id) == (
        ChangeKind.APPEARED,
        question.id,
        host.id,
    )
    # Published early: the tick does not announce it a second time.
    assert scheduling.announce_due_questions(utcnow() + timedelta(hours=3)) == []
    assert events == []


def test_approving_and_rejecting_held_posts(events, moderator):
    thread = _quiet(events, make_thread)
    first = _quiet(events, lambda: threads.reply(thread, author=make_user(), source="a", held=True))
    second = _quiet(
        events, lambda: threads.reply(thread, author=make_user(), source="b", held=True)
    )
    assert queues.approve_post(first, actor=moderator)
    assert events.only() == ContentChange(
        ChangeKind.APPROVED, thread.id, thread.board_id, first.id, moderator.id
    )
    assert queues.reject_post(second, actor=moderator, reason="Spam")
    assert events.only().kind == ChangeKind.REJECTED
    assert not queues.approve_post(first, actor=moderator)
    assert events == []


@pytest.mark.parametrize(
    ("verb", "kind"),
    [
        (lambda mod, post: post_actions.hide_post(mod, post, "Rude"), ChangeKind.POST_HIDDEN),
        (
            lambda mod, post: post_actions.delete_post(
                db.session.get_one(User, post.author_id), post
            ),
            ChangeKind.POST_DELETED,
        ),
    ],
    ids=["hide", "delete"],
)
def test_a_post_leaving_what_readers_see_sends_one_event(events, moderator, verb, kind):
    post = _quiet(events, make_post)
    assert verb(moderator, post)
    change = events.only()
    assert (change.kind, change.post_id, change.thread_id) == (kind, post.id, post.thread_id)
    assert not verb(moderator, post)  # nothing left to change: nothing sent
    assert events == []


def test_restoring_a_hidden_post(events, moderator):
    post = _quiet(events, make_post)
    post_actions.hide_post(moderator, post, "Rude")
    events.clear()
    assert post_actions.restore_post(moderator, post)
    assert events.only().kind == ChangeKind.POST_RESTORED


def test_key_insights_and_pins_are_not_changes_of_visibility(events, moderator):
    post = _quiet(events, make_post)
    thread = db.session.get_one(Thread, post.thread_id)
    assert post_actions.mark_insight(moderator, post)
    assert thread_actions.pin_thread(moderator, thread)
    assert thread_actions.lock_thread(moderator, thread)
    assert events == []


def test_hiding_restoring_and_withdrawing_threads(events, moderator):
    thread = _quiet(events, make_thread)
    assert thread_actions.hide_thread(moderator, thread, "Off topic")
    assert events.only() == ContentChange(
        ChangeKind.THREAD_HIDDEN, thread.id, thread.board_id, actor_id=moderator.id
    )
    assert not thread_actions.hide_thread(moderator, thread, "Again")
    assert events == []
    assert thread_actions.restore_thread(moderator, thread)
    assert events.only().kind == ChangeKind.THREAD_RESTORED
    author = db.session.get_one(User, thread.author_id)
    assert thread_actions.withdraw_thread(author, thread)
    change = events.only()
    assert (change.kind, change.thread_id, change.actor_id) == (
        ChangeKind.THREAD_WITHDRAWN,
        thread.id,
        author.id,
    )


def test_moving_merging_and_splitting_threads(events, moderator):
    source = _quiet(events, lambda: make_thread(replies=2))
    target = _quiet(events, make_thread)
    elsewhere = _quiet(events, make_board)
    from_board = source.board_id
    assert restructure.move_thread(moderator, source, elsewhere)
    assert events.only() == ContentChange(
        ChangeKind.THREAD_MOVED, source.id, elsewhere.id, actor_id=moderator.id,
        from_board_id=from_board,
    )  # fmt: skip
    last = db.session.scalar(sa.select(sa.func.max(Post.id)).where(Post.thread_id == source.id))
    new = restructure.split_thread(moderator, source, [last], title="A side topic")
    change = events.only()
    assert (change.kind, change.thread_id, change.related_thread_id) == (
        ChangeKind.THREAD_SPLIT,
        source.id,
        new.id,
    )
    assert restructure.merge_threads(moderator, source, target)
    change = events.only()
    assert (change.kind, change.thread_id, change.related_thread_id) == (
        ChangeKind.THREADS_MERGED,
        source.id,
        target.id,
    )


def test_hiding_a_reported_post_sends_one_event_and_commits_once(events, moderator):
    post = _quiet(events, make_post)
    reports.report_post(post, reporter=make_user(), reason=ReportReason.ABUSIVE)
    events.clear()
    commits: list[object] = []

    def count(session: object) -> None:
        commits.append(session)

    session = db.session()
    sa.event.listen(session, "after_commit", count)
    try:
        closed = reports.resolve_reports(
            post, actor=moderator, resolution=reports.Resolution.HIDDEN, reason="Abuse"
        )
    finally:
        sa.event.remove(session, "after_commit", count)
    assert closed == 1
    assert len(commits) == 1
    change = events.only()
    assert (change.kind, change.post_id) == (ChangeKind.POST_HIDDEN, post.id)
    assert db.session.scalar(sa.select(sa.func.count()).where(LogEntry.action == "hide_post")) == 1


def test_a_refused_change_sends_nothing(events, moderator):
    post = _quiet(events, make_post)
    with pytest.raises(ServiceError):
        post_actions.hide_post(moderator, post, "")
    db.session.rollback()
    assert events == []


def test_the_tick_command_announces_questions_whose_time_came(ctx, events):
    board, host = make_board(), make_user(role=Role.MODERATOR)
    question = threads.start_thread(
        board, author=host, title="Soon", source="Ready?", kind=ThreadKind.QUESTION,
        publish_at=utcnow() + timedelta(seconds=1),
    )  # fmt: skip
    db.session.execute(
        sa.update(Thread).where(Thread.id == question.id).values(publish_at=utcnow())
    )
    db.session.commit()
    events.clear()
    result = ctx.test_cli_runner().invoke(args=["forum", "tick"])
    assert result.exit_code == 0, result.output
    assert "1 scheduled question(s) appeared." in result.output
    assert events.only().kind == ChangeKind.APPEARED
