"""What every template can use: permission predicates, dates, fingerprinted asset URLs,
the log's action labels and the reason's length (REASON_MAX, for `maxlength`)."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from functools import cache

from flask import Flask

from forum.audit import action_label
from forum.permissions import TEMPLATE_PREDICATES
from forum.reasons import REASON_MAX


def format_datetime(value: datetime | None) -> str:
    """Return a UTC time as people across time zones read it unambiguously."""
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


def format_date(value: date | None) -> str:
    return value.strftime("%d %B %Y").lstrip("0") if value else "date to be announced"


def init_app(app: Flask) -> None:
    static_folder = app.static_folder or ""

    @cache
    def asset_url(filename: str) -> str:
        # The URL changes with the content, so a proxy may cache static files for a year.
        with open(os.path.join(static_folder, filename), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:12]
        return f"/static/{filename}?v={digest}"

    app.jinja_env.globals.update(TEMPLATE_PREDICATES, asset_url=asset_url, REASON_MAX=REASON_MAX)
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["action_label"] = action_label
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
