"""Addresses no row could answer are refused before any view or query runs.

The converters replace Werkzeug's own `int` and `string` (`default`), so every route, present
and future, gets them without a change to its declaration; the query string is checked once
for every request.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

# The id columns are INTEGER: PostgreSQL refuses a larger number (int4) with an error, and
# SQLite's driver one past 2^63 with an OverflowError, instead of finding no row.
MAX_ID = 2**31 - 1


def parse_id(text: str) -> int | None:
    """Return the row id `text` names (1 to MAX_ID, ASCII digits), or None: for ids that come
    in a query string, such as ?quote=, as the converter below does for paths."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a row id, 1 to MAX_ID, in ASCII digits."""

    # Werkzeug's \d also matches other scripts' digits, which int() accepts (/t/١ is /t/1).
    regex = r"[0-9]+"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> Any:
        # Refuse an over-long number before int() has to read thousands of digits.
        if len(value) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """`<name>` in every route: a path segment without a NUL, which PostgreSQL cannot compare."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


def refuse_nul_in_query() -> None:
    """Answer 400 to a NUL in the query string: searches and filters send it to the database."""
    if any("\x00" in key + value for key, value in request.args.items(multi=True)):
        abort(400)


def init_app(app: Flask) -> None:
    """Replace the converters and check query strings; call before any route is added."""
    app.url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter)
    app.before_request(refuse_nul_in_query)
