"""Forms for starting threads, replying and editing posts."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from forum.boards.forms import combine, date_field, time_field, zone_field
from forum.db import utcnow
from forum.forms import ForumForm, strip
from forum.threads.models import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN

_body_help = (
    "Markdown works: **bold**, *italic*, [link](https://…), lists, > quotes, "
    "```code``` and tables. HTML is shown as text."
)


def title_field(
    label: str = "Title", required: str = "Please give the thread a title."
) -> StringField:
    """A thread title: the one rule for its length, wherever a title is typed."""
    return StringField(
        label,
        # Lengths are checked on the title as it will be stored, without surrounding spaces.
        filters=[strip],
        validators=[
            DataRequired(message=required),
            Length(
                min=TITLE_MIN,
                max=TITLE_MAX,
                message=f"A title has {TITLE_MIN} to {TITLE_MAX} characters.",
            ),
        ],
    )


def _body_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(message="Please write something."),
            Length(
                min=BODY_MIN,
                max=BODY_MAX,
                message=f"A post has {BODY_MIN} to {BODY_MAX:,} characters.",
            ),
        ],
        description=_body_help,
    )


def _submission_field() -> HiddenField:
    # A fresh random id each time the form is shown; sending the same form twice sends the
    # same id, and the service then returns the first post instead of making a second.
    return HiddenField(
        default=lambda: secrets.token_hex(16),
        validators=[Optional(), Regexp(r"^[0-9a-f]{32}$", message="Please send the form again.")],
    )


class NewThreadForm(ForumForm):
    title = title_field()
    body = _body_field("Your message")
    submission = _submission_field()


class _AppearAtForm(ForumForm):
    """A host's question appears at a date and time typed in a time zone (stored in UTC)."""

    appear_date = date_field("Date")
    appear_time = time_field("Time", "24-hour clock, in the time zone below.")
    appear_timezone = zone_field()
    # Set by validate(): when the question appears, in UTC (None: at once).
    publish_at: datetime | None = None

    def _validate_appear_at(self, *, required: bool) -> bool:
        fields = (self.appear_date, self.appear_time, self.appear_timezone)
        self.publish_at = combine(*fields)
        if any(f.errors for f in fields):
            return False
        if self.publish_at is None:
            if required:
                self.appear_date.errors.append("Please give the date and time it appears.")
            return not required
        if self.publish_at <= utcnow():
            self.appear_time.errors.append(
                "That time has passed: pick a later one, or leave date and time empty to "
                "publish it now."
                if not required
                else "That time has passed: pick a later one, or use “Publish now”."
            )
            return False
        return True


class QuestionForm(NewThreadForm, _AppearAtForm):
    """A host's discussion question, published at once or at the time given."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self._validate_appear_at(required=False) and valid


class RescheduleForm(_AppearAtForm):
    """A new time for a scheduled question to appear."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self._validate_appear_at(required=True) and valid


class ReplyForm(ForumForm):
    body = _body_field("Your reply")
    submission = _submission_field()


class EditPostForm(ForumForm):
    body = _body_field("Text")


class EditFirstPostForm(ForumForm):
    title = title_field()
    body = _body_field("Text")
