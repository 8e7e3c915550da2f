"""Error pages in the site's layout, and the error services raise for bad input."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from forum.db import db

# Fields never echoed back on an error page: secrets, and hidden fields nobody typed.
_SECRET_FIELDS = {
    "csrf_token", "password", "current_password", "new_password", "confirm", "submission"
}  # fmt: skip

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
}


class ServiceError(Exception):
    """A use case refused its input; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _typed_text() -> list[tuple[str, str]]:
    """Return what the person typed into a refused form, so it is never lost."""
    if request.method != "POST":
        return []
    try:
        form = request.form
    except Exception:  # an over-long or broken body cannot be read back
        return []
    # A NUL cannot be shown in a page: give it back visible (as forum.forms does).
    return [
        (k, v.replace("\x00", "\ufffd"))
        for k, v in form.items(multi=True)
        if k not in _SECRET_FIELDS and v.strip()
    ]


def _render(code: int, message: str) -> Response:
    # The request failed: nothing it began is kept, and the page (its header loads the user
    # and moderators' queue counts) must not run into a transaction a failed statement broke.
    db.session.rollback()
    page = render_template(
        "errors/error.html",
        code=code,
        title=TITLES.get(code, "Error"),
        message=message,
        typed=_typed_text(),
    )
    return make_response(page, code)


def handle_csrf(error: CSRFError) -> ResponseReturnValue:
    return _render(
        400,
        "The form had expired or did not come from this site, so nothing was saved. "
        "Your text is below: copy it, go back, reload the page and send it again.",
    )


def handle_http(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    messages = {
        403: "You are not allowed to do that.",
        404: "There is nothing here. The page may have moved or been removed.",
        413: "What you sent is larger than this forum accepts (256 KiB). "
        "Please shorten it and send it again.",
        429: "You are doing that too often. Please wait a moment and try again.",
        500: "The forum hit an error it did not expect. It has been logged; please try again.",
    }
    response = _render(code, messages.get(code, error.description or ""))
    # Keep what the raiser set, such as Allow on a 405 or Retry-After on a 429.
    extra = [*error.get_headers(), *(error.response.headers.items() if error.response else [])]
    for name, value in extra:
        if name in ("Allow", "Retry-After"):
            response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    # Covers 500 too: Flask hands unhandled exceptions to it as InternalServerError
    # (outside testing, where they propagate so that tests see the traceback).
    app.register_error_handler(HTTPException, handle_http)
