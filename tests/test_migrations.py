"""The schema is made only by migrations: they must build exactly what the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from forum.db import db


def _differences() -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def test_migrations_build_exactly_the_models(ctx):
    assert _differences() == []


def test_migrations_go_down_to_empty_and_back_up(ctx):
    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _differences() == []
    assert {"users", "boards", "threads", "posts", "post_revisions"} <= set(
        sa.inspect(db.engine).get_table_names()
    )


def test_sqlite_runs_in_wal_mode_with_foreign_keys(ctx):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
