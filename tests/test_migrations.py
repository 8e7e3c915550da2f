"""The schema is made only by migrations: they must build exactly what the models describe.

These tests migrate a database of their own from empty (a new SQLite file, or a new PostgreSQL
database when FORUM_TEST_DATABASE_URL is set), not the suite's already-migrated one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from forum import create_app
from forum.db import db
from tests.conftest import PG_URL, _config

CORE_TABLES = {"users", "boards", "threads", "posts", "post_revisions"}


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of this test's own, dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    base = sa.make_url(PG_URL)
    name = f"forum_migrations_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_app(empty_database: str) -> Iterator[Flask]:
    """An app on the empty database, inside its app context."""
    app = create_app(_config(empty_database))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _differences() -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_the_database_under_test_is_the_one_the_suite_runs_on(empty_app):
    assert db.engine.dialect.name == ("postgresql" if PG_URL else "sqlite")
    assert _tables() == set()


def test_migrations_build_exactly_the_models_from_an_empty_database(empty_app):
    upgrade()
    assert CORE_TABLES <= _tables()
    assert _differences() == []


def test_every_migration_goes_down_one_step_at_a_time_and_back_up(empty_app):
    upgrade()
    seen = [_revision()]
    while seen[-1] is not None:
        downgrade(revision="-1")
        seen.append(_revision())
        assert seen[-1] not in seen[:-1], f"downgrade went in a circle: {seen}"
    assert len(seen) - 1 == len(list(Path("migrations/versions").glob("*.py")))
    assert _tables() <= {"alembic_version"}
    # Going down left nothing behind (on PostgreSQL: enum types) that stops the way back up.
    upgrade()
    assert _differences() == []
    assert CORE_TABLES <= _tables()


def test_the_database_refuses_a_row_whose_parent_does_not_exist(empty_app):
    upgrade()
    db.engine.dispose()  # a new connection, as a web worker opens, not the migration's own
    insert = sa.text(
        "INSERT INTO post_revisions (post_id, editor_name, source, created_at)"
        " VALUES (:post_id, 'ada', 'text', CURRENT_TIMESTAMP)"
    )
    with pytest.raises(sa.exc.IntegrityError, match="(?i)foreign key"):
        with db.engine.begin() as conn:
            conn.execute(insert, {"post_id": 999_999})


@pytest.mark.skipif(bool(PG_URL), reason="SQLite settings: this run is on PostgreSQL")
def test_sqlite_runs_in_wal_mode_with_foreign_keys(ctx):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_web_workers_do_not_load_the_migration_tooling(tmp_path):
    # Alembic costs every worker ~12 MB; only commands and tests need it.
    code = "import sys, wsgi; print('alembic' in sys.modules, 'flask_migrate' in sys.modules)"
    env = {**os.environ, "FORUM_SECRET_KEY": "k" * 40,
           "FORUM_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"], out.stderr
