"""Forms for starting threads, replying and editing posts."""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from forum.threads.models import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN

_body_help = (
    "Markdown works: **bold**, *italic*, [link](https://…), lists, > quotes, "
    "```code``` and tables. HTML is shown as text."
)


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _title_field() -> StringField:
    return StringField(
        "Title",
        # Lengths are checked on the title as it will be stored, without surrounding spaces.
        filters=[_strip],
        validators=[
            DataRequired(message="Please give the thread a title."),
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


class NewThreadForm(FlaskForm):
    title = _title_field()
    body = _body_field("Your message")
    submission = _submission_field()


class ReplyForm(FlaskForm):
    body = _body_field("Your reply")
    submission = _submission_field()


class EditPostForm(FlaskForm):
    body = _body_field("Text")


class EditFirstPostForm(FlaskForm):
    title = _title_field()
    body = _body_field("Text")
