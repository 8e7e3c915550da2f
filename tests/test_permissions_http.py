"""The permission matrix over HTTP: what the pages really do, role by role.

tests/test_permissions.py proves the rules on unsaved objects; here a slice of its table
(hide a post, lock and pin a thread, approve a held post, suspend a member, edit the board,
post a question, reply, edit a post) is tried through the real endpoints by every role,
and the status AND the database must agree with the table's cell:

    Y   a redirect (not to the login page), and the change is made
    n   403, and nothing changed
    -   404, and nothing changed
        (a guest is sent to log in first, whatever the cell, and nothing changes)

Also here: quoting a post into a reply (only what the reader may quote), the pages a
suspended moderator sees (no moderation buttons, no queue link), and the SQL twin of
can_see_thread for suspended staff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.boards.models import Board
from forum.db import db, utcnow
from forum.moderation import post_actions, thread_actions
from forum.permissions import can_see_thread
from forum.threads import queries
from forum.threads import services as threads
from forum.threads.models import Post, PostStatus, Thread, ThreadKind
from tests.factories import grant_board_role, log_in, make_board, make_user
from tests.paths import thread_address
from tests.test_permissions import MATRIX, ROLES

NEXT_WEEK_DAYS = 7


def _suspended() -> dict[str, object]:
    return {"suspended_until": utcnow() + timedelta(days=NEXT_WEEK_DAYS)}


def _person(role: str, board: Board, elsewhere: Board, author: User) -> User | None:
    """Make the account that plays `role` (a column of the matrix) on `board`."""
    if role == "anonymous":
        return None
    if role == "author":
        return author
    site = {"moderator": Role.MODERATOR, "admin": Role.ADMIN}
    base = role.removeprefix("suspended_")
    fields: dict[str, object] = _suspended() if role.startswith("suspended") else {}
    if role == "pending":
        fields = {"is_approved": False}
    user = make_user(username=role, role=site.get(base, Role.MEMBER), **fields)
    on = {
        "host": (board, "host"),
        "other_host": (elsewhere, "host"),
        "board_moderator": (board, "moderator"),
        "other_board_moderator": (elsewhere, "moderator"),
    }.get(base)
    if on is not None:
        grant_board_role(user, on[0], on[1])
    return user


def _client(app, user: User | None) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client


def _reload(model: type, key: int):  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.get_one(model, key)


# --- the slice of the matrix -----------------------------------------------------------


@dataclass
class Scene:
    board: Board
    to_lock: Thread
    to_pin: Thread
    to_reply: Thread
    to_hide: Post
    to_edit: Post
    held: Post
    target: User


def _scene(board: Board, author: User) -> Scene:
    """The author's threads and replies each action is tried on (one object per action)."""
    opener = make_user(username="opener")

    def own_thread(title: str) -> Thread:
        return threads.start_thread(board, author=author, title=title, source="Opening post.")

    in_thread = threads.start_thread(board, author=opener, title="Opened", source="Opening.")
    return Scene(
        board=board,
        to_lock=own_thread("To lock"),
        to_pin=own_thread("To pin"),
        to_reply=own_thread("To reply to"),
        to_hide=threads.reply(in_thread, author=author, source="A reply to hide."),
        to_edit=threads.reply(in_thread, author=author, source="A reply to edit."),
        held=threads.reply(in_thread, author=author, source="A held reply.", held=True),
        target=make_user(username="target"),
    )


def _thread_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) or 0


def _post_count(thread: Thread) -> int:
    statement = sa.select(sa.func.count()).select_from(Post).where(Post.thread_id == thread.id)
    return db.session.scalar(statement) or 0


