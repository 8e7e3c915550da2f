"""Moving, merging and splitting threads, through the services (forum.moderation.restructure).

Posts are given explicit times, so "in order of time" is something the test decides.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.models import Board
from forum.db import db
from forum.errors import ServiceError
from forum.moderation import restructure
from forum.moderation.models import Report, ReportReason
from forum.threads import services as threads
from forum.threads.models import Post, PostRevision, PostStatus, Thread, ThreadStatus
from forum.threads.visibility import is_public
from tests.factories import make_board, make_post, make_thread, make_user

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _at(post: Post, minutes: int) -> Post:
    """Date the post `minutes` after T0."""
    post.created_at = T0 + timedelta(minutes=minutes)
    db.session.commit()
    return post


def _opening(thread: Thread) -> Post:
    return db.session.scalars(
        sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1)
    ).one()


def _thread_with_posts_at(*minutes: int, **kwargs: object) -> Thread:
    """A thread whose posts (the opening one first) were written at these minutes."""
    thread = make_thread(**kwargs)  # type: ignore[arg-type]
    _at(_opening(thread), minutes[0])
    for m in minutes[1:]:
        _at(make_post(thread=thread, body=f"Written at minute {m}"), m)
    threads.refresh_thread_counters(thread.id)
    db.session.commit()
    return thread


def _posts(thread_id: int) -> list[Post]:
    return list(
        db.session.scalars(
            sa.select(Post).where(Post.thread_id == thread_id).order_by(Post.position)
        )
    )


def _assert_numbered_by_time(thread_id: int) -> None:
    posts = _posts(thread_id)
    assert [p.position for p in posts] == list(range(1, len(posts) + 1))
    assert posts == sorted(posts, key=lambda p: (p.created_at, p.id))


def _log(action: str) -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).where(LogEntry.action == action)))


def _fresh(thread: Thread) -> Thread:
    db.session.expire_all()
    return db.session.get_one(Thread, thread.id)


def _moderator() -> User:
    return make_user(role=Role.MODERATOR)


# --- move --------------------------------------------------------------------------------


def test_move_puts_the_thread_on_the_other_board_and_logs_who_why_and_where(
    ctx: Flask,
) -> None:
    mod = _moderator()
    thread = make_thread(replies=2)
    before = _posts(thread.id)
    origin, destination = thread.board_id, make_board()

    assert restructure.move_thread(mod, thread, destination, "Belongs to webinar 7") is True

    assert _fresh(thread).board_id == destination.id
    assert _posts(thread.id) == before
    [entry] = _log("move_thread")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (mod.id, "thread", thread.id)
    assert entry.reason == "Belongs to webinar 7"
    assert entry.details == {"from_board_id": origin, "to_board_id": destination.id}


def test_moving_a_thread_to_its_own_board_changes_nothing_and_logs_nothing(ctx: Flask) -> None:
    thread = make_thread()
    own_board = db.session.get_one(Board, thread.board_id)
    assert restructure.move_thread(_moderator(), thread, own_board) is False
    assert _log("move_thread") == []


def test_move_refuses_a_reason_longer_than_500_characters(ctx: Flask) -> None:
    thread = make_thread()
    with pytest.raises(ServiceError) as refused:
        restructure.move_thread(_moderator(), thread, make_board(), "x" * 501)
    assert refused.value.field == "reason"


# --- merge -------------------------------------------------------------------------------


def test_merge_interleaves_the_posts_of_both_threads_by_time_numbered_1_to_n(
    ctx: Flask,
) -> None:
    target = _thread_with_posts_at(0, 20, 40)
    source = _thread_with_posts_at(10, 30, 50, 60)
    source_ids = [p.id for p in _posts(source.id)]

    assert restructure.merge_threads(_moderator(), source, target) is True

    merged = _posts(target.id)
    assert len(merged) == 7
    _assert_numbered_by_time(target.id)
    assert [p.created_at for p in merged] == [
        T0 + timedelta(minutes=m) for m in (0, 10, 20, 30, 40, 50, 60)
    ]
    assert {p.id for p in merged} >= set(source_ids)
    assert _posts(source.id) == []


def test_merge_recomputes_the_counters_of_both_threads_and_their_authors(ctx: Flask) -> None:
    target = _thread_with_posts_at(0, 20)
    source = _thread_with_posts_at(10, 30, 40)
    held = _at(make_post(thread=source, body="Held for review"), 35)
    held.status = PostStatus.PENDING
    db.session.commit()
    threads.refresh_thread_counters(source.id)
    db.session.commit()
    latest = max(_posts(source.id), key=lambda p: p.created_at if p.status == "published" else T0)

    restructure.merge_threads(_moderator(), source, target)

    target, source = _fresh(target), _fresh(source)
    assert (target.post_count, target.last_position) == (5, 6)
    assert (target.last_post_id, target.last_post_at) == (latest.id, T0 + timedelta(minutes=40))
    assert (source.post_count, source.last_position, source.last_post_id) == (0, 0, None)
    for user in db.session.scalars(sa.select(User)):
        published = db.session.scalar(
            sa.select(sa.func.count()).where(Post.author_id == user.id, Post.status == "published")
        )
        assert user.post_count == published


def test_a_merged_thread_leads_to_the_target_and_is_seen_by_nobody(ctx: Flask) -> None:
    target, source = make_thread(), make_thread(replies=1)

    restructure.merge_threads(_moderator(), source, target, "Same question twice")

    source = _fresh(source)
    assert source.merged_into_id == target.id
    assert source.status == ThreadStatus.WITHDRAWN
    assert is_public(source, datetime.now(UTC)) is False
    response = ctx.test_client().get(f"/t/{source.id}/{source.slug}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/t/{target.id}"


def test_merge_logs_one_entry_naming_both_threads_and_the_moved_posts(ctx: Flask) -> None:
    mod = _moderator()
    target, source = make_thread(), make_thread(replies=2)
    moved = sorted(p.id for p in _posts(source.id))

    restructure.merge_threads(mod, source, target, "Same question twice")

    [entry] = _log("merge_thread")
    assert (entry.actor_id, entry.target_id, entry.reason) == (
        mod.id,
        source.id,
        "Same question twice",
    )
    assert entry.details["source_thread_id"] == source.id
    assert entry.details["target_thread_id"] == target.id
    assert entry.details["post_ids"] == moved
    assert len(list(db.session.scalars(sa.select(LogEntry)))) == 1


def test_revisions_reports_and_key_insights_follow_their_posts_into_the_target(
    ctx: Flask,
) -> None:
    target, source = make_thread(), make_thread()
    editor, reporter = make_user(), make_user()
    post = make_post(thread=source, body="First wording")
    post = db.session.scalars(
        sa.select(Post)
        .options(joinedload(Post.thread))
        .where(Post.id == post.id)
        .execution_options(populate_existing=True)
    ).one()
    threads.edit_post(post, editor=editor, source="Second wording")
    db.session.add(Report(post_id=post.id, reporter_id=reporter.id, reason=ReportReason.SPAM))
    post.is_key_insight = True
    db.session.commit()

    restructure.merge_threads(_moderator(), source, target)

    moved = db.session.get_one(Post, post.id)
    assert (moved.thread_id, moved.is_key_insight, moved.source) == (
        target.id,
        True,
        "Second wording",
    )
    assert (
        db.session.scalar(sa.select(PostRevision.source).where(PostRevision.post_id == post.id))
        == "First wording"
    )
    assert db.session.scalar(sa.select(Report.post_id)) == post.id


def test_merging_an_older_thread_makes_its_first_post_open_the_target(ctx: Flask) -> None:
    older_author = make_user()
    source = _thread_with_posts_at(0, 30, author=older_author)
    target = _thread_with_posts_at(10, 20)

    restructure.merge_threads(_moderator(), source, target)

    target = _fresh(target)
    assert _opening(target).author_id == older_author.id
    assert (target.author_id, target.author_name) == (older_author.id, older_author.username)
    assert target.created_at == T0


def test_threads_merged_into_the_source_earlier_now_lead_straight_to_the_target(
    ctx: Flask,
) -> None:
    mod = _moderator()
    first, middle, last = make_thread(), make_thread(), make_thread()
    restructure.merge_threads(mod, first, middle)

    restructure.merge_threads(mod, middle, last)

    assert _fresh(first).merged_into_id == last.id
    assert len(_posts(last.id)) == 3
    _assert_numbered_by_time(last.id)


def test_merging_again_into_the_same_thread_changes_nothing(ctx: Flask) -> None:
    mod = _moderator()
    target, source = make_thread(), make_thread()
    restructure.merge_threads(mod, source, target)

    assert restructure.merge_threads(mod, _fresh(source), target) is False
    assert len(_log("merge_thread")) == 1


@pytest.mark.parametrize("case", ["itself", "into a merged thread", "a merged thread"])
def test_merge_is_refused_with_a_message_into_itself_or_with_a_merged_thread(
    ctx: Flask, case: str
) -> None:
    mod = _moderator()
    thread, other, gone = make_thread(), make_thread(), make_thread()
    restructure.merge_threads(mod, gone, other)
    source, target = {
        "itself": (thread, thread),
        "into a merged thread": (thread, gone),
        "a merged thread": (gone, thread),
    }[case]

    with pytest.raises(ServiceError) as refused:
        restructure.merge_threads(mod, _fresh(source), _fresh(target))

    assert refused.value.message
    assert len(_log("merge_thread")) == 1


# --- split -------------------------------------------------------------------------------


def test_split_moves_the_chosen_posts_in_time_order_into_a_new_thread(ctx: Flask) -> None:
    mod = _moderator()
    thread = _thread_with_posts_at(0, 10, 20, 30, 40)
    posts = _posts(thread.id)
    chosen = [posts[3], posts[1]]  # minutes 30 and 10, ticked in any order

    new = restructure.split_thread(
        mod, thread, [p.id for p in chosen], title="  A conversation of its own  ", reason="Aside"
    )

    assert [p.id for p in _posts(new.id)] == [posts[1].id, posts[3].id]
    assert [p.id for p in _posts(thread.id)] == [posts[0].id, posts[2].id, posts[4].id]
    for thread_id in (thread.id, new.id):
        _assert_numbered_by_time(thread_id)
    new, thread = _fresh(new), _fresh(thread)
    assert (new.title, new.slug, new.board_id) == (
        "A conversation of its own",
        "a-conversation-of-its-own",
        thread.board_id,
    )
    assert (new.author_id, new.created_at) == (posts[1].author_id, T0 + timedelta(minutes=10))
    assert (new.post_count, new.last_position, new.last_post_id) == (2, 2, posts[3].id)
    assert (thread.post_count, thread.last_position, thread.last_post_id) == (3, 3, posts[4].id)
    [entry] = _log("split_thread")
    assert (entry.actor_id, entry.target_id, entry.reason) == (mod.id, thread.id, "Aside")
    assert entry.details["new_thread_id"] == new.id
    assert entry.details["post_ids"] == sorted([posts[1].id, posts[3].id])


def test_splitting_out_the_opening_post_hands_the_thread_to_the_next_post_s_author(
    ctx: Flask,
) -> None:
    thread = _thread_with_posts_at(0, 10, 20)
    posts = _posts(thread.id)

    restructure.split_thread(_moderator(), thread, [posts[0].id], title="The first post alone")

    thread = _fresh(thread)
    assert _opening(thread).id == posts[1].id
    assert (thread.author_id, thread.created_at) == (posts[1].author_id, T0 + timedelta(minutes=10))


def test_split_can_open_the_new_thread_on_another_board(ctx: Flask) -> None:
    thread = make_thread(replies=2)
    other = make_board()
    reply = _posts(thread.id)[2]

    new = restructure.split_thread(
        _moderator(), thread, [reply.id], title="Moved aside", board=other
    )

    assert _fresh(new).board_id == other.id
    assert _log("split_thread")[0].details["new_board_id"] == other.id


@pytest.mark.parametrize("choice", ["none", "all", "another thread's post"])
def test_split_is_refused_with_a_clear_message_for_no_posts_every_post_or_foreign_ones(
    ctx: Flask, choice: str
) -> None:
    thread = make_thread(replies=2)
    stranger = make_post()
    ids = {
        "none": [],
        "all": [p.id for p in _posts(thread.id)],
        "another thread's post": [_posts(thread.id)[1].id, stranger.id],
    }[choice]

    with pytest.raises(ServiceError) as refused:
        restructure.split_thread(_moderator(), thread, ids, title="Never made")

    assert refused.value.field == "posts"
    assert refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 2
    _assert_numbered_by_time(thread.id)
    assert _log("split_thread") == []
