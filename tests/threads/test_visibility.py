"""The visibility rule in its three forms agrees for every role and every state: the
predicates, the SQL for one board's lists, and the SQL across every board (search, feeds).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from forum.accounts.models import Guest, Role, User
from forum.boards.models import Board
from forum.db import db, utcnow
from forum.threads import services, visibility
from forum.threads.models import Post, PostStatus, Thread, ThreadKind, ThreadStatus
from tests.factories import grant_board_role, make_board, make_user


def _threads_in_every_state(board: Board, author: User) -> dict[str, Thread]:
    soon = utcnow() + timedelta(days=1)
    made = {
        "open": services.start_thread(board, author=author, title="Open thread", source="x"),
        "held": services.start_thread(
            board, author=author, title="Held thread", source="x", held=True
        ),
        "scheduled": services.start_thread(
            board, author=author, title="A question", source="x", kind=ThreadKind.QUESTION,
            publish_at=soon,
        ),
    }  # fmt: skip
    for state, values in {
        "locked": {"is_locked": True},
        "hidden": {"status": ThreadStatus.HIDDEN},
        "withdrawn": {"status": ThreadStatus.WITHDRAWN},
    }.items():
        made[state] = services.start_thread(board, author=author, title=f"{state} t", source="x")
        db.session.execute(sa.update(Thread).where(Thread.id == made[state].id).values(**values))
    # Replies in every state, in the open thread.
    for status in PostStatus:
        reply = services.reply(made["open"], author=author, source=f"{status}", held=False)
        db.session.execute(sa.update(Post).where(Post.id == reply.id).values(status=status))
    db.session.commit()
    return made


@pytest.fixture
def world(ctx: Any) -> dict[str, Any]:
    board, elsewhere = make_board(), make_board()
    author = make_user()
    threads = {
        **{f"here/{k}": t for k, t in _threads_in_every_state(board, author).items()},
        **{f"there/{k}": t for k, t in _threads_in_every_state(elsewhere, author).items()},
    }
    soon = utcnow() + timedelta(days=1)
    host, other_host, board_moderator, suspended_moderator, both = (make_user() for _ in range(5))
    grant_board_role(host, board, "host")
    grant_board_role(other_host, elsewhere, "host")
    grant_board_role(board_moderator, board, "moderator")
    grant_board_role(suspended_moderator, board, "moderator")
    grant_board_role(both, board, "host")
    grant_board_role(both, elsewhere, "moderator")
    db.session.execute(
        sa.update(User).where(User.id == suspended_moderator.id).values(suspended_until=soon)
    )
    db.session.commit()
    viewers = {
        "anonymous": Guest(),
        "pending": make_user(is_approved=False),
        "suspended": make_user(suspended_until=soon),
        "member": make_user(),
        "author": author,
        "host": host,
        "other_host": other_host,
        "board_moderator": board_moderator,
        "suspended_moderator": suspended_moderator,
        "host_here_moderator_there": both,
        "moderator": make_user(role=Role.MODERATOR),
        "admin": make_user(role=Role.ADMIN),
    }
    ids = {name: t.id for name, t in threads.items()}
    board_ids = (board.id, elsewhere.id)
    viewer_ids = {role: v.id for role, v in viewers.items() if v.id is not None}
    # Loaded afresh, as any other account would be: board roles load on first use.
    db.session.expunge_all()
    return {
        "threads": {name: db.session.get_one(Thread, i) for name, i in ids.items()},
        "viewers": {
            role: db.session.get_one(User, viewer_ids[role]) if role in viewer_ids else Guest()
            for role in viewers
        },
        "boards": board_ids,
    }


def test_the_sql_for_one_boards_lists_lets_through_what_can_see_thread_allows(world):
    now = utcnow()
    for role, viewer in world["viewers"].items():
        for board_id in world["boards"]:
            level = visibility.visibility_level(viewer, board_id, now)
            stmt = sa.select(Thread.id).where(
                Thread.board_id == board_id, visibility.visible_to(level)
            )
            ids = set(db.session.scalars(stmt, visibility.visibility_params(viewer, now)))
            expected = {
                t.id
                for t in world["threads"].values()
                if t.board_id == board_id and visibility.can_see_thread(viewer, t, now)
            }
            assert ids == expected, (role, board_id)


def test_the_sql_across_boards_lets_through_what_can_see_thread_allows(world):
    now = utcnow()
    for role, viewer in world["viewers"].items():
        stmt = sa.select(Thread.id).where(visibility.readable_threads(viewer, now))
        seen_in_sql = {
            name for name, t in world["threads"].items() if t.id in set(db.session.scalars(stmt))
        }
        seen = {
            name
            for name, t in world["threads"].items()
            if visibility.can_see_thread(viewer, t, now)
        }
        assert seen_in_sql == seen, role
        assert {"here/open", "there/open", "here/locked"} <= seen


def test_the_posts_across_boards_are_those_that_stand_for_the_reader(world):
    now = utcnow()
    posts = db.session.scalars(sa.select(Post)).all()
    threads = {t.id: t for t in world["threads"].values()}
    for role, viewer in world["viewers"].items():
        stmt = (
            sa.select(Post.id)
            .join(Thread, Thread.id == Post.thread_id)
            .where(visibility.readable_posts(viewer, now))
        )
        ids = set(db.session.scalars(stmt))
        expected = {
            p.id
            for p in posts
            if visibility.can_see_thread(viewer, threads[p.thread_id], now)
            and visibility.can_see_post(viewer, p, threads[p.thread_id], now)
        }
        assert ids == expected, role


def test_the_posts_of_one_thread_shown_are_those_can_see_post_allows(world):
    for role, viewer in world["viewers"].items():
        for name in ("here/open", "there/open"):
            thread = world["threads"][name]
            stmt = sa.select(Post.id).where(Post.thread_id == thread.id, visibility.shown_posts())
            params = visibility.shown_posts_params(viewer, thread.board_id)
            ids = set(db.session.scalars(stmt, params))
            posts = db.session.scalars(sa.select(Post).where(Post.thread_id == thread.id)).all()
            assert ids == {p.id for p in posts if visibility.can_see_post(viewer, p, thread)}, role
