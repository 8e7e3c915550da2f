"""A moderator's reason has one rule: one length, one cleaning, one field, one wording.

The source checks read forum/ and templates/ as text: a reason's limit typed as a number, a
second REASON_MAX or a second wording of the message would be a second home that drifts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.boards.models import Board
from forum.db import db
from forum.reasons import REASON_MAX
from forum.threads.models import Post, Thread
from tests.factories import log_in, make_board, make_post, make_thread, make_user

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "forum" / "reasons.py"


def sources() -> list[Path]:
    files = [*(ROOT / "forum").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]
    return sorted(path for path in files if path != HOME)


def offending_lines(pattern: str) -> list[str]:
    found = []
    for path in sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line, flags=re.IGNORECASE):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_reason_limit_is_typed_as_a_number_outside_its_home():
    # A line about a reason with the number in it; a slice or a maxlength of that size.
    assert offending_lines(r"reason.*\b500\b|\b500\b.*reason") == []
    assert offending_lines(r"\[:500\]|maxlength=\"500\"") == []


def test_the_limit_and_the_wording_have_one_home():
    assert offending_lines(r"^REASON_MAX\s*[:=]") == []
    assert offending_lines(r"give (a|the) reason") == []
    assert offending_lines(r"(has|use) at most \{?REASON_MAX") == []


def test_every_reason_input_written_in_a_template_takes_its_length_from_the_rule():
    inputs = [
        line
        for line in offending_lines(r"<(input|textarea)[^>]*name=\"reason\"")
        if 'maxlength="{{ REASON_MAX }}"' not in line
    ]
    assert inputs == []


def test_every_reason_column_holds_exactly_a_reason():
    import forum.models  # noqa: F401  (every table in the metadata)

    def is_text(column: sa.Column[object]) -> bool:
        return isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum)

    columns = [
        column
        for table in db.metadata.tables.values()
        for column in table.columns
        if column.name == "reason" or column.name.endswith("_reason")
    ]
    reasons = {f"{c.table.name}.{c.name}" for c in columns if is_text(c)}
    assert len(reasons) >= 6  # the log, threads (2), posts, users (2); reports' is an enum
    assert {
        f"{c.table.name}.{c.name}"
        for c in columns
        if is_text(c) and c.type.length != REASON_MAX  # type: ignore[attr-defined]
    } == set()


# --- through the pages ---------------------------------------------------------------------


@pytest.fixture
def world(ctx) -> dict[str, object]:
    board = make_board(slug="webinar-7", number=7)
    thread = make_thread(board=board, title="Open data in practice")
    return {
        "moderator": make_user(username="mod", role=Role.MODERATOR),
        "member": make_user(username="amina"),
        "board": board,
        "thread": thread,
        "post": make_post(thread=thread),
    }


def _locked(w: dict[str, object]) -> bool:
    thread = w["thread"]
    assert isinstance(thread, Thread)
    return db.session.get_one(Thread, thread.id).is_locked


# Each form that takes a reason: (path, field name, what stays unchanged when it is refused).
FORMS: dict[str, tuple[Callable[[dict[str, object]], str], str, Callable[..., object]]] = {
    "lock a thread": (
        lambda w: f"/t/{w['thread'].id}/lock",  # type: ignore[attr-defined]
        "reason",
        _locked,
    ),
    "hide a post": (
        lambda w: f"/p/{w['post'].id}/hide",  # type: ignore[attr-defined]
        "reason",
        lambda w: db.session.get_one(Post, w["post"].id).status,
    ),
    "ban a member": (
        lambda w: "/mod/people/amina/ban",
        "ban-reason",
        lambda w: db.session.get_one(User, w["member"].id).is_active,
    ),
    "close a board": (
        lambda w: "/b/webinar-7/close",
        "reason",
        lambda w: db.session.get_one(Board, w["board"].id).is_closed,
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_reason_one_character_too_long_is_refused_with_the_one_message(
    app: Flask, world: dict[str, object], form: str
):
    path, field, state = FORMS[form]
    before = state(world)
    client = app.test_client()
    log_in(client, world["moderator"])  # type: ignore[arg-type]

    response = client.post(path(world), data={field: "x" * (REASON_MAX + 1)})

    assert response.status_code == 422
    assert "A reason has at most 500 characters." in unescape(response.get_data(as_text=True))
    db.session.rollback()
    assert state(world) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 0


def test_a_reason_of_exactly_the_limit_is_taken_and_logged_whole(app, world):
    client = app.test_client()
    log_in(client, world["moderator"])
    reason = "y" * REASON_MAX

    response = client.post(f"/t/{world['thread'].id}/lock", data={"reason": reason})

    assert response.status_code == 302
    db.session.rollback()
    assert _locked(world) is True
    assert db.session.scalars(sa.select(LogEntry.reason)).all() == [reason]
