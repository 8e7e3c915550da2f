"""A whole forum moves between databases, SQLite to PostgreSQL and back, row for row."""

from __future__ import annotations

import enum
import gzip
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy.orm import joinedload

from forum import create_app
from forum.accounts import sessions
from forum.accounts.models import Role, User
from forum.audit import record
from forum.boards.models import Board, BoardRole, BoardRoleKind
from forum.db import UTCDateTime, db, utcnow
from forum.errors import ServiceError
from forum.moderation.models import Report, ReportReason, ReportStatus
from forum.threads import services as threads
from forum.threads.models import Post, PostRevision, PostStatus, Thread, ThreadKind
from forum.transfer import services as transfer
from tests.conftest import PG_URL, _config, _migrate
from tests.factories import make_board, make_post, make_thread, make_user

PG_SERVER = PG_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/test"

Tables = dict[str, list[dict[str, Any]]]


class Databases:
    """Fresh migrated databases for one test, with an app on each; all gone afterwards."""

    def __init__(self, template: Path, tmp_path: Path) -> None:
        self.template = template
        self.tmp_path = tmp_path
        self.apps: list[Flask] = []
        self.pg_names: list[str] = []
        self.pg_admin: sa.Engine | None = None

    def sqlite(self) -> Flask:
        path = self.tmp_path / f"{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(self.template, path)
        return self._app(f"sqlite:///{path}")

    def postgresql(self) -> Flask:
        admin = self._pg_admin()
        name = f"forum_transfer_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.pg_names.append(name)
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        _migrate(url)
        return self._app(url)

    def _app(self, url: str) -> Flask:
        app = create_app(_config(url))
        self.apps.append(app)
        return app

    def _pg_admin(self) -> sa.Engine:
        if self.pg_admin is None:
            engine = sa.create_engine(
                PG_SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
            )
            try:
                engine.connect().close()
            except sa.exc.OperationalError as error:
                engine.dispose()
                message = f"PostgreSQL is unreachable at {PG_SERVER}: {error.orig}"
                if os.environ.get("CI", "").lower() in ("true", "1"):
                    pytest.fail(message)
                pytest.skip(message)
            self.pg_admin = engine
        return self.pg_admin

    def close(self) -> None:
        for app in self.apps:
            with app.app_context():
                db.engine.dispose()
        if self.pg_admin is not None:
            with self.pg_admin.connect() as conn:
                for name in self.pg_names:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.pg_admin.dispose()


@pytest.fixture
def databases(sqlite_template: Path, tmp_path: Path) -> Iterator[Databases]:
    found = Databases(sqlite_template, tmp_path)
    yield found
    found.close()


def edit(post_id: int, *, editor: User, source: str, title: str | None = None) -> None:
    # As the view does: the post comes with its thread loaded.
    query = sa.select(Post).options(joinedload(Post.thread)).where(Post.id == post_id)
    threads.edit_post(db.session.scalars(query).one(), editor=editor, source=source, title=title)


def build_forum() -> None:
    """Make a small forum with a row in every table and every kind of value."""
    admin = make_user(username="amina", role=Role.ADMIN, display_name="Amína Ñúñez – 李娜")
    member = make_user(username="kofi", country="Ghana", bio="Wetlands, mostly.")
    leaver = make_user(username="leaver", is_active=False, ban_reason="Spam, spam, spam")
    moderator = make_user(username="moderator", role=Role.MODERATOR)
    make_user(
        username="waiting",
        is_approved=False,
        suspended_until=datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC),
        suspension_reason="Cooling off",
    )
    first = make_board(presenters=["Dr. Ana Pérez", "Jürgen Ohm"], summary="Open data")
    second = make_board(title=None, webinar_date=None)
    make_board(recording_url="https://example.org/recording")  # a board without threads
    discussed = make_thread(board=first, author=admin, replies=3)
    make_thread(board=first, author=leaver, title="Leaving soon, a question", replies=1)
    quiet = make_thread(board=second, author=member, title="Pinned and locked")
    make_post(thread=quiet, author=leaver, body="A reply from someone who left")
    threads.reply(discussed, author=member, source="Once only", submission_key="k" * 32)
    edited = db.session.scalars(sa.select(Post.id).where(Post.thread_id == discussed.id)).first()
    assert edited is not None
    edit(edited, editor=admin, source="Edited once", title="A better title here")
    edit(edited, editor=leaver, source="Edited **twice**")
    db.session.execute(sa.update(Thread).where(Thread.id == quiet.id).values(is_pinned=True))
    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == quiet.id)
        .values(is_locked=True, lock_reason="Answered", is_highlighted=True)
    )
    _build_moderation(admin=admin, member=member, leaver=leaver, moderator=moderator)
    open_login(member)
    open_login(leaver)  # deleted with its account below
    db.session.execute(sa.delete(User).where(User.id == leaver.id))
    db.session.commit()


