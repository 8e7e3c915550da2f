"""The base of every form, and glue between forms and services shared by every package."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from forum.errors import ServiceError

NUL_MESSAGE = (
    "This contains a NUL character (shown as \ufffd), which cannot be stored. "
    "Please remove it and send again."
)


class ForumForm(FlaskForm):
    """Base of every form: refuses text with a NUL character, before any validator sees it.

    PostgreSQL refuses NUL in text with an error (a 500 page), SQLite stores it silently; a
    NUL is never typed, only pasted or sent by a script. One check here covers every field of
    every form, including those a later change adds.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        refused = [field for field in self if _has_nul(field.raw_data)]
        if not refused:
            return bool(super().validate(extra_validators))
        for field in refused:
            field.errors = [NUL_MESSAGE]
            if field.type == "HiddenField":  # nobody sees a hidden field's message
                self.form_errors.append(NUL_MESSAGE)
            # Give the text back as typed, with the NUL made visible (a page cannot carry it).
            field.raw_data = [_visible(value) for value in field.raw_data]
            if isinstance(field.data, str):
                field.data = _visible(field.data)
        return False


def _has_nul(raw_data: list[Any] | None) -> bool:
    return any(isinstance(value, str) and "\x00" in value for value in raw_data or ())


def _visible(value: Any) -> Any:
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's refusal next to the field it concerns (or above the form)."""
    field = form._fields.get(error.field or "")
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_status(form: FlaskForm) -> int:
    """Return 422 when a submitted form was refused (clients and tests can tell), else 200."""
    return 422 if form.errors else 200


def strip(value: str | None) -> str | None:
    """WTForms filter: drop surrounding spaces, so lengths are checked on what is stored."""
    return value.strip() if value else value
