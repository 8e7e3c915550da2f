"""Page numbers for long lists, computed from stored counters (no COUNT queries)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Request, abort

# A whole number, in ASCII digits ("²" and "٣" are digits to str.isdigit, not page numbers).
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# No list here comes near a millionth page; a longer number is not read (nor sent to SQL).
MAX_PAGE_DIGITS = 6


def page_arg(request: Request) -> int:
    """Return the page asked for; 1 when ?page= is missing or not a whole number at all.

    A whole number outside 1..999999 names a page that cannot exist: 404, like one past the
    last page.
    """
    value = request.args.get("page", "")
    if not _WHOLE_NUMBER.fullmatch(value):
        return 1
    if value.startswith("-") or len(value) > MAX_PAGE_DIGITS or int(value) < 1:
        abort(404)
    return int(value)


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def exists(self) -> bool:
        return 1 <= self.page <= self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def window(self, around: int = 2) -> list[int | None]:
        """Return the page numbers to link, with None where a gap is elided."""
        shown = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.pages)
        result: list[int | None] = []
        for n in numbers:
            if result and n - (result[-1] or 0) > 1:
                result.append(None)
            result.append(n)
        return result
