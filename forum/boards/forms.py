"""The forms of a board: hosts edit their webinar's details; administrators add a webinar
(the same fields, with its number and title) and announce its title. And the local-time
fields they share.

A time is typed as a date, a time of day and an IANA time zone (what hosts announce the
webinar in) and stored in UTC; forum.threads.forms uses the same fields to schedule questions.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any
from zoneinfo import TZPATH, ZoneInfo, available_timezones

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from forum.boards.models import TITLE_MAX, Board
from forum.boards.services import (
    LINK_MAX,
    NUMBER_MAX,
    PRESENTER_MAX,
    PRESENTERS_MAX,
    RESOURCES_MAX,
    SUMMARY_MAX,
    is_web_link,
)
from forum.forms import ForumForm, strip
from forum.reasons import reason_field

# The regions of the IANA database people live in (leaves out Etc/GMT+5, posixrules...).
_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe",
            "Indian", "Pacific")  # fmt: skip


def _places() -> set[str]:
    """Return the IANA names of places: one per zone and country (zone.tab), without the
    old aliases (Asia/Calcutta, Europe/Kiev...); every known name if that file is missing."""
    for directory in TZPATH:
        try:
            with open(os.path.join(directory, "zone.tab"), encoding="utf-8") as table:
                rows = [line.split("\t") for line in table if not line.startswith("#")]
        except OSError:
            continue
        return {row[2].strip() for row in rows if len(row) > 2}
    return available_timezones()


@cache
def zone_choices() -> dict[str, list[tuple[str, str]]]:
    """Return the time zones offered, grouped by region (each group an <optgroup>)."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sorted(_places()):
        region, _, place = name.partition("/")
        if region in _REGIONS and place:
            groups[region].append((name, place.replace("_", " ")))
    return {"UTC": [("UTC", "UTC")], **groups}


@cache
def zone_names() -> frozenset[str]:
    return frozenset(name for group in zone_choices().values() for name, _ in group)


def offered_zone(name: str) -> str:
    """Return `name` if the list offers it, else UTC (a zone set outside these forms)."""
    return name if name in zone_names() else "UTC"


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """Return the UTC moment of a wall-clock time in `zone`.

    Raise ValueError for a time the clocks skip when they go forward in that zone.
    """
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    moment = local.astimezone(UTC)
    if moment.astimezone(local.tzinfo).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError(f"The clocks go forward then: {at:%H:%M} does not exist in {zone}.")
    return moment


def in_zone(moment: datetime, zone: str) -> datetime:
    """Return a stored (UTC) time as the wall-clock time of `zone`."""
    return moment.astimezone(ZoneInfo(zone))


class _DateField(DateField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Please give the date as YYYY-MM-DD, e.g. 2025-09-05.") from error


class _TimeField(TimeField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                "Please give the time as HH:MM on a 24-hour clock, e.g. 14:30."
            ) from error


def date_field(label: str, description: str = "") -> DateField:
    return _DateField(label, validators=[Optional()], description=description)


def time_field(label: str, description: str = "") -> TimeField:
    return _TimeField(label, validators=[Optional()], description=description)


def zone_field(label: str = "Time zone") -> SelectField:
    return SelectField(
        label,
        choices=zone_choices,
        default="UTC",
        description="Where the time above is the local time, e.g. Africa/Accra.",
    )


def combine(day: Field, at: Field, zone: Field, *, day_alone: bool = False) -> datetime | None:
    """Return the UTC moment typed in three fields, None if date and time are both empty
    (or, with `day_alone`, if only the date is given).

    Put any complaint next to the field it concerns and return None.
    """
    if day.errors or at.errors or zone.errors:
        return None
    if day.data is None and at.data is None:
        return None
    if day.data is None:
        day.errors.append("Please give the date too, or leave the time empty.")
        return None
    if at.data is None:
        if not day_alone:
            at.errors.append("Please give the time too, or leave the date empty.")
        return None
    try:
        return local_to_utc(day.data, at.data, zone.data)
    except ValueError as error:
        at.errors.append(str(error))
        return None


def _web_link(form: FlaskForm, field: Field) -> None:
    if field.data and not is_web_link(field.data):
        raise ValidationError("Please give a web address starting with https:// or http://.")


def _link_field(label: str, description: str) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[Optional(), Length(max=LINK_MAX), _web_link],
        description=description,
        render_kw={"type": "url", "inputmode": "url"},
    )


