"""Sending the same form twice (a double click, a retried POST) makes one post, not two."""

from __future__ import annotations

import re
import threading

import sqlalchemy as sa

from forum.boards.queries import board_stats
from forum.db import db, utcnow
from forum.threads.models import Post, Thread
from tests.factories import log_in, make_board, make_thread, make_user
from tests.paths import thread_address


def _submission_key(html: bytes) -> str:
    match = re.search(rb'name="submission"[^>]*value="([0-9a-f]{32})"', html)
    assert match, "the form carries a submission id"
    return match.group(1).decode()


def test_the_same_reply_form_sent_twice_makes_one_post(client, ctx):
    thread = make_thread()
    log_in(client, make_user())
    key = _submission_key(client.get(thread_address(thread)).data)
    data = {"body": "Only once, please", "submission": key}
    first = client.post(f"/t/{thread.id}/reply", data=data)
    second = client.post(f"/t/{thread.id}/reply", data=data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Post.source == "Only once, please")) == 1
    )


def test_each_showing_of_the_form_gets_a_new_submission_id(client, ctx):
    thread = make_thread()
    log_in(client, make_user())
    assert _submission_key(client.get(thread_address(thread)).data) != _submission_key(
        client.get(thread_address(thread)).data
    )


def test_the_same_new_thread_form_sent_twice_opens_one_thread(client, ctx):
    board = make_board()
    log_in(client, make_user())
    key = _submission_key(client.get(f"/b/{board.slug}/new").data)
    data = {"title": "One thread only", "body": "Body", "submission": key}
    first = client.post(f"/b/{board.slug}/new", data=data)
    second = client.post(f"/b/{board.slug}/new", data=data)
    assert first.location == second.location
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 1
    assert board_stats(utcnow())[board.id].thread_count == 1


def test_two_copies_of_one_post_racing_each_other_make_one_post(app, ctx):
    thread = make_thread()
    user = make_user()
    log_in_clients = [app.test_client() for _ in range(2)]
    for c in log_in_clients:
        log_in(c, user)
    data = {"body": "Raced", "submission": "ab" * 16}
    url = f"/t/{thread.id}/reply"
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def send(c) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        codes.append(c.post(url, data=data).status_code)

    workers = [threading.Thread(target=send, args=(c,)) for c in log_in_clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert codes == [302, 302]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(Post.source == "Raced")) == 1
    assert db.session.get_one(Thread, thread.id).post_count == 2
