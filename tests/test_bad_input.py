"""Input people and scanners really send: ids past the columns, page numbers, NUL bytes.

Every route is walked from the app's own URL map, so a route added later is covered without
a change here. Requests are made as an administrator, so that no permission check answers
before the bad input reaches the database. Run on SQLite and on PostgreSQL (which refuses
an int4 past 2^31 - 1 and a NUL in text with an error, where SQLite does not).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter, Rule, UnicodeConverter

import forum
from forum.accounts.models import Role
from forum.boards.models import Board
from forum.db import db
from forum.forms import ForumForm
from forum.threads.models import Thread
from tests.factories import log_in, make_post, make_thread, make_user

# Out of range for an INTEGER id or a page: zero, negative, one past int4, past int8, huge.
OUT_OF_RANGE = [0, -1, 2**31, 2**63, 10**20]


@pytest.fixture
def app(make_app):  # type: ignore[no-untyped-def]
    # Unhandled errors reach the 500 page, as in production, so a walk can list them all.
    return make_app(PROPAGATE_EXCEPTIONS=False)


@dataclass
class World:
    """One of everything a route can name, and an administrator's client."""

    client: FlaskClient
    ids: dict[str, int]
    texts: dict[str, str]


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        admin = make_user(username="root", role=Role.ADMIN)
        thread = make_thread()
        post = make_post(thread=thread)
        member = make_user(username="amina")
        ids = {
            "thread_id": thread.id,
            "post_id": post.id,
            "user_id": member.id,
            "board_id": thread.board_id,
        }
        texts = {
            "slug": db.session.get_one(Board, thread.board_id).slug,
            "username": member.username,
            "kind": "host",
        }
        client = app.test_client()
        db.session.add(admin)
        log_in(client, admin)
    return World(client, ids, texts)


# Arguments by converter type (Rule._converters: Werkzeug keeps no public map of them).
def int_args(rule: Rule) -> set[str]:
    return {name for name, c in rule._converters.items() if isinstance(c, IntegerConverter)}


def text_args(rule: Rule) -> set[str]:
    return {name for name, c in rule._converters.items() if isinstance(c, UnicodeConverter)}


def url(rule: Rule, world: World, **values: object) -> str:
    """Build the rule's path with real values for every argument not given."""
    args = {**world.ids, **world.texts, **values}
    return "".join(str(args[part]) if is_arg else part for is_arg, part in _parts(rule))


def _parts(rule: Rule) -> list[tuple[bool, str]]:
    # Built by hand: url_for would refuse (or quote) the very values under test.
    parts, rest = [], rule.rule
    while "<" in rest:
        before, _, rest = rest.partition("<")
        spec, _, rest = rest.partition(">")
        parts += [(False, before), (True, spec.rpartition(":")[2])]
    return [*parts, (False, rest)]


def request(client: FlaskClient, method: str, path: str) -> int:
    if method == "GET":
        return client.get(path).status_code
    return client.post(path, data={}).status_code


def methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


# --- ids past the columns ------------------------------------------------------------------


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_every_route_answers_an_id_out_of_range_with_a_404(app, world, value):
    rules = [rule for rule in app.url_map.iter_rules() if int_args(rule)]
    assert len(rules) > 30, "the walk found too few routes with an id to mean anything"
    wrong = []
    for rule in rules:
        path = url(rule, world, **dict.fromkeys(int_args(rule), value))
        for method in methods(rule):
            status = request(world.client, method, path)
            if status != 404:
                wrong.append(f"{method} {path} ({rule.endpoint}): {status}")
    assert wrong == []


def test_the_walk_reaches_the_database_with_ids_in_range(app, world):
    # Guards the walk above: with real ids the same requests find rows (not all 404s).
    found = 0
    for rule in (rule for rule in app.url_map.iter_rules() if int_args(rule)):
        if "GET" in methods(rule) and request(world.client, "GET", url(rule, world)) < 404:
            found += 1
    assert found >= 12


# --- page numbers ----------------------------------------------------------------------------

# Lists cut into pages, and pages that list but have a single page (?page= means nothing).
PAGED = ["/b/{slug}", "/t/{thread_id}/{thread_slug}", "/mod/log", "/mod/people"]
SINGLE = ["/", "/u/{username}", "/mod", "/mod/reports", "/mod/posts", "/mod/accounts"]


def listing(app: Flask, world: World, pattern: str) -> str:
    with app.app_context():
        thread = db.session.get_one(Thread, world.ids["thread_id"])
        slug = thread.slug
    return pattern.format(**world.ids, **world.texts, thread_slug=slug)


@pytest.mark.parametrize("pattern", PAGED)
def test_a_page_number_out_of_range_is_a_404(app, world, pattern):
    path = listing(app, world, pattern)
    assert world.client.get(path, query_string={"page": 1}).status_code == 200
    wrong = {}
    for value in [*OUT_OF_RANGE, 10**6]:
        status = world.client.get(path, query_string={"page": value}).status_code
        if status != 404:
            wrong[value] = status
    assert wrong == {}
    # What is not a whole number at all is no page number: the first page (tests/boards/).
    assert world.client.get(path, query_string={"page": "abc"}).status_code == 200


@pytest.mark.parametrize("pattern", SINGLE)
def test_pages_without_pages_ignore_any_page_number(app, world, pattern):
    path = listing(app, world, pattern)
    for value in [*OUT_OF_RANGE, "abc"]:
        assert world.client.get(path, query_string={"page": value}).status_code == 200


