"""Page numbers for long lists, computed from stored counters (no COUNT queries)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request


def page_arg(request: Request) -> int:
    """Return the requested page number; anything that is not a positive number is page 1."""
    value = request.args.get("page", "1")
    # isdigit() alone accepts "²", which int() refuses; only ASCII digits are page numbers.
    is_number = value.isascii() and value.isdigit() and 0 < len(value) < 7
    return int(value) if is_number and int(value) > 0 else 1


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