# Each action: its (action, state) row in the matrix, and how to try it: the request, and
# a read of the database before and after (the change happened when the reads differ).
Try = tuple[Callable[[FlaskClient, Scene], object], Callable[[Scene], object]]
HTTP_SLICE: dict[str, tuple[tuple[str, str], Try]] = {
    "hide post": (
        ("moderate_post", "open"),
        (
            lambda c, s: c.post(f"/p/{s.to_hide.id}/hide", data={"reason": "Off topic"}),
            lambda s: _reload(Post, s.to_hide.id).status,
        ),
    ),
    "lock thread": (
        ("curate_thread", "open"),
        (
            lambda c, s: c.post(f"/t/{s.to_lock.id}/lock", data={"reason": "Answered"}),
            lambda s: _reload(Thread, s.to_lock.id).is_locked,
        ),
    ),
    "pin thread": (
        ("curate_thread", "open"),
        (
            lambda c, s: c.post(f"/t/{s.to_pin.id}/pin"),
            lambda s: _reload(Thread, s.to_pin.id).is_pinned,
        ),
    ),
    "approve held post": (
        ("moderate_post", "held"),
        (
            lambda c, s: c.post(f"/mod/posts/{s.held.id}/approve"),
            lambda s: _reload(Post, s.held.id).status,
        ),
    ),
    "suspend member": (
        ("sanction_member", "any"),
        (
            lambda c, s: c.post(
                "/mod/people/target/suspend",
                data={"suspend-until": "2099-01-01", "suspend-reason": "Adverts"},
            ),
            lambda s: _reload(User, s.target.id).suspended_until,
        ),
    ),
    "edit board": (
        ("edit_board", "any"),
        (
            lambda c, s: c.post(
                f"/b/{s.board.slug}/edit",
                data={"summary": "New summary.", "timezone": "UTC", "presenters": ""},
            ),
            lambda s: _reload(Board, s.board.id).summary,
        ),
    ),
    "post question": (
        ("post_question", "any"),
        (
            lambda c, s: c.post(
                f"/b/{s.board.slug}/new?kind=question",
                data={"title": "What did your network learn?", "body": "Tell us one thing."},
            ),
            lambda s: _thread_count(),
        ),
    ),
    "reply": (
        ("reply", "open"),
        (
            lambda c, s: c.post(f"/t/{s.to_reply.id}/reply", data={"body": "My reply."}),
            lambda s: _post_count(s.to_reply),
        ),
    ),
    "edit post": (
        ("edit_post", "open"),
        (
            lambda c, s: c.post(f"/p/{s.to_edit.id}/edit", data={"body": "Edited text."}),
            lambda s: _reload(Post, s.to_edit.id).source,
        ),
    ),
}


def _observed(response, changed: bool) -> str:  # type: ignore[no-untyped-def]
    """Read a matrix cell off a response and whether the database changed."""
    status, location = response.status_code, response.headers.get("Location", "")
    if status == 302 and location.startswith("/login"):
        return "login" if not changed else "login, yet changed"
    outcome = {302: "Y", 303: "Y", 403: "n", 404: "-"}.get(status, f"status {status}")
    if changed != (outcome == "Y"):
        return f"{outcome}, {'changed' if changed else 'unchanged'}"
    return outcome


@pytest.mark.parametrize("role", list(ROLES))
def test_the_pages_do_what_the_matrix_says(app, ctx, role: str) -> None:
    board, elsewhere = make_board(slug="webinar-7"), make_board(slug="webinar-8")
    author = make_user(username="author")
    scene = _scene(board, author)
    person = _person(role, board, elsewhere, author)
    column = ROLES[role][0] if ROLES[role] else "anon"  # type: ignore[index]
    expected, observed = {}, {}
    for name, ((action, state), (request, read)) in HTTP_SLICE.items():
        cell = MATRIX[action, state][column]
        expected[name] = "login" if person is None else cell
        before = read(scene)
        response = request(_client(app, person), scene)
        observed[name] = _observed(response, read(scene) != before)
    assert observed == expected


def test_the_slice_covers_allowed_refused_and_unseen_cells() -> None:
    # Guards the slice itself: each kind of cell is tried by some role on some action.
    cells = {
        MATRIX[row][spec[0]]
        for row, _ in HTTP_SLICE.values()
        for spec in ROLES.values()
        if spec is not None
    }
    assert cells == {"Y", "n", "-"}


