"""Glue between forms and services shared by every package's views."""

from __future__ import annotations

from flask_wtf import FlaskForm

from forum.errors import ServiceError


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
