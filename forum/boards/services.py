"""Board use cases: load the KM4B webinar series."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

import sqlalchemy as sa

from forum.boards.models import Board
from forum.db import db

# A copy of the KM4B series shipped inside the package (a user's clone has no ../shared).
SERIES_FILE = "km4b_webinars.json"


def read_series() -> dict[str, Any]:
    """Return the KM4B webinar series as shipped with the package."""
    text = resources.files("forum.boards").joinpath(SERIES_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def webinar_slug(number: int) -> str:
    return f"webinar-{number}"


def load_km4b(series: dict[str, Any] | None = None) -> tuple[int, int]:
    """Create a board per webinar and fill in fields still empty; return (created, updated).

    Idempotent, and never overwrites what is already set (a host may have edited it).
    """
    series = series or read_series()
    existing = {b.number: b for b in db.session.scalars(sa.select(Board))}
    created = updated = 0
    for webinar in series["webinars"]:
        fields = _board_fields(webinar)
        board = existing.get(webinar["number"])
        if board is None:
            db.session.add(Board(number=webinar["number"], **fields))
            created += 1
            continue
        changed = {k: v for k, v in fields.items() if v and not getattr(board, k)}
        for key, value in changed.items():
            setattr(board, key, value)
        updated += bool(changed)
    db.session.commit()
    return created, updated


def _board_fields(webinar: dict[str, Any]) -> dict[str, Any]:
    attendance = webinar.get("attendance") or {}
    title = webinar.get("title") or None
    return {
        # Stable whatever the title: links keep working once webinars 8-10 are announced.
        "slug": webinar_slug(webinar["number"]),
        "title": title,
        "webinar_date": date.fromisoformat(webinar["date"]) if webinar.get("date") else None,
        "summary": webinar.get("summary") or "",
        "presenters": list(webinar.get("presenters") or []),
        "attendance_note": attendance.get("note", ""),
        "recording_url": webinar.get("recording_url") or "",
        "slides_url": webinar.get("slides_url") or "",
    }
