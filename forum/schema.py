"""Schema migrations (Flask-Migrate and Alembic), loaded only where they are used.

Alembic with Mako and Pygments adds ~12 MB and 0.2 s to a process: `flask db ...` and the
other commands get it, web workers do not. MIGRATIONS=True (or False) overrides the choice.
"""

from __future__ import annotations

import click
from flask import Flask

from forum.db import db
from forum.resources import resource_dir


def wanted(app: Flask) -> bool:
    """Whether this process needs the migration tooling: a command is running, or config says so."""
    setting = app.config.get("MIGRATIONS", "auto")
    if setting == "auto":
        return click.get_current_context(silent=True) is not None
    return setting in (True, 1, "1", "true")


def init_app(app: Flask) -> None:
    if not wanted(app):
        return
    from flask_migrate import Migrate

    Migrate(app, db, directory=resource_dir("migrations"), render_as_batch=True)
