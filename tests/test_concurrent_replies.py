"""Nothing is lost when many people reply at once: the real app under gunicorn, several workers.

Not a benchmark: it asserts correctness (every acknowledged reply stored exactly once,
every counter and last-post pointer agreeing with the posts, no 5xx), never speed.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum.accounts.models import User
from forum.boards.queries import board_stats
from forum.db import db, utcnow
from forum.threads.models import Post, PostStatus, Thread
from tests.factories import PASSWORD, make_board, make_thread, make_user
from tests.paths import thread_address

ROOT = Path(__file__).resolve().parent.parent
CLIENTS, REPLIES_EACH, THREADS, WORKERS = 8, 50, 3, 4


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Member:
    """One person in a browser: a cookie jar, logging in and replying through the real forms."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.username = username
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=60) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def log_in(self) -> None:
        _, _, page = self._open("/login")
        status, _, _ = self._open(
            "/login", {"csrf_token": _token(page), "login": self.username, "password": PASSWORD}
        )
        assert status == 302, f"{self.username} could not log in ({status})"

    def reply(self, thread_path: str, body: str) -> tuple[int, int | None]:
        """Send one reply with the thread page's form; return (status, post id if stored)."""
        _, _, page = self._open(thread_path)
        thread_id = thread_path.split("/")[2]
        form = {"csrf_token": _token(page), "body": body, "submission": secrets.token_hex(16)}
        status, location, _ = self._open(f"/t/{thread_id}/reply", form)
        match = re.fullmatch(r"/p/(\d+)", location)
        return status, int(match.group(1)) if status == 302 and match else None


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def gunicorn(database_url: str):  # type: ignore[no-untyped-def]
    """Serve the forum on this test's database with several gunicorn workers."""
    binary = Path(sys.executable).parent / "gunicorn"
    if not binary.exists() and not shutil.which("gunicorn"):
        pytest.fail("gunicorn is not installed (pip install .[server])")
    port = _free_port()
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": secrets.token_hex(32),
        "FORUM_RATELIMIT_ENABLED": "false",  # 400 replies a minute is the point here
        # Every reply is published at once (as in the other tests), so every one moves the
        # counters under contention; held posts are tests/moderation/'s subject.
        "FORUM_PREMODERATION_POSTS": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    server = subprocess.Popen(
        [str(binary), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 30 s")


def test_eight_members_replying_at_once_lose_nothing_and_counters_agree(app, gunicorn):
    with app.app_context():
        board = make_board()
        members = [make_user() for _ in range(CLIENTS)]
        threads = [make_thread(board=board, author=members[i]) for i in range(THREADS)]
        usernames = [m.username for m in members]
        thread_ids = [t.id for t in threads]
        thread_paths = [thread_address(t) for t in threads]
        board_id = board.id

    acknowledged: dict[int, str] = {}  # post id -> body
    failures: list[str] = []
    lock = threading.Lock()

    def member_session(n: int) -> None:
        member = Member(gunicorn, usernames[n])
        member.log_in()
        for i in range(REPLIES_EACH):
            body = f"Reply {i} from member {n}"
            status, post_id = member.reply(thread_paths[(n + i) % THREADS], body)
            with lock:
                if status >= 500 or (status == 302) != (post_id is not None):
                    failures.append(f"{body}: HTTP {status}")
                elif post_id is not None:
                    acknowledged[post_id] = body

    clients = [threading.Thread(target=member_session, args=(n,)) for n in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=300)

    assert failures == []
    assert len(acknowledged) == CLIENTS * REPLIES_EACH
    with app.app_context():
        _assert_every_reply_stored_once(acknowledged)
        _assert_counters_agree_with_posts(thread_ids, board_id)


def _assert_every_reply_stored_once(acknowledged: dict[int, str]) -> None:
    replies = db.session.execute(
        sa.select(Post.id, Post.source).where(Post.source.like("Reply % from member %"))
    ).all()
    assert dict(replies) == acknowledged  # each acknowledged id holds its text, nothing else
    assert len({source for _, source in replies}) == len(replies)  # no text stored twice


def _assert_counters_agree_with_posts(thread_ids: list[int], board_id: int) -> None:
    # Pre-moderation is off: every post is published, so every counter counts every post.
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Post).where(Post.status != PostStatus.PUBLISHED)
        )
        == 0
    )
    latest_by_thread = []
    for thread_id in thread_ids:
        thread = db.session.get_one(Thread, thread_id)
        posts = db.session.execute(
            sa.select(Post.id, Post.position, Post.created_at)
            .where(Post.thread_id == thread_id)
            .order_by(Post.position)
        ).all()
        assert [p.position for p in posts] == list(range(1, len(posts) + 1))
        assert thread.last_position == len(posts)
        assert thread.post_count == len(posts)
        latest = max(posts, key=lambda p: p.id)
        assert thread.last_post_id == latest.id
        assert thread.last_post_at == latest.created_at
        latest_by_thread.append((latest.created_at, thread_id, latest.id))
    # Boards store no counters: what the board list shows is computed from the threads.
    stats = board_stats(utcnow())[board_id]
    total = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Thread.board_id == board_id)
    )
    assert stats.post_count == total
    assert stats.thread_count == len(thread_ids)
    # The board's last post is the latest of its threads' last posts (replies to different
    # threads may commit out of order, so by time, not by id).
    assert stats.last_post_id == max(latest_by_thread)[2]
    for user in db.session.scalars(sa.select(User)):
        authored = db.session.scalar(
            sa.select(sa.func.count()).select_from(Post).where(Post.author_id == user.id)
        )
        assert user.post_count == authored, user.username
