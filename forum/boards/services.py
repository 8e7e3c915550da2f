"""Board use cases: load the KM4B webinar series; administrators add a webinar and announce
its title; hosts edit their webinar's details. (Closing a board: forum.boards.closing.)"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from forum import audit, markup
from forum.boards.models import TITLE_MAX, Board
from forum.db import db
from forum.errors import ServiceError

if TYPE_CHECKING:
    from forum.accounts.models import User

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


# --- a host edits the webinar's details -------------------------------------------------

SUMMARY_MAX = 5_000
PRESENTERS_MAX = 20
PRESENTER_MAX = 200
RESOURCES_MAX = 20_000
LINK_MAX = 500  # the column's length

# What update_details() may change, in the order the log lists them.
EDITABLE = (
    "summary",
    "presenters",
    "webinar_date",
    "starts_at",
    "timezone",
    "recording_url",
    "slides_url",
    "resources",
)


def is_web_link(url: str) -> bool:
    """Whether `url` is an absolute http(s) address (no javascript:, data: or relative ones)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in url)
        and len(url) <= LINK_MAX
    )


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _check(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not a board detail: {', '.join(sorted(unknown))}")
    # PostgreSQL refuses NUL in text (a 500); nobody types one on purpose.
    for name in ("summary", "resources"):
        _refuse_nul(fields.get(name) or "", name)
    for presenter in fields.get("presenters") or ():
        _refuse_nul(presenter, "presenters")
    for name in ("recording_url", "slides_url"):
        if fields.get(name) and not is_web_link(fields[name]):
            raise ServiceError("Please give a web address starting with https://.", field=name)
    if "timezone" in fields and not _is_time_zone(fields["timezone"]):
        raise ServiceError("Please choose a time zone from the list.", field="timezone")
    starts_at = fields.get("starts_at")
    if starts_at is not None and starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")


def update_details(board: Board, actor: User | None, **fields: Any) -> list[str]:
    """Change the webinar's details given (those named in EDITABLE) and log the change.

    Return the names of the fields that changed (none: nothing written, nothing logged).
    Resources are Markdown; their HTML is made here, once.
    """
    _check(fields)
    if isinstance(fields.get("starts_at"), datetime):
        fields["starts_at"] = fields["starts_at"].astimezone(UTC)
    if "presenters" in fields:
        fields["presenters"] = list(fields["presenters"])
    changed = [name for name in EDITABLE if name in fields and getattr(board, name) != fields[name]]
    if not changed:
        return []
    for name in changed:
        setattr(board, name, fields[name])
    if "resources" in changed:
        board.resources_html = markup.render(board.resources) if board.resources.strip() else ""
    audit.record(
        actor,
        "edit_board",
        target_type="board",
        target_id=board.id,
        board_id=board.id,
        details={"fields": changed},
    )
    db.session.commit()
    return changed


def _refuse_nul(text: str, field: str) -> None:
    if "\x00" in text:
        raise ServiceError("Please remove the NUL character from the text.", field=field)


# --- an administrator adds a webinar, or announces its title -----------------------------

NUMBER_MAX = 9_999  # far beyond the series; keeps a typo from making webinar 1000000


def clean_title(title: str | None) -> str | None:
    """Return the title without surrounding spaces, None for "to be announced" (empty)."""
    text = (title or "").strip()
    _refuse_nul(text, "title")
    if len(text) > TITLE_MAX:
        raise ServiceError(f"A title has at most {TITLE_MAX} characters.", field="title")
    return text or None


def create_board(
    actor: User | None, *, number: int, title: str | None = None, **details: Any
) -> Board:
    """Add the board of webinar `number` (slug webinar-<number>) and log it.

    `title` empty or None: to be announced. `details` are those update_details() takes.
    `actor` is None for a command run on the server.
    """
    if not 1 <= number <= NUMBER_MAX:
        raise ServiceError(f"Please give a number from 1 to {NUMBER_MAX}.", field="number")
    title = clean_title(title)
    _check(details)
    if isinstance(details.get("starts_at"), datetime):
        details["starts_at"] = details["starts_at"].astimezone(UTC)
    resources_text = details.get("resources") or ""
    board = Board(
        number=number,
        slug=webinar_slug(number),
        title=title,
        **{**details, "presenters": list(details.get("presenters") or [])},
        resources_html=markup.render(resources_text) if resources_text.strip() else "",
    )
    db.session.add(board)
    try:
        # The unique constraints decide (no check-then-insert): the flush gives the id to log.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise _taken(number) from None
    audit.record(
        actor,
        "create_board",
        target_type="board",
        target_id=board.id,
        board_id=board.id,
        details={"number": number, "title": title or "to be announced"},
    )
    db.session.commit()
    return board


def _taken(number: int) -> ServiceError:
    """Say which unique value was taken (looked up only to word the message)."""
    if db.session.scalar(sa.select(Board.id).where(Board.number == number)) is not None:
        return ServiceError(f"Webinar {number} has a board already.", field="number")
    return ServiceError(
        f"Another board has the address /b/{webinar_slug(number)} already.", field="number"
    )


def set_title(board: Board, actor: User | None, title: str | None) -> bool:
    """Announce the webinar's title, or change it; return whether it changed (and was logged)."""
    new = clean_title(title)
    if new is None:
        raise ServiceError("Please give the title.", field="title")
    before = board.title
    if new == before:
        return False
    board.title = new
    audit.record(
        actor,
        "change_title" if before else "announce_title",
        target_type="board",
        target_id=board.id,
        board_id=board.id,
        details={"title": new, "before": before} if before else {"title": new},
    )
    db.session.commit()
    return True
