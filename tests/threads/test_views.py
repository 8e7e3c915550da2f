"""Thread pages over HTTP: reading, permalinks, starting, replying, quoting and editing.

Data is made in an application context of its own and requests run outside it, as in
production: a request that shared the test's context would also share its session's
identity map and Flask-Login's cached user (`g._login_user`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from forum.accounts.models import Role, User
from forum.boards.models import Board
from forum.boards.queries import NO_DISCUSSION, board_stats
from forum.db import db, utcnow
from forum.threads.models import Post, PostRevision, PostStatus, Thread
from tests.factories import log_in, make_board, make_post, make_thread, make_user
from tests.paths import board_address, thread_address

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Page(HTMLParser):
    """What a test reads from a page: text by element id, form values, links and post ids."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, str] = {}
        self.inputs: dict[str, str] = {}
        self.textareas: dict[str, str] = {}
        self.links: list[str] = []
        self.forms: list[str] = []
        self.post_ids: list[int] = []
        self._open: list[tuple[str, str | None]] = []
        self._textarea: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "input" and "name" in a:
            self.inputs[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name") or a.get("id") or ""
            self.textareas[self._textarea] = ""
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(a.get("action", ""))
        elif (
            tag == "li" and re.fullmatch(r"p\d+", a.get("id", "")) and "post" in a.get("class", "")
        ):
            self.post_ids.append(int(a["id"][1:]))
        if "id" in a:
            self.texts.setdefault(a["id"], "")
        if tag not in VOID_TAGS:
            self._open.append((tag, a.get("id")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            # A newline right after <textarea> is not part of its value.
            value = self.textareas[self._textarea] + data
            self.textareas[self._textarea] = value.removeprefix("\r\n").removeprefix("\n")
        for _, element_id in self._open:
            if element_id:
                self.texts[element_id] += data

    def text(self, element_id: str) -> str:
        return " ".join(self.texts[element_id].split())


def page(response) -> Page:  # type: ignore[no-untyped-def]
    return Page(response.get_data(as_text=True))


def logged_in(app: Flask, user: User) -> FlaskClient:
    """Return a new client with a session for `user` (made in an earlier app context)."""
    client = app.test_client()
    with app.app_context():
        db.session.add(user)  # attach it again, so its expired fields can load
        log_in(client, user)
    return client


def counts(app: Flask) -> tuple[int, int, int]:
    """Return how many threads, posts and revisions the forum holds."""
    with app.app_context():
        return tuple(  # type: ignore[return-value]
            db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
            for model in (Thread, Post, PostRevision)
        )


def get_post(app: Flask, post_id: int) -> Post:
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post is not None
        db.session.expunge(post)
        return post


def get_thread(app: Flask, thread_id: int) -> Thread:
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert thread is not None
        db.session.expunge(thread)
        return thread


def first_post_id(thread: Thread) -> int:
    stmt = sa.select(Post.id).where(Post.thread_id == thread.id, Post.position == 1)
    post_id = db.session.scalar(stmt)
    assert post_id is not None
    return post_id


def login_next(url: str) -> str | None:
    """Return where a link to the login page sends the person back to, if it is one."""
    parts = urlsplit(url)
    if parts.path != "/login":
        return None
    return parse_qs(parts.query).get("next", [None])[0]


def is_login_redirect(response, target: str) -> bool:  # type: ignore[no-untyped-def]
    location = response.headers.get("Location", "")
    return response.status_code == 302 and login_next(location) == target


# --- Reading a thread --------------------------------------------------------------------


def test_a_thread_without_its_slug_redirects_permanently_to_its_canonical_address(app, client):
    with app.app_context():
        thread = make_thread(title="Sharing data across borders")
        thread_id = thread.id
    response = client.get(f"/t/{thread_id}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/t/{thread_id}/sharing-data-across-borders"


def test_a_wrong_slug_redirects_permanently_keeping_the_page(make_app):
    app = make_app(POSTS_PER_PAGE=2)
    with app.app_context():
        thread = make_thread(title="The right title", replies=3)
        thread_id = thread.id
    client = app.test_client()
    response = client.get(f"/t/{thread_id}/an-old-title?page=2")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/t/{thread_id}/the-right-title?page=2"
    response = client.get(f"/t/{thread_id}?page=2")
    assert response.headers["Location"] == f"/t/{thread_id}/the-right-title?page=2"


def test_a_thread_page_shows_each_post_with_author_time_and_anchor(app, client):
    with app.app_context():
        ana = make_user(username="ana", display_name="Ana Ruiz", network_role="Focal point")
        ben = make_user(username="ben")
        thread = make_thread(author=ana, title="Data sharing", body="First **post**")
        reply = make_post(thread=thread, author=ben, body="A reply")
        path, first_id, reply_id = thread_address(thread), first_post_id(thread), reply.id
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    doc = Page(html)
    assert doc.post_ids == [first_id, reply_id]
    assert "<h1>Data sharing</h1>" in html
    assert doc.text(f"p{first_id}").startswith("Ana Ruiz ")
    assert doc.text(f"p{reply_id}").startswith("ben ")
    assert "/u/ana" in doc.links and "/u/ben" in doc.links
    assert "Focal point" in doc.text(f"p{first_id}")
    assert "<strong>post</strong>" in html
    for post_id in (first_id, reply_id):
        assert f"/p/{post_id}" in doc.links
        assert re.search(rf'id="p{post_id}".*?<time datetime="\d{{4}}-\d\d-\d\dT', html, re.S)
    assert " UTC</time>" in html
    assert "edited" not in doc.text(f"p{reply_id}")


def test_a_thread_shows_twenty_posts_a_page(app, client):
    with app.app_context():
        thread = make_thread(replies=20)
        path = thread_address(thread)
        ids = list(db.session.scalars(sa.select(Post.id).order_by(Post.position)))
    first = page(client.get(path))
    assert first.post_ids == ids[:20]
    assert f"{path}?page=2" in first.links
    second = client.get(f"{path}?page=2")
    assert second.status_code == 200
    assert page(second).post_ids == ids[20:]
    assert "(page 2)" in second.get_data(as_text=True)


# Whole numbers out of range (0, -1, 999999999999) are a 404: tests/test_bad_input.py.
@pytest.mark.parametrize("value", ["abc", "1.5", "", "²", "１", "2x"])
def test_a_bad_page_number_shows_the_first_page(make_app, value):
    app = make_app(POSTS_PER_PAGE=2)
    with app.app_context():
        thread = make_thread(replies=3)
        path = thread_address(thread)
        ids = list(db.session.scalars(sa.select(Post.id).order_by(Post.position)))
    response = app.test_client().get(path, query_string={"page": value})
    assert response.status_code == 200
    assert page(response).post_ids == ids[:2]


def test_a_page_beyond_the_last_is_not_found(make_app):
    app = make_app(POSTS_PER_PAGE=2)
    with app.app_context():
        path = thread_address(make_thread(replies=3))
    client = app.test_client()
    assert client.get(f"{path}?page=2").status_code == 200
    assert client.get(f"{path}?page=3").status_code == 404


def test_an_unknown_thread_is_not_found(client):
    assert client.get("/t/999999").status_code == 404
    assert client.get("/t/999999/some-slug").status_code == 404


def test_an_edited_post_is_marked_edited(app, client):
    with app.app_context():
        post = make_post(body="Original")
        author = db.session.get(User, post.author_id)
        thread = db.session.get(Thread, post.thread_id)
        assert author is not None and thread is not None
        path, post_id = thread_address(thread), post.id
    editor = logged_in(app, author)
    assert editor.post(f"/p/{post_id}/edit", data={"body": "Changed"}).status_code == 302
    doc = page(client.get(path))
    assert "edited" in doc.text(f"p{post_id}")
    assert "Changed" in doc.text(f"p{post_id}")


def test_a_deleted_authors_posts_stay_readable_under_their_name(app, client):
    with app.app_context():
        leaver = make_user(username="leaver")
        thread = make_thread(author=leaver, title="A thread that outlives its author")
        make_post(thread=thread, author=leaver, body="My reply")
        path, board_path = (
            thread_address(thread),
            board_address(db.session.get(Board, thread.board_id)),
        )
        db.session.delete(leaver)
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('leaver <span class="muted">(account deleted)</span>') == 2
    assert "My reply" in html
    assert "/u/leaver" not in page(response).links
    board = client.get(board_path)
    assert board.status_code == 200
    assert "A thread that outlives its author" in board.get_data(as_text=True)
    assert "leaver" in board.get_data(as_text=True)
    assert "/u/leaver" not in page(board).links
    assert client.get("/").status_code == 200


def test_hostile_titles_and_names_are_shown_as_text_on_every_page(app):
    hostile = '<script>alert("t")</script>'
    with app.app_context():
        board = make_board(slug="webinar-1")
        author = make_user(username="ana", display_name='<img src=x onerror="alert(1)">')
        thread = make_thread(board=board, author=author, title=f"Title {hostile}")
        post_id = first_post_id(thread)
        paths = [
            "/",
            "/b/webinar-1",
            thread_address(thread),
            f"/t/{thread.id}/reply",
            f"/p/{post_id}/edit",
            "/u/ana",
        ]
    client = logged_in(app, author)
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html, path
        assert "<img" not in html, path
        assert "&lt;script&gt;" in html, path


# --- Permalinks --------------------------------------------------------------------------


def test_a_permalink_leads_to_the_page_and_anchor_of_its_post(app, client):
    with app.app_context():
        thread = make_thread(title="A long discussion", replies=44)
        positions = dict(db.session.execute(sa.select(Post.position, Post.id)).all())
        path = thread_address(thread)
    on_page_three = positions[45]
    response = client.get(f"/p/{on_page_three}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{path}?page=3#p{on_page_three}"
    assert on_page_three in page(client.get(f"{path}?page=3")).post_ids
    assert positions[41] in page(client.get(f"{path}?page=3")).post_ids
    assert client.get(f"/p/{positions[40]}").headers["Location"] == (
        f"{path}?page=2#p{positions[40]}"
    )
    assert client.get(f"/p/{positions[1]}").headers["Location"] == f"{path}#p{positions[1]}"


def test_an_unknown_post_is_not_found(app, client):
    assert client.get("/p/999999").status_code == 404
    with app.app_context():
        member = make_user()
    assert logged_in(app, member).get("/p/999999/edit").status_code == 404


# --- Starting a thread -------------------------------------------------------------------


def test_guests_are_sent_to_log_in_before_starting_a_thread(app, client):
    with app.app_context():
        make_board(slug="webinar-1")
    assert is_login_redirect(client.get("/b/webinar-1/new"), "/b/webinar-1/new")
    response = client.post("/b/webinar-1/new", data={"title": "Hello there", "body": "Hi"})
    assert is_login_redirect(response, "/b/webinar-1/new")
    assert counts(app) == (0, 0, 0)


def test_a_member_starts_a_thread(app):
    with app.app_context():
        board = make_board(slug="webinar-1")
        member = make_user(username="ana")
        board_id = board.id
    client = logged_in(app, member)
    form = client.get("/b/webinar-1/new")
    assert form.status_code == 200
    assert {"title", "csrf_token"} <= set(page(form).inputs) and "body" in page(form).textareas
    response = client.post(
        "/b/webinar-1/new", data={"title": "How do networks share data?", "body": "Tell me *all*."}
    )
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalar(sa.select(Thread))
        assert thread is not None
        assert (
            response.headers["Location"]
            == thread_address(thread)
            == (f"/t/{thread.id}/how-do-networks-share-data")
        )
        assert (thread.board_id, thread.author_name, thread.post_count) == (board_id, "ana", 1)
        post = db.session.scalar(sa.select(Post))
        assert post is not None and post.html == "<p>Tell me <em>all</em>.</p>"
    shown = client.get(response.headers["Location"])
    assert "How do networks share data?" in shown.get_data(as_text=True)


def test_starting_a_thread_on_an_unknown_board_is_not_found(app):
    with app.app_context():
        member = make_user()
    client = logged_in(app, member)
    assert client.get("/b/no-such-board/new").status_code == 404
    response = client.post("/b/no-such-board/new", data={"title": "Hello there", "body": "Hi"})
    assert response.status_code == 404


NEW_THREAD_ERRORS = [
    pytest.param("", "A body", "title", "Please give the thread a title.", id="blank-title"),
    pytest.param("     ", "A body", "title", "Please give the thread a title.", id="space-title"),
    pytest.param("Four", "A body", "title", "A title has 5 to 150 characters.", id="short-title"),
    pytest.param("  ab  ", "A body", "title", "A title has 5 to 150 characters.", id="padded"),
    pytest.param("x" * 151, "A body", "title", "A title has 5 to 150 characters.", id="long-title"),
    pytest.param("A good title", "", "body", "Please write something.", id="blank-body"),
    pytest.param("A good title", " \n ", "body", "Please write something.", id="space-body"),
    pytest.param(
        "A good title", "x" * 50_001, "body", "A post has 2 to 50,000 characters.", id="long-body"
    ),
]


@pytest.mark.parametrize(("title", "body", "field", "message"), NEW_THREAD_ERRORS)
def test_a_refused_new_thread_shows_why_beside_the_field_and_keeps_the_text(
    app, title, body, field, message
):
    with app.app_context():
        make_board(slug="webinar-1")
        member = make_user()
    client = logged_in(app, member)
    response = client.post("/b/webinar-1/new", data={"title": title, "body": body})
    assert response.status_code == 422
    doc = page(response)
    assert doc.text(f"{field}-error") == message
    other = "body" if field == "title" else "title"
    assert f"{other}-error" not in doc.texts
    # Surrounding spaces are no part of a title: it is checked and kept without them.
    assert doc.inputs["title"] == title.strip()
    assert doc.textareas["body"] == body
    assert "Please correct what is marked below." in response.get_data(as_text=True)
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize(
    ("title", "body"), [("Five!", "ok"), ("x" * 150, "ok"), ("A good title", "y" * 50_000)]
)
def test_titles_and_bodies_at_their_limits_are_accepted(app, title, body):
    with app.app_context():
        make_board(slug="webinar-1")
        member = make_user()
    response = logged_in(app, member).post("/b/webinar-1/new", data={"title": title, "body": body})
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalar(sa.select(Post))
        thread = db.session.scalar(sa.select(Thread))
        assert post is not None and thread is not None
        assert (thread.title, post.source) == (title, body)


# --- Replying ----------------------------------------------------------------------------


def _thread_and_member(app: Flask, **thread_fields: object) -> tuple[int, str, User]:
    with app.app_context():
        thread = make_thread(**thread_fields)  # type: ignore[arg-type]
        member = make_user(username="replier")
        return thread.id, thread_address(thread), member


def test_members_find_the_reply_form_at_the_bottom_of_the_thread(app):
    thread_id, path, member = _thread_and_member(app)
    html = logged_in(app, member).get(path).get_data(as_text=True)
    form = f'<form method="post" action="/t/{thread_id}/reply"'
    assert form in html
    assert html.index(form) > html.index('<ol class="posts">')
    assert html.index(form) > html.index("</ol>")


def test_a_reply_from_the_thread_page_is_stored_and_leads_to_itself(app):
    thread_id, path, member = _thread_and_member(app)
    client = logged_in(app, member)
    response = client.post(f"/t/{thread_id}/reply", data={"body": "My *reply*"})
    assert response.status_code == 302
    with app.app_context():
        reply = db.session.scalar(sa.select(Post).where(Post.position == 2))
        assert reply is not None
        assert (reply.source, reply.author_name, reply.thread_id) == (
            "My *reply*",
            "replier",
            thread_id,
        )
        reply_id = reply.id
    assert response.headers["Location"] == f"/p/{reply_id}"
    assert client.get(f"/p/{reply_id}").headers["Location"] == f"{path}#p{reply_id}"
    assert reply_id in page(client.get(path)).post_ids


def test_the_reply_page_offers_an_empty_form(app):
    thread_id, _, member = _thread_and_member(app, title="Data sharing")
    response = logged_in(app, member).get(f"/t/{thread_id}/reply")
    assert response.status_code == 200
    doc = page(response)
    assert doc.textareas["body"] == ""
    assert f"/t/{thread_id}/reply" in doc.forms
    assert "Reply to “Data sharing”" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Please write something."),
        ("   ", "Please write something."),
        ("x", "A post has 2 to 50,000 characters."),
        ("x" * 50_001, "A post has 2 to 50,000 characters."),
    ],
)
def test_a_refused_reply_shows_why_and_keeps_the_text(app, body, message):
    thread_id, _, member = _thread_and_member(app)
    response = logged_in(app, member).post(f"/t/{thread_id}/reply", data={"body": body})
    assert response.status_code == 422
    doc = page(response)
    assert doc.text("body-error") == message
    assert doc.textareas["body"] == body
    assert counts(app) == (1, 1, 0)


def test_guests_see_log_in_instead_of_the_reply_form(app, client):
    thread_id, path, _ = _thread_and_member(app)
    response = client.get(path)
    doc = page(response)
    assert "body" not in doc.textareas
    assert f"/t/{thread_id}/reply" not in doc.forms
    assert not any("/reply" in link for link in doc.links)
    assert path in [login_next(link) for link in doc.links]
    assert "to reply." in response.get_data(as_text=True)


def test_guests_are_sent_to_log_in_before_replying(app, client):
    thread_id, _, _ = _thread_and_member(app)
    url = f"/t/{thread_id}/reply"
    assert is_login_redirect(client.get(url), url)
    assert is_login_redirect(client.post(url, data={"body": "Sneaky"}), url)
    assert counts(app) == (1, 1, 0)


def test_replying_to_an_unknown_thread_is_not_found(app):
    with app.app_context():
        member = make_user()
    client = logged_in(app, member)
    assert client.get("/t/999999/reply").status_code == 404
    assert client.post("/t/999999/reply", data={"body": "Hello"}).status_code == 404


def _lock(app: Flask, thread_id: int) -> None:
    with app.app_context():
        db.session.execute(sa.update(Thread).where(Thread.id == thread_id).values(is_locked=True))
        db.session.commit()


def test_a_locked_thread_refuses_replies_from_members(app):
    thread_id, path, member = _thread_and_member(app)
    _lock(app, thread_id)
    client = logged_in(app, member)
    response = client.get(path)
    assert "This thread is locked: no new replies." in response.get_data(as_text=True)
    assert "body" not in page(response).textareas
    assert client.get(f"/t/{thread_id}/reply").status_code == 403
    assert client.post(f"/t/{thread_id}/reply", data={"body": "Let me in"}).status_code == 403
    assert counts(app) == (1, 1, 0)


def test_a_locked_thread_accepts_replies_from_moderators(app):
    thread_id, path, _ = _thread_and_member(app)
    _lock(app, thread_id)
    with app.app_context():
        moderator = make_user(role=Role.MODERATOR)
    client = logged_in(app, moderator)
    assert "body" in page(client.get(path)).textareas
    response = client.post(f"/t/{thread_id}/reply", data={"body": "Closing note"})
    assert response.status_code == 302
    assert counts(app) == (1, 2, 0)


# --- Quoting -----------------------------------------------------------------------------


def test_quoting_a_post_starts_the_reply_with_a_markdown_quote(app):
    with app.app_context():
        thread = make_thread(author=make_user(username="ana"), body="Line one\nLine two")
        member = make_user()
        thread_id, quoted_id = thread.id, first_post_id(thread)
    client = logged_in(app, member)
    thread_page = page(client.get(thread_address(get_thread(app, thread_id))))
    assert f"/t/{thread_id}/reply?quote={quoted_id}" in thread_page.links
    response = client.get(f"/t/{thread_id}/reply?quote={quoted_id}")
    assert response.status_code == 200
    assert page(response).textareas["body"] == (
        f"> **ana** [wrote](/p/{quoted_id}):\n>\n> Line one\n> Line two\n\n"
    )


def test_a_post_from_another_thread_is_not_quoted(app):
    with app.app_context():
        here, elsewhere = make_thread(), make_thread(body="Secret elsewhere")
        member = make_user()
        here_id, other_post_id = here.id, first_post_id(elsewhere)
    response = logged_in(app, member).get(f"/t/{here_id}/reply?quote={other_post_id}")
    assert response.status_code == 200
    assert page(response).textareas["body"] == ""
    assert "Secret elsewhere" not in response.get_data(as_text=True)


def test_a_quote_parameter_that_is_not_a_post_id_is_ignored(app):
    thread_id, _, member = _thread_and_member(app)
    response = logged_in(app, member).get(f"/t/{thread_id}/reply?quote=abc")
    assert response.status_code == 200
    assert page(response).textareas["body"] == ""


# --- Editing -----------------------------------------------------------------------------


def _reply_by(app: Flask, username: str) -> tuple[int, User]:
    with app.app_context():
        author = make_user(username=username)
        post = make_post(author=author, body="Original text")
        return post.id, author


def test_authors_edit_their_own_post_and_the_old_text_is_kept(app):
    post_id, author = _reply_by(app, "ana")
    client = logged_in(app, author)
    form = client.get(f"/p/{post_id}/edit")
    assert form.status_code == 200
    assert page(form).textareas["body"] == "Original text"
    assert "title" not in page(form).inputs
    response = client.post(f"/p/{post_id}/edit", data={"body": "Better *text*"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/{post_id}"
    post = get_post(app, post_id)
    assert (post.source, post.html, post.edit_count) == (
        "Better *text*",
        "<p>Better <em>text</em></p>",
        1,
    )
    with app.app_context():
        [revision] = db.session.scalars(sa.select(PostRevision))
        assert (revision.post_id, revision.source, revision.editor_name) == (
            post_id,
            "Original text",
            "ana",
        )


def test_editing_the_first_post_retitles_the_thread_and_moves_its_address(app, client):
    with app.app_context():
        author = make_user()
        thread = make_thread(author=author, title="Old thread title", body="Body")
        thread_id, post_id, old_path = thread.id, first_post_id(thread), thread_address(thread)
    editor = logged_in(app, author)
    assert page(editor.get(f"/p/{post_id}/edit")).inputs["title"] == "Old thread title"
    response = editor.post(f"/p/{post_id}/edit", data={"title": "New thread title", "body": "Body"})
    assert response.status_code == 302
    thread = get_thread(app, thread_id)
    assert (thread.title, thread.slug) == ("New thread title", "new-thread-title")
    moved = client.get(old_path)
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"/t/{thread_id}/new-thread-title"
    assert "<h1>New thread title</h1>" in client.get(thread_address(thread)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "Body", "title"), ("Tiny", "Body", "title"), ("A fine title", "", "body")],
)
def test_a_refused_edit_keeps_the_text(app, title, body, field):
    with app.app_context():
        author = make_user()
        thread = make_thread(author=author, title="Old thread title", body="Body")
        post_id = first_post_id(thread)
    response = logged_in(app, author).post(
        f"/p/{post_id}/edit", data={"title": title, "body": body}
    )
    assert response.status_code == 422
    doc = page(response)
    assert f"{field}-error" in doc.texts
    assert (doc.inputs["title"], doc.textareas["body"]) == (title, body)
    assert counts(app) == (1, 1, 0)
    assert get_post(app, post_id).edit_count == 0


def test_members_may_not_edit_someone_elses_post(app):
    post_id, _ = _reply_by(app, "ana")
    with app.app_context():
        other = make_user(username="ben")
    client = logged_in(app, other)
    assert client.get(f"/p/{post_id}/edit").status_code == 403
    assert client.post(f"/p/{post_id}/edit", data={"body": "Defaced"}).status_code == 403
    assert get_post(app, post_id).source == "Original text"
    assert counts(app)[2] == 0


def test_members_see_an_edit_link_on_their_own_posts_only(app):
    with app.app_context():
        ana, ben = make_user(username="ana"), make_user(username="ben")
        thread = make_thread(author=ana)
        reply = make_post(thread=thread, author=ben)
        path, own, others = thread_address(thread), reply.id, first_post_id(thread)
    links = page(logged_in(app, ben).get(path)).links
    assert f"/p/{own}/edit" in links
    assert f"/p/{others}/edit" not in links


def test_moderators_may_edit_someone_elses_post(app):
    post_id, _ = _reply_by(app, "ana")
    with app.app_context():
        moderator = make_user(username="mod", role=Role.MODERATOR)
    client = logged_in(app, moderator)
    assert client.get(f"/p/{post_id}/edit").status_code == 200
    assert client.post(f"/p/{post_id}/edit", data={"body": "Moderated"}).status_code == 302
    post = get_post(app, post_id)
    assert (post.source, post.author_name) == ("Moderated", "ana")
    with app.app_context():
        [revision] = db.session.scalars(sa.select(PostRevision))
        assert (revision.editor_name, revision.source) == ("mod", "Original text")


def test_guests_are_sent_to_log_in_before_editing(app, client):
    post_id, _ = _reply_by(app, "ana")
    url = f"/p/{post_id}/edit"
    assert is_login_redirect(client.get(url), url)
    assert is_login_redirect(client.post(url, data={"body": "Defaced"}), url)
    assert get_post(app, post_id).source == "Original text"


def test_authors_may_not_edit_in_a_locked_thread(app):
    post_id, author = _reply_by(app, "ana")
    _lock(app, get_post(app, post_id).thread_id)
    client = logged_in(app, author)
    assert client.get(f"/p/{post_id}/edit").status_code == 403
    assert client.post(f"/p/{post_id}/edit", data={"body": "Too late"}).status_code == 403
    assert get_post(app, post_id).source == "Original text"


# --- CSRF, oversized requests ------------------------------------------------------------


def test_a_new_thread_without_csrf_token_is_refused_and_the_text_shown_back(app):
    with app.app_context():
        make_board(slug="webinar-1")
        member = make_user()
    client = logged_in(app, member)
    response = client.post(
        "/b/webinar-1/new",
        data={"title": "My long-thought title", "body": "Three paragraphs\n\nof careful text"},
        csrf=False,
    )
    assert response.status_code == 400
    assert counts(app) == (0, 0, 0)
    doc = page(response)
    assert sorted(doc.textareas.values()) == [
        "My long-thought title",
        "Three paragraphs\n\nof careful text",
    ]
    assert "nothing was saved" in response.get_data(as_text=True)


def test_the_refused_form_page_shows_only_what_was_typed(app):
    # As a browser sends it: with the hidden fields the form carries, but an expired token.
    with app.app_context():
        make_board(slug="webinar-1")
        member = make_user()
    client = logged_in(app, member)
    hidden = page(client.get("/b/webinar-1/new")).inputs
    sent = {**hidden, "csrf_token": "expired", "title": "A title", "body": "A body"}
    response = client.post("/b/webinar-1/new", data=sent, csrf=False)
    assert response.status_code == 400
    assert sorted(page(response).textareas.values()) == ["A body", "A title"]
    assert counts(app) == (0, 0, 0)


def test_a_reply_with_a_forged_csrf_token_is_refused_and_the_text_shown_back(app):
    thread_id, _, member = _thread_and_member(app)
    client = logged_in(app, member)
    response = client.post(
        f"/t/{thread_id}/reply",
        data={"body": "My careful reply", "csrf_token": "forged"},
        csrf=False,
    )
    assert response.status_code == 400
    assert list(page(response).textareas.values()) == ["My careful reply"]
    assert "forged" not in response.get_data(as_text=True)
    assert counts(app) == (1, 1, 0)


def test_a_request_larger_than_allowed_gets_the_too_large_page(app):
    thread_id, _, member = _thread_and_member(app)
    client = logged_in(app, member)
    body = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(f"/t/{thread_id}/reply", data={"body": body})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Too large" in html and "larger than this forum accepts" in html
    assert counts(app) == (1, 1, 0)


# --- Cookies -----------------------------------------------------------------------------


def test_an_anonymous_visit_to_a_thread_sets_no_cookie(app, client):
    with app.app_context():
        path = thread_address(make_thread(replies=2))
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


# --- Counters agree with the posts -------------------------------------------------------


def assert_counters_agree(app: Flask) -> None:
    """Check every counter and last-post pointer against the posts themselves.

    Threads and accounts count published posts; boards store no counters, their counts
    are computed when read (board_stats) and must agree all the same.
    """
    with app.app_context():
        posts = list(db.session.scalars(sa.select(Post).order_by(Post.id)))
        published = [p for p in posts if p.status == PostStatus.PUBLISHED]
        threads = {t.id: t for t in db.session.scalars(sa.select(Thread))}
        for thread in threads.values():
            every = [p for p in posts if p.thread_id == thread.id]
            mine = [p for p in published if p.thread_id == thread.id]
            assert thread.post_count == len(mine)
            assert sorted(p.position for p in every) == list(range(1, len(every) + 1))
            assert thread.last_position == len(every)
            assert thread.last_post_id == mine[-1].id
            assert thread.last_post_at == mine[-1].created_at
        stats = board_stats(utcnow())
        for board in db.session.scalars(sa.select(Board)):
            board_stat = stats.get(board.id, NO_DISCUSSION)
            mine = [p for p in published if threads[p.thread_id].board_id == board.id]
            assert board_stat.thread_count == sum(t.board_id == board.id for t in threads.values())
            assert board_stat.post_count == len(mine)
            assert board_stat.last_post_id == (mine[-1].id if mine else None)
            assert board_stat.last_post_at == (mine[-1].created_at if mine else None)
        for user in db.session.scalars(sa.select(User)):
            assert user.post_count == sum(p.author_id == user.id for p in published)


def test_counters_agree_with_the_posts_after_a_series_of_actions(app):
    with app.app_context():
        make_board(slug="one"), make_board(slug="two")
        empty = make_board()
        ana, ben = make_user(username="ana"), make_user(username="ben")
        moderator = make_user(role=Role.MODERATOR)
        assert empty.id
    a, b, m = logged_in(app, ana), logged_in(app, ben), logged_in(app, moderator)
    for client, slug, title in [(a, "one", "First thread"), (b, "one", "Second thread"),
                                (a, "two", "Third thread")]:  # fmt: skip
        assert (
            client.post(f"/b/{slug}/new", data={"title": title, "body": "Open"}).status_code == 302
        )
    with app.app_context():
        ids = dict(db.session.execute(sa.select(Thread.title, Thread.id)).all())
    first, second, third = ids["First thread"], ids["Second thread"], ids["Third thread"]
    for client, thread_id in [(b, first), (a, first), (m, second), (b, third), (a, second)]:
        assert client.post(f"/t/{thread_id}/reply", data={"body": "Reply"}).status_code == 302
    # Refused actions move nothing.
    assert b.post(f"/t/{first}/reply", data={"body": ""}).status_code == 422
    assert b.post(f"/t/{first}/reply", data={"body": "No token"}, csrf=False).status_code == 400
    _lock(app, first)
    assert b.post(f"/t/{first}/reply", data={"body": "Locked"}).status_code == 403
    assert m.post(f"/t/{first}/reply", data={"body": "Moderator"}).status_code == 302
    # Edits move no counters either.
    with app.app_context():
        ana_post = db.session.scalar(
            sa.select(Post.id).where(Post.thread_id == second, Post.author_id == ana.id)
        )
    assert a.post(f"/p/{ana_post}/edit", data={"body": "Edited"}).status_code == 302
    assert_counters_agree(app)
    with app.app_context():
        assert [
            (t.post_count, t.reply_count)
            for t in db.session.scalars(sa.select(Thread).order_by(Thread.id))
        ] == [(4, 3), (3, 2), (2, 1)]


def test_quoting_a_post_that_does_not_exist_opens_an_empty_reply(client, ctx):
    thread = make_thread()
    log_in(client, make_user())
    response = client.get(f"/t/{thread.id}/reply?quote=999999")
    assert response.status_code == 200
    assert b"wrote" not in response.data