class BoardForm(ForumForm):
    # Set by validate(): the start in UTC, None when no time of day is given.
    starts_at: datetime | None = None

    summary = TextAreaField(
        "Summary",
        filters=[strip],
        validators=[Length(max=SUMMARY_MAX, message=f"At most {SUMMARY_MAX:,} characters.")],
    )
    presenters = TextAreaField(
        "Presenters",
        description="One per line, e.g. “Ama Mensah, Ghana Biodiversity Network”.",
    )
    start_date = date_field(
        "Date", "The day of the webinar where it is held. Empty: date to be announced."
    )
    start_time = time_field("Start time", "24-hour clock, in the time zone below. Optional.")
    timezone = zone_field()
    recording_url = _link_field("Recording link", "The address of the video, once online.")
    slides_url = _link_field("Slides link", "The address of the slides.")
    resources = TextAreaField(
        "Resources",
        validators=[Length(max=RESOURCES_MAX, message=f"At most {RESOURCES_MAX:,} characters.")],
        description="Further reading and links, in Markdown: - [Title](https://…) on each line.",
    )

    @classmethod
    def for_board(cls, board: Board) -> BoardForm:
        """Return the form filled in with the board's details (a POST fills it from the request)."""
        zone = offered_zone(board.timezone)
        local = in_zone(board.starts_at, zone) if board.starts_at else None
        return cls(
            data={
                "summary": board.summary,
                "presenters": "\n".join(board.presenters or []),
                "start_date": local.date() if local else board.webinar_date,
                "start_time": local.time().replace(second=0, microsecond=0) if local else None,
                "timezone": zone,
                "recording_url": board.recording_url,
                "slides_url": board.slides_url,
                "resources": board.resources,
            }
        )

    def validate_presenters(self, field: Field) -> None:
        names = self.presenter_list()
        if len(names) > PRESENTERS_MAX:
            raise ValidationError(f"At most {PRESENTERS_MAX} presenters.")
        if any(len(name) > PRESENTER_MAX for name in names):
            raise ValidationError(f"At most {PRESENTER_MAX} characters on each line.")

    def presenter_list(self) -> list[str]:
        lines = (self.presenters.data or "").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        self.starts_at = combine(self.start_date, self.start_time, self.timezone, day_alone=True)
        return valid and not (self.start_date.errors or self.start_time.errors)

    def details(self) -> dict[str, Any]:
        """Return the fields for forum.boards.services.update_details (after validate())."""
        return {
            "summary": self.summary.data or "",
            "presenters": self.presenter_list(),
            "webinar_date": self.start_date.data,
            "starts_at": self.starts_at,
            "timezone": self.timezone.data,
            "recording_url": self.recording_url.data or "",
            "slides_url": self.slides_url.data or "",
            "resources": self.resources.data or "",
        }


# --- an administrator adds a webinar, or announces its title -----------------------------


class _NumberField(IntegerField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Please give the webinar's number in digits, e.g. 11.") from error


def _title_field(description: str, *validators: Any) -> StringField:
    return StringField(
        "Title",
        filters=[strip],
        validators=[
            *validators,
            Length(max=TITLE_MAX, message=f"At most {TITLE_MAX} characters."),
        ],
        description=description,
        render_kw={"maxlength": TITLE_MAX},
    )


class NewBoardForm(BoardForm):
    """A new webinar's board: its number (which makes its address) and title, then the
    details hosts edit later, with the same fields."""

    number = _NumberField(
        "Webinar number",
        validators=[
            InputRequired(message="Please give the webinar's number."),
            NumberRange(1, NUMBER_MAX, message=f"Please give a number from 1 to {NUMBER_MAX}."),
        ],
        description="Its place in the series; the board's address is /b/webinar-<number>.",
        render_kw={"inputmode": "numeric"},
    )
    title = _title_field("Leave empty while the title is to be announced.")


class TitleForm(ForumForm):
    title = _title_field(
        "As the organisers announce it, without “Webinar N:”.",
        DataRequired(message="Please give the title."),
    )


class CloseForm(ForumForm):
    reason = reason_field("Reason (recorded in the moderation log; optional)", multiline=True)
