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


def test_web_workers_do_not_load_the_migration_tooling(tmp_path):
    # Alembic costs every worker ~12 MB; only commands and tests need it.
    import os
    import subprocess
    import sys

    code = "import sys, wsgi; print('alembic' in sys.modules, 'flask_migrate' in sys.modules)"
    env = {**os.environ, "FORUM_SECRET_KEY": "k" * 40,
           "FORUM_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"], out.stderr
