"""Fixtures: a fresh app on a real, migrated database for every test.

SQLite (default): the schema is migrated once into a template file, which each test copies.
PostgreSQL (FORUM_TEST_DATABASE_URL=postgresql+psycopg://...): a database of this run's own
is migrated once and every table is emptied after each test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer

from forum import create_app
from forum.db import db

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL", "").strip()


def _config(url: str, **extra: object) -> dict[str, object]:
    # Rate limits are off unless a test turns them on (tests/test_ratelimits.py does).
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_ENABLED": False,
        # Pre-moderation is off unless a test turns it on (tests/moderation/ do).
        "PREMODERATION_POSTS": 0,
        # Tests migrate databases themselves (web workers do not load the tooling).
        "MIGRATIONS": True,
        **extra,
    }


def _migrate(url: str) -> None:
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """Create and migrate a PostgreSQL database of this run's own; drop it at the end."""
    base = sa.make_url(PG_URL)
    name = f"forum_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "forum.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if PG_URL:
        return str(request.getfixturevalue("pg_database"))
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "forum.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def make_app(database_url: str) -> Iterator[object]:
    """Return a function that builds an app on this test's database with extra config."""
    apps: list[Flask] = []

    def build(**extra: object) -> Flask:
        app = create_app(_config(database_url, **extra))
        app.test_client_class = CSRFClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            if PG_URL:
                _empty_all_tables()
            db.engine.dispose()


def _empty_all_tables() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(make_app) -> Flask:  # type: ignore[no-untyped-def]
    return make_app()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context, for tests that call services and queries directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form, unless told csrf=False."""

    def csrf_token(self) -> str:
        # Flask-WTF keeps a raw token in the session and expects it signed in the form.
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", uuid.uuid4().hex)
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return str(serializer.dumps(raw))

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        # A test may hold an app context open (the `ctx` fixture) to use factories. Flask
        # would reuse it for the request, sharing `g`, the logged-in user and the database
        # session with the test. Hide it, so each request gets its own, as in production.
        hidden = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(hidden)

    def post(self, *args, csrf: bool = True, **kwargs):  # type: ignore[no-untyped-def,override]
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)):
            kwargs["data"] = {"csrf_token": self.csrf_token(), **(data or {})}
        return super().post(*args, **kwargs)