def open_login(user: User) -> str:
    """Log `user` in on a device; return the key its cookies would carry."""
    lifetime = sessions.Lifetime(idle=timedelta(days=14), absolute=timedelta(days=30))
    return sessions.open_session(user, now=utcnow(), lifetime=lifetime, device="Chrome on Android")


def _build_moderation(*, admin: User, member: User, leaver: User, moderator: User) -> None:
    """Add board roles, a scheduled question, held and hidden posts, reports and log entries."""
    first, second = db.session.scalars(sa.select(Board).order_by(Board.id).limit(2))
    db.session.add_all(
        [
            BoardRole(
                board_id=first.id,
                user_id=member.id,
                role=BoardRoleKind.HOST,
                granted_by_id=admin.id,
            ),
            # Granted by the account deleted below: the grant stays, its granter goes.
            BoardRole(
                board_id=second.id,
                user_id=moderator.id,
                role=BoardRoleKind.MODERATOR,
                granted_by_id=leaver.id,
            ),
        ]
    )
    question = threads.start_thread(
        first,
        author=member,
        title="What would you ask the presenters?",
        source="Our first question",
        kind=ThreadKind.QUESTION,
        publish_at=datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC),
    )
    threads.reply(question, author=admin, source="Waiting for approval", held=True)
    hidden = make_post(thread=question, author=leaver, body="Buy cheap watches")
    db.session.execute(
        sa.update(Post)
        .where(Post.id == hidden.id)
        .values(status=PostStatus.HIDDEN, status_reason="Spam", is_key_insight=False)
    )
    insight = make_post(thread=question, author=moderator, body="The key point")
    db.session.execute(sa.update(Post).where(Post.id == insight.id).values(is_key_insight=True))
    threads.refresh_thread_counters(question.id)
    threads.refresh_author_counters([leaver.id])
    db.session.add_all(
        [
            Report(post_id=hidden.id, reporter_id=member.id, reason=ReportReason.SPAM),
            Report(
                post_id=insight.id,
                reporter_id=leaver.id,
                reason=ReportReason.OTHER,
                comment="Off the mark – “quoted”",
                status=ReportStatus.CLOSED,
                resolution="dismissed",
                resolved_by_id=moderator.id,
                resolved_at=datetime(2030, 1, 1, tzinfo=UTC),
            ),
        ]
    )
    record(
        moderator,
        "hide_post",
        target_type="post",
        target_id=hidden.id,
        board_id=first.id,
        reason="Spam",
        details={"status": ["published", "hidden"], "reports": 1},
    )
    record(None, "grant_role", target_type="user", target_id=member.id, details={"role": "host"})
    db.session.commit()


