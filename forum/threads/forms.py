"""Forms for starting threads, replying and editing posts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.threads.models import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN

_body_help = (
    "Markdown works: **bold**, *italic*, [link](https://…), lists, > quotes, "
    "```code``` and tables. HTML is shown as text."
)


def _title_field() -> StringField:
    return StringField(
        "Title",
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


class NewThreadForm(FlaskForm):
    title = _title_field()
    body = _body_field("Your message")


class ReplyForm(FlaskForm):
    body = _body_field("Your reply")


class EditPostForm(FlaskForm):
    body = _body_field("Text")


class EditFirstPostForm(FlaskForm):
    title = _title_field()
    body = _body_field("Text")
