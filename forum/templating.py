"""What every template can use, registered here only: permission predicates, dates and
times (in UTC and in a board's time zone), time-zone choices, fingerprinted asset URLs,
the log's action labels and the reason's length (REASON_MAX, for `maxlength`)."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from functools import cache

from flask import Flask

from forum import links
from forum.audit import action_label
from forum.boards.forms import in_zone, zone_choices
from forum.permissions import TEMPLATE_PREDICATES
from forum.reasons import REASON_MAX


def format_datetime(value: datetime | None) -> str:
    """Return a UTC time as people across time zones read it unambiguously."""
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


def format_date(value: date | None) -> str:
    return value.strftime("%d %B %Y").lstrip("0") if value else "date to be announced"


def in_zone_or_none(moment: datetime | None, zone: str) -> datetime | None:
    """A stored UTC time as the wall-clock time of `zone` (a board's time zone)."""
    return in_zone(moment, zone) if moment else None


def format_zoned_datetime(moment: datetime | None, zone: str) -> str:
    """Format a stored UTC time in `zone`: 5 September 2025, 14:00 Europe/Brussels (UTC+02:00)."""
    if moment is None:
        return ""
    local = in_zone(moment, zone)
    offset = local.strftime("%z")
    return f"{local.day} {local:%B %Y, %H:%M} {zone} time (UTC{offset[:3]}:{offset[3:]})"


def init_app(app: Flask) -> None:
    """Register every filter and global templates use (this is their only registration)."""
    static_folder = app.static_folder or ""

    @cache
    def asset_url(filename: str) -> str:
        # The URL changes with the content, so a proxy may cache static files for a year.
        with open(os.path.join(static_folder, filename), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:12]
        return f"/static/{filename}?v={digest}"

    app.jinja_env.globals.update(
        TEMPLATE_PREDICATES,
        asset_url=asset_url,
        REASON_MAX=REASON_MAX,
        time_zone_choices=zone_choices,
    )
    app.jinja_env.filters.update(
        datetime=format_datetime,
        date=format_date,
        in_zone=in_zone_or_none,
        zoned_datetime=format_zoned_datetime,
        action_label=action_label,
    )
    # Fast per-item paths: post_path, user_path, board_path, thread_path and 'endpoint'|path.
    app.jinja_env.filters.update(links.init_app(app))
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