def snapshot(app: Flask) -> Tables:
    """Return every row of every table, ordered by key, datetimes in UTC."""
    with app.app_context(), db.engine.connect() as conn:
        return {
            table.name: [
                {k: v.astimezone(UTC) if isinstance(v, datetime) else v for k, v in row.items()}
                for row in conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in db.metadata.sorted_tables
        }


def row_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    text = gzip.decompress(data) if path.suffix == ".gz" else data
    return text.decode("utf-8").splitlines()[1:]


def test_a_forum_moves_from_sqlite_to_postgresql_and_back_row_for_row(databases, tmp_path):
    source = databases.sqlite()
    with source.app_context():
        build_forum()
        transfer.dump(tmp_path / "from-sqlite.jsonl.gz")
    original = snapshot(source)
    empty = [name for name, rows in original.items() if not rows]
    assert not empty, f"add rows of {empty} to build_forum(), so that the test moves them"
    assert any(post["author_id"] is None for post in original["posts"])

    postgresql = databases.postgresql()
    with postgresql.app_context():
        loaded = transfer.load(tmp_path / "from-sqlite.jsonl.gz")
        transfer.dump(tmp_path / "from-postgresql.jsonl")
    assert loaded.rows == {name: len(rows) for name, rows in original.items()}
    back = databases.sqlite()
    with back.app_context():
        transfer.load(tmp_path / "from-postgresql.jsonl")

    assert snapshot(postgresql) == original
    assert snapshot(back) == original
    # The rows are written the same way whichever database they come from.
    assert row_lines(tmp_path / "from-postgresql.jsonl") == row_lines(
        tmp_path / "from-sqlite.jsonl.gz"
    )


def test_after_a_load_on_postgresql_new_rows_take_fresh_ids(databases, tmp_path):
    source = databases.sqlite()
    with source.app_context():
        build_forum()
        transfer.dump(tmp_path / "forum.jsonl")
    loaded = {name: max(row["id"] for row in rows) for name, rows in snapshot(source).items()}
    target = databases.postgresql()
    with target.app_context():
        transfer.load(tmp_path / "forum.jsonl")
        board = make_board()
        thread = make_thread(board=board, replies=1)
        post = make_post(thread=thread)
        edit(post.id, editor=make_user(), source="Changed my mind")
        revision = db.session.scalars(sa.select(PostRevision).order_by(PostRevision.id)).all()[-1]
        made = {
            "boards": board.id,
            "threads": thread.id,
            "posts": post.id,
            "post_revisions": revision.id,
            "users": db.session.scalar(sa.select(sa.func.max(User.id))),
        }
    # One board, one thread, three posts (two by new users), an edit by a third new user.
    assert made == {
        "boards": loaded["boards"] + 1,
        "threads": loaded["threads"] + 1,
        "posts": loaded["posts"] + 3,
        "post_revisions": loaded["post_revisions"] + 1,
        "users": loaded["users"] + 3,
    }


def test_a_dump_is_a_header_then_one_portable_json_line_per_row(ctx, tmp_path):
    board = make_board(presenters=["Ana Pérez"])
    make_thread(board=board)
    summary = transfer.dump(tmp_path / "forum.jsonl")
    lines = [
        json.loads(line) for line in (tmp_path / "forum.jsonl").read_text("utf-8").splitlines()
    ]
    header, rows, end = lines[0], lines[1:-1], lines[-1]

    with db.engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    assert header["format"] == "km4b-forum-dump" and header["version"] == 1
    assert header["alembic_revision"] == summary.revision == revision
    names = [table["name"] for table in header["tables"]]
    assert set(names) == set(db.metadata.tables) and "alembic_version" not in names
    assert names.index("threads") < names.index("posts") < names.index("post_revisions")
    assert end == {"end": summary.rows} and summary.rows["posts"] == 1
    assert {row["table"] for row in rows} == {"users", "boards", "threads", "posts"}
    dumped_board = next(row["row"] for row in rows if row["table"] == "boards")
    assert dumped_board["presenters"] == ["Ana Pérez"]
    assert dumped_board["webinar_date"] == "2023-09-05"
    assert dumped_board["created_at"].endswith("+00:00")
    assert datetime.fromisoformat(dumped_board["created_at"]) == board.created_at
    thread = next(row["row"] for row in rows if row["table"] == "threads")
    assert thread["is_pinned"] is False
    user = next(row["row"] for row in rows if row["table"] == "users")
    assert user["role"] == "member" and user["is_active"] is True


def test_a_dump_carries_logins_as_hashes_that_open_no_session(ctx, tmp_path):
    key = open_login(make_user())
    transfer.dump(tmp_path / "forum.jsonl")

    text = (tmp_path / "forum.jsonl").read_text("utf-8")

    assert key not in text
    lines = [json.loads(line) for line in text.splitlines()[1:-1]]
    [row] = [line["row"] for line in lines if line["table"] == "user_sessions"]
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()


def test_load_refuses_a_database_that_has_rows(ctx, tmp_path):
    make_thread(replies=1)
    transfer.dump(tmp_path / "forum.jsonl")
    with pytest.raises(ServiceError, match="This database is not empty") as refused:
        transfer.load(tmp_path / "forum.jsonl")
    assert all(name in refused.value.message for name in ("boards", "users", "threads", "posts"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 2


def test_load_refuses_a_dump_made_at_another_alembic_revision(ctx, tmp_path):
    make_thread()
    path = tmp_path / "forum.jsonl"
    transfer.dump(path)
    header, *rest = path.read_text("utf-8").splitlines(keepends=True)
    current = json.loads(header)["alembic_revision"]
    path.write_text(header.replace(current, "0123456789ab") + "".join(rest), "utf-8")

    with pytest.raises(ServiceError, match=f"revision 0123456789ab.* is at {current}"):
        transfer.load(path, replace=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 1


def test_load_with_replace_puts_back_exactly_the_dumped_forum(app, tmp_path):
    with app.app_context():
        make_thread(replies=2)
        transfer.dump(tmp_path / "forum.jsonl")
    dumped = snapshot(app)
    with app.app_context():
        make_thread(replies=3)
        make_user()
        transfer.load(tmp_path / "forum.jsonl", replace=True)
    assert snapshot(app) == dumped
    with app.app_context():
        thread = db.session.get_one(Thread, dumped["threads"][0]["id"])
        assert make_post(thread=thread).id == dumped["posts"][-1]["id"] + 1


def test_load_refuses_a_dump_cut_short_and_loads_nothing(ctx, databases, tmp_path):
    make_thread(replies=2)
    path = tmp_path / "forum.jsonl"
    transfer.dump(path)
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-2]), "utf-8")
    target = databases.sqlite()
    with target.app_context(), pytest.raises(ServiceError, match="incomplete"):
        transfer.load(path)
    assert not any(snapshot(target).values())


def test_load_refuses_a_file_that_is_not_a_dump(ctx, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes\n", "utf-8")
    with pytest.raises(ServiceError, match="is not a KM4B Forum dump"):
        transfer.load(path)


def test_the_dump_and_load_commands_move_a_forum(app, databases, tmp_path):
    with app.app_context():
        make_thread(replies=1)
    path = str(tmp_path / "forum.jsonl.gz")
    dumped = app.test_cli_runner().invoke(args=["forum", "dump", path])
    assert dumped.exit_code == 0, dumped.output
    assert f"5 rows of {len(db.metadata.tables)} tables written to {path}" in dumped.output

    target = databases.sqlite()
    runner = target.test_cli_runner()
    loaded = runner.invoke(args=["forum", "load", path])
    assert loaded.exit_code == 0, loaded.output
    assert snapshot(target) == snapshot(app)
    refused = runner.invoke(args=["forum", "load", path])
    assert refused.exit_code == 1 and "Error: This database is not empty" in refused.output
    replaced = runner.invoke(args=["forum", "load", "--replace", path])
    assert replaced.exit_code == 0, replaced.output
    assert snapshot(target) == snapshot(app)


class Action(enum.Enum):
    HIDE = 1
    RESTORE = 2


@pytest.fixture
def moderation_log() -> Iterator[sa.Table]:
    """A table the transfer code has never heard of, with a key to itself, as later ones have."""
    table = sa.Table(
        "transfer_test_moderation_log",
        db.metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="SET NULL")),
        sa.Column("undoes_id", sa.ForeignKey("transfer_test_moderation_log.id")),
        sa.Column("action", sa.Enum(Action), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    yield table
    db.metadata.remove(table)


def test_a_table_added_later_moves_too_even_with_a_key_to_itself(
    moderation_log, databases, tmp_path
):
    source, target = databases.sqlite(), databases.sqlite()
    for app in (source, target):
        with app.app_context():
            moderation_log.create(db.engine)
    with source.app_context():
        post = make_post()
        entry = {"action": Action.HIDE, "details": {"reason": "späm"}, "at": utcnow()}
        with db.engine.begin() as conn:
            conn.execute(moderation_log.insert(), {**entry, "id": 2, "post_id": post.id})
            # Row 1 points at row 2, which a load by key order inserts after it.
            undo = {"action": Action.RESTORE, "undoes_id": 2}
            conn.execute(moderation_log.insert(), {**entry, **undo, "id": 1, "post_id": None})
        transfer.dump(tmp_path / "forum.jsonl")
    with target.app_context():
        loaded = transfer.load(tmp_path / "forum.jsonl")
    assert loaded.rows["transfer_test_moderation_log"] == 2
    assert snapshot(target) == snapshot(source)