# --- NUL bytes ---------------------------------------------------------------------------------

NUL_TEXT = "before\x00after"


def test_every_route_answers_a_nul_in_its_path_with_a_404(app, world):
    rules = [rule for rule in app.url_map.iter_rules() if text_args(rule)]
    assert len(rules) > 10, "the walk found too few routes with a name to mean anything"
    wrong = []
    for rule in rules:
        for name in text_args(rule):
            path = url(rule, world, **{name: "ab%00c"})
            for method in methods(rule):
                status = request(world.client, method, path)
                if status != 404:
                    wrong.append(f"{method} {path} ({rule.endpoint}): {status}")
    assert wrong == []


# Every parameter a page reads from its query string (searches, filters, ?next=, ?quote=).
QUERY_PARAMETERS = ["q", "role", "action", "actor", "board", "next", "quote", "kind", "page"]


def test_every_page_answers_a_nul_in_its_query_string_with_a_400(app, world):
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in methods(rule)]
    wrong = []
    for rule in (rule for rule in rules if rule.endpoint != "static"):
        path = url(rule, world)
        query = dict.fromkeys(QUERY_PARAMETERS, NUL_TEXT)
        status = world.client.get(path, query_string=query).status_code
        if status != 400:
            wrong.append(f"GET {path} ({rule.endpoint}): {status}")
    assert wrong == []


def all_form_classes() -> list[type[FlaskForm]]:
    """Return every form class the forum defines, wherever it lives (forms or views modules)."""
    for module in pkgutil.walk_packages(forum.__path__, "forum."):
        importlib.import_module(module.name)
    found: dict[type[FlaskForm], None] = {}  # a form with two bases is reached twice
    todo = list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("forum.") and cls is not ForumForm:
            found[cls] = None
    return list(found)


def test_every_form_of_the_forum_is_built_on_the_shared_base():
    forms = all_form_classes()
    assert len(forms) > 20, "the walk found too few forms to mean anything"
    assert [cls for cls in forms if not issubclass(cls, ForumForm)] == []


def test_every_form_refuses_a_nul_in_every_field_and_keeps_the_text(app):
    wrong = []
    for cls in all_form_classes():
        with app.test_request_context():
            names = [field.name for field in cls(formdata=None, meta={"csrf": False})]
        for name in names:
            with app.test_request_context(method="POST", data={name: NUL_TEXT}):
                form = cls(meta={"csrf": False})
                accepted = form.validate()
                errors = " ".join(form[name].errors)
                kept = form[name].raw_data
            if accepted or "NUL character" not in errors or kept != ["before\ufffdafter"]:
                wrong.append(f"{cls.__name__}.{name}: accepted={accepted} {errors!r} {kept!r}")
    assert wrong == []


def everything(app: Flask) -> dict[str, list[tuple[object, ...]]]:
    """Return every row of every table: a refused form must leave all of them as they were."""
    with app.app_context():
        return {
            table.name: sorted(map(tuple, db.session.execute(table.select())), key=repr)
            for table in db.metadata.sorted_tables
        }


# (path, the field that gets the NUL, the other fields, filled in as they would be)
FORMS = {
    "login": ("/login", "login", {"password": "correct horse battery"}),
    "register": (
        "/register",
        "username",
        {"email": "new@example.org", "password": "long enough 123", "confirm": "long enough 123"},
    ),
    "register, display name": (
        "/register",
        "display_name",
        {
            "username": "newbie",
            "email": "new@example.org",
            "password": "long enough 123",
            "confirm": "long enough 123",
        },
    ),
    "reply": ("/t/{thread_id}/reply", "body", {}),
    "new thread": ("/b/{slug}/new", "title", {"body": "A body long enough to post."}),
    "edit post": ("/p/{post_id}/edit", "body", {}),
    "profile": ("/settings/profile", "bio", {"display_name": "Root"}),
    "report": ("/p/{post_id}/report", "comment", {"reason": "other"}),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_nul_in_a_form_is_refused_next_to_the_field_with_the_text_kept(app, world, form):
    path, field, others = FORMS[form]
    path = path.format(**world.ids, **world.texts)
    if form in ("login", "register", "register, display name"):
        world.client.post("/logout")
    before = everything(app)
    response = world.client.post(path, data={**others, field: NUL_TEXT})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    message = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    assert message is not None and "NUL character" in message.group(1)
    assert "before\ufffdafter" in page and "\x00" not in page
    assert everything(app) == before


def test_a_nul_in_a_hidden_field_is_refused_above_the_form(app, world):
    world.client.post("/logout")
    before = everything(app)
    response = world.client.post(
        "/login", data={"login": "root", "password": "correct horse battery", "next": NUL_TEXT}
    )
    assert response.status_code == 422
    assert "NUL character" in response.get_data(as_text=True)
    assert everything(app) == before


def test_a_refused_token_gives_back_text_with_a_nul_made_visible(app, world):
    response = world.client.post(
        f"/t/{world.ids['thread_id']}/reply", data={"body": NUL_TEXT}, csrf=False
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "before\ufffdafter" in page and "\x00" not in page


# ?quote= names a post by id in a query string, where no converter checks its range.
@pytest.mark.parametrize("value", [0, 2**31, 2**63, 10**20])
def test_a_quoted_post_id_out_of_range_is_ignored(app, world, value):
    path = f"/t/{world.ids['thread_id']}/reply"
    assert world.client.get(path, query_string={"quote": value}).status_code == 200
