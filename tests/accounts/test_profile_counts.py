"""A profile's post count: only the posts its reader may see, and the same as its list.

The count and "Recent posts" follow one rule for every reader (forum.accounts.queries):
published posts in threads everyone sees. A host's scheduled question, a post awaiting
approval, a hidden or deleted post and a post in a hidden thread count for nobody, the
author and moderators included (they find those in the thread and the queues).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from forum.accounts.models import Role, User
from forum.db import utcnow
from forum.moderation import post_actions, thread_actions
from forum.threads import services as threads
from forum.threads.models import ThreadKind
from tests.factories import grant_board_role, log_in, make_board, make_user


def shown_count(page: str) -> int:
    found = re.findall(r"<dt>Posts</dt><dd>(\d+)</dd>", page)
    assert len(found) == 1, found
    return int(found[0])


def profile_as(app, viewer: User | None, username: str) -> str:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if viewer is not None:
        log_in(client, viewer)
    response = client.get(f"/u/{username}")
    assert response.status_code == 200
    return response.text


@pytest.fixture
def people(ctx) -> dict[str, User]:
    board = make_board(slug="webinar-7")
    host = make_user(username="host")
    grant_board_role(host, board, "host")
    moderator = make_user(username="moderator", role=Role.MODERATOR)
    threads.start_thread(
        board,
        author=host,
        title="What will you try first?",
        source="A question for after the webinar.",
        kind=ThreadKind.QUESTION,
        publish_at=utcnow() + timedelta(days=2),
    )
    return {"host": host, "moderator": moderator, "board": board}  # type: ignore[dict-item]


@pytest.mark.parametrize("viewer", [None, "host", "moderator"])
def test_a_scheduled_question_is_not_counted_beside_no_posts_yet(app, people, viewer) -> None:
    page = profile_as(app, people.get(viewer) if viewer else None, "host")
    assert "No posts yet." in page
    assert shown_count(page) == 0


@pytest.mark.parametrize("viewer", [None, "host", "moderator"])
def test_only_published_posts_in_public_threads_are_counted(app, people, viewer) -> None:
    host, moderator, board = people["host"], people["moderator"], people["board"]
    thread = threads.start_thread(board, author=make_user(), title="Open", source="Hello.")
    threads.reply(thread, author=host, source="PUBLISHED REPLY")
    threads.reply(thread, author=host, source="PENDING REPLY", held=True)
    hidden = threads.reply(thread, author=host, source="HIDDEN REPLY")
    post_actions.hide_post(moderator, hidden, "Insulting")
    deleted = threads.reply(thread, author=host, source="DELETED REPLY")
    post_actions.delete_post(host, deleted)
    elsewhere = threads.start_thread(board, author=make_user(), title="Later hidden", source="x")
    threads.reply(elsewhere, author=host, source="REPLY IN A HIDDEN THREAD")
    thread_actions.hide_thread(moderator, elsewhere, "Spam")

    page = profile_as(app, people.get(viewer) if viewer else None, "host")

    assert shown_count(page) == 1
    assert "PUBLISHED REPLY" in page
    for text in ("PENDING", "HIDDEN REPLY", "DELETED", "IN A HIDDEN THREAD", "What will you"):
        assert text not in page, text


def test_a_thread_the_member_opened_counts_its_opening_post(app, people) -> None:
    member = make_user(username="amina")
    thread = threads.start_thread(people["board"], author=member, title="Mine", source="Hi.")
    threads.reply(thread, author=member, source="And more.")
    assert shown_count(profile_as(app, None, "amina")) == 2
