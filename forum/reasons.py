"""A moderator's reason (for a lock, a hiding, a sanction, a log entry): one home for its rule.

Its length is used by every column that stores a reason, every form that asks for one, the
log that records it and the templates' `maxlength` (Jinja global REASON_MAX); its messages
are worded once.
"""

from __future__ import annotations

from typing import Any

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.errors import ServiceError
from forum.forms import strip

REASON_MAX = 500
REASON_REQUIRED = "Please give a reason."
REASON_TOO_LONG = f"A reason has at most {REASON_MAX} characters."


def clean_reason(reason: str | None, *, required: bool = False, field: str = "reason") -> str:
    """Return the reason without surrounding spaces; refuse one that is missing or too long."""
    text = (reason or "").strip()
    if required and not text:
        raise ServiceError(REASON_REQUIRED, field=field)
    if len(text) > REASON_MAX:
        raise ServiceError(REASON_TOO_LONG, field=field)
    return text


def reason_field(
    label: str, *, required: bool = False, multiline: bool = False, description: str = ""
) -> Any:
    """Return a form field for a reason, checked as clean_reason checks it."""
    validators: list[Any] = [
        Length(max=REASON_MAX, message=REASON_TOO_LONG),
    ]
    if required:
        validators.insert(0, DataRequired(message=REASON_REQUIRED))
    kind = TextAreaField if multiline else StringField
    return kind(label, filters=[strip], validators=validators, description=description)