# --- the pages a suspended moderator sees ------------------------------------------------


def _thread_page_scene(moderator_fields: dict[str, object]) -> tuple[User, Thread, Post]:
    board = make_board(slug="webinar-7")
    moderator = make_user(username="moderator", role=Role.MODERATOR, **moderator_fields)
    thread = threads.start_thread(
        board, author=make_user(username="writer"), title="Sharing data", source="Opening."
    )
    reply = threads.reply(thread, author=make_user(username="replier"), source="I agree.")
    return moderator, thread, reply


MODERATION_LINKS = ("/pin", "/lock", "/hide", "/move", "/merge", "/split", "/insight")


def _moderation_links(page: str) -> set[str]:
    return {link for link in MODERATION_LINKS if re.search(rf'"/[tp]/\d+{link}"', page)}


def test_a_moderator_sees_the_moderation_buttons_and_the_queue_link(app, ctx) -> None:
    # The control for the next test: the same page, the same moderator, not suspended.
    moderator, thread, _ = _thread_page_scene({})
    page = _client(app, moderator).get(thread_address(thread)).text
    assert _moderation_links(page) == set(MODERATION_LINKS)
    assert '<a href="/mod">Moderation' in page


def test_a_suspended_moderator_sees_no_moderation_buttons_nor_the_queue_link(app, ctx) -> None:
    moderator, thread, reply = _thread_page_scene(_suspended())
    client = _client(app, moderator)
    page = client.get(thread_address(thread)).text
    assert _moderation_links(page) == set()
    assert 'href="/mod"' not in page
    assert "Quote" not in page  # a suspended member may not reply, so may not quote
    for path in ("/mod", "/mod/posts", "/mod/reports", "/mod/log", "/mod/people"):
        assert client.get(path).status_code == 403, path


def test_a_suspended_moderator_may_not_hide_a_post_and_nothing_changes(app, ctx) -> None:
    moderator, _, reply = _thread_page_scene(_suspended())
    response = _client(app, moderator).post(f"/p/{reply.id}/hide", data={"reason": "Spam"})
    assert response.status_code == 403
    assert _reload(Post, reply.id).status == PostStatus.PUBLISHED


# --- the SQL twin of can_see_thread, for suspended staff ---------------------------------


def test_lists_show_suspended_staff_what_the_thread_page_shows_them(ctx) -> None:
    board = make_board()
    author = make_user()
    soon = utcnow() + timedelta(days=1)
    scheduled = threads.start_thread(
        board,
        author=author,
        title="A question",
        source="x",
        kind=ThreadKind.QUESTION,
        publish_at=soon,
    )
    hidden = threads.start_thread(board, author=author, title="Hidden", source="x")
    thread_actions.hide_thread(make_user(role=Role.MODERATOR), hidden, "Off topic")
    held = threads.start_thread(board, author=author, title="Held", source="x", held=True)
    viewers = {
        "suspended host": make_user(**_suspended()),
        "suspended board moderator": make_user(**_suspended()),
        "suspended moderator": make_user(role=Role.MODERATOR, **_suspended()),
        "suspended admin": make_user(role=Role.ADMIN, **_suspended()),
    }
    grant_board_role(viewers["suspended host"], board, "host")
    grant_board_role(viewers["suspended board moderator"], board, "moderator")
    now = utcnow()
    unlisted = {scheduled.id, hidden.id, held.id}
    for name, viewer in viewers.items():
        level = queries.visibility_level(viewer, board.id, now)
        statement = sa.select(Thread.id).where(
            Thread.board_id == board.id, queries.visible_to(level)
        )
        listed = set(db.session.scalars(statement, queries.visibility_params(viewer, now)))
        assert listed & unlisted == set(), name
        for thread_id in unlisted:
            assert can_see_thread(viewer, db.session.get_one(Thread, thread_id), now) is False


def test_a_suspended_moderator_does_not_see_posts_held_for_approval(app, ctx) -> None:
    moderator, thread, _ = _thread_page_scene(_suspended())
    threads.reply(thread, author=make_user(), source="HELD FOR REVIEW", held=True)
    assert "HELD FOR REVIEW" not in _client(app, moderator).get(thread_address(thread)).text
    rows = queries.thread_page(thread, moderator, page=1, per_page=20)
    assert [row.status for row in rows] == [PostStatus.PUBLISHED, PostStatus.PUBLISHED]


# --- quoting a post into a reply --------------------------------------------------------


class _Textarea(HTMLParser):
    """The text of the page's reply box."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.inside, self.text = False, ""
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "textarea" and ("name", "body") in attrs

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


@dataclass
class QuoteScene:
    thread: Thread
    posts: dict[str, Post]
    people: dict[str, User]


@pytest.fixture
def quotes(ctx) -> QuoteScene:
    """A thread with a reply in each state, and a hidden thread elsewhere on the board."""
    board = make_board(slug="webinar-7")
    people = {
        "opener": make_user(username="opener"),
        "member": make_user(username="member"),
        "writer": make_user(username="writer"),
        "moderator": make_user(username="moderator", role=Role.MODERATOR),
    }
    thread = threads.start_thread(board, author=people["opener"], title="Data", source="Hi.")
    posts = {
        state: threads.reply(thread, author=people["writer"], source=f"{state.upper()} TEXT")
        for state in ("published", "hidden", "deleted")
    }
    post_actions.hide_post(people["moderator"], posts["hidden"], "Insulting")
    post_actions.delete_post(people["writer"], posts["deleted"])
    posts["pending"] = threads.reply(
        thread, author=people["writer"], source="PENDING TEXT", held=True
    )
    other = threads.start_thread(board, author=people["opener"], title="Other", source="x")
    posts["other thread, hidden"] = threads.reply(
        other, author=people["writer"], source="OTHER THREAD TEXT"
    )
    thread_actions.hide_thread(people["moderator"], other, "Spam")
    return QuoteScene(thread, posts, people)


def _reply_box(app, scene: QuoteScene, who: str, post: str) -> str:  # type: ignore[no-untyped-def]
    client = _client(app, scene.people[who])
    response = client.get(f"/t/{scene.thread.id}/reply?quote={scene.posts[post].id}")
    assert response.status_code == 200
    return _Textarea(response.text).text


@pytest.mark.parametrize("post", ["hidden", "deleted", "pending", "other thread, hidden"])
@pytest.mark.parametrize("who", ["member", "moderator"])
def test_a_reply_box_never_quotes_what_is_not_published_here(app, quotes, who, post) -> None:
    box = _reply_box(app, quotes, who, post)
    assert box.strip() == ""


def test_the_writer_may_not_quote_their_own_post_while_it_awaits_approval(app, quotes) -> None:
    assert _reply_box(app, quotes, "writer", "pending").strip() == ""


@pytest.mark.parametrize("who", ["member", "moderator", "writer"])
def test_a_published_post_is_quoted_for_whoever_may_reply(app, quotes, who) -> None:
    post_id = quotes.posts["published"].id
    box = _reply_box(app, quotes, who, "published")
    assert box.strip() == f"> **writer** [wrote](/p/{post_id}):\n>\n> PUBLISHED TEXT"


def test_the_thread_page_offers_quote_only_on_published_posts(app, quotes) -> None:
    page = _client(app, quotes.people["moderator"]).get(thread_address(quotes.thread)).text
    offered = set(re.findall(r"reply\?quote=(\d+)", page))
    published = {str(quotes.posts["published"].id), str(_opening_post_id(quotes.thread))}
    assert offered == published


def _opening_post_id(thread: Thread) -> int:
    statement = sa.select(Post.id).where(Post.thread_id == thread.id, Post.position == 1)
    return db.session.scalar(statement) or 0
