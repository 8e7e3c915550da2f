"""python-markdown's link and image patterns, with scans that cannot run away.

The stock processors walk the text one character at a time from every `[` to its closing `]`,
and from every `](` to its closing `)`: a paragraph of unclosed brackets costs the square of
its length (8,000 `[` took 9 s). These subclasses find the same ends by jumping between the
characters that matter, and give up where no real link goes: link text nested deeper than
MAX_TEXT_DEPTH brackets, a destination longer than MAX_DESTINATION characters or holding more
than MAX_DESTINATION_MARKS brackets and quotes. Within those limits they give the stock result.
"""

from __future__ import annotations

import re
from typing import Any

import markdown
from markdown import inlinepatterns as ip

MAX_TEXT_DEPTH = 16
MAX_DESTINATION = 4096
MAX_DESTINATION_MARKS = 64

_BRACKETS = re.compile(r"[\[\]]")
_DESTINATION_MARKS = re.compile(r"""[()'"]""")
_TICKS = re.compile(r"`+")


class _Bounded:
    """getText and getLink of LinkInlineProcessor, bounded (mixed into each link pattern)."""

    RE_LINK: re.Pattern[str]

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        """Return the text up to the `]` closing the `[` before `index`, its end, and success."""
        depth = 1
        for m in _BRACKETS.finditer(data, index):
            depth += 1 if m.group() == "[" else -1
            if depth == 0:
                return data[index : m.start()], m.end(), True
            # Each `[` scans at most this deep, so all scans together stay linear.
            if depth > MAX_TEXT_DEPTH:
                break
        return "", index, False

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """Return href, title, end and success for the `(...)` at `index`, as the stock one."""
        m = self.RE_LINK.match(data, pos=index)
        if m and m.group(1):
            # [Text](<link> "title"): a regular expression without backtracking risk.
            title = m.group(2)[1:-1] if m.group(2) else None
            return self._finish(m.group(1)[1:-1], title, m.end(0), True)
        if not m:
            return "", None, index, False
        # The stock loop, run on a window that ends where no real destination reaches.
        return self._scan_destination(data, m.end(), min(len(data), m.end() + MAX_DESTINATION))

    def _scan_destination(
        self, data: str, start: int, end: int
    ) -> tuple[str, str | None, int, bool]:
        # The state machine of LinkInlineProcessor.getLink on data[:end], visiting only
        # ( ) ' " instead of every character. `last` is the last non-space character before
        # the current one: the previous mark, or a later character of the gap since it.
        count = backtrack = 1
        last_bracket = exit_quote = exit_alt = start_quote = start_alt = -1
        quote: str | None = None
        alt: str | None = None
        ignore = False
        gap_start, previous = start, ""
        for visited, mark in enumerate(_DESTINATION_MARKS.finditer(data, start, end)):
            if visited >= MAX_DESTINATION_MARKS:
                end = mark.start()
                break
            pos, c = mark.start(), mark.group()
            last = data[gap_start:pos].rstrip(" ")[-1:] or previous
            gap_start, previous = pos + 1, c
            if c == "(":
                if not ignore:
                    count += 1
                elif backtrack > 0:
                    backtrack -= 1
            elif c == ")":
                if (exit_quote != -1 and quote == last) or (exit_alt != -1 and alt == last):
                    count = 0
                elif not ignore:
                    count -= 1
                elif backtrack > 0:
                    backtrack -= 1
                    if backtrack == 0:
                        last_bracket = pos + 1
            elif not quote:
                ignore, backtrack, count = True, count, 1
                start_quote, quote = pos + 1, c
            elif c != quote and not alt:
                start_alt, alt = pos + 1, c
            elif c == quote:
                exit_quote = pos + 1
            elif alt and c == alt:
                exit_alt = pos + 1
            if count == 0:
                if exit_quote >= 0 and quote == last:
                    href, title = data[start : start_quote - 1], data[start_quote : exit_quote - 1]
                    return self._finish(href, title, pos + 1, True)
                if exit_alt >= 0 and alt == last:
                    href, title = data[start : start_alt - 1], data[start_alt : exit_alt - 1]
                    return self._finish(href, title, pos + 1, True)
                return self._finish(data[start:pos], None, pos + 1, True)
        if backtrack == 0:
            # The stock fallback: `[text](link"notitle)` ends at the bracket that balanced.
            return self._finish(data[start : last_bracket - 1], None, last_bracket, True)
        return "", None, end, False

    def _finish(
        self, href: str, title: str | None, index: int, handled: bool
    ) -> tuple[str, str | None, int, bool]:
        unescape: Any = getattr(self, "unescape")  # noqa: B009 (a method of the mixed-in class)
        if title is not None:
            title = ip.dequote(unescape(title.strip()))
            title = ip.LinkInlineProcessor.RE_TITLE_CLEAN.sub(" ", title)
        return unescape(href).strip(), title, index, handled


class _Link(_Bounded, ip.LinkInlineProcessor):
    pass


class _Image(_Bounded, ip.ImageInlineProcessor):
    pass


class _Reference(_Bounded, ip.ReferenceInlineProcessor):
    pass


class _ShortReference(_Bounded, ip.ShortReferenceInlineProcessor):
    pass


class _ImageReference(_Bounded, ip.ImageReferenceInlineProcessor):
    pass


class _ShortImageReference(_Bounded, ip.ShortImageReferenceInlineProcessor):
    pass


class _Backtick(ip.BacktickInlineProcessor):
    """Code spans found by jumping between runs of backticks, not walking every character."""

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        """Return where the code of the span opening at `start` begins and ends (None: no end)."""
        # The stock search, one step per run: each opener of a new length otherwise walked
        # the rest of the paragraph character by character.
        opening = _TICKS.match(text, start)
        max_ticks = len(opening.group()) if opening else 0
        start += max_ticks
        longest_span, end = 0, 0
        for run in _TICKS.finditer(text, start):
            span_length = len(run.group())
            if span_length == max_ticks:
                return start, run.start()
            if span_length > longest_span:
                longest_span, end = span_length, run.end()
        if 0 < longest_span < max_ticks:
            return start - (max_ticks - longest_span), end - longest_span
        return start + max_ticks, None


def bound_links(md: markdown.Markdown) -> None:
    """Replace the code, link and image patterns of `md` with bounded ones, in the same order."""
    replacements = {
        "reference": (_Reference, ip.REFERENCE_RE),
        "link": (_Link, ip.LINK_RE),
        "image_link": (_Image, ip.IMAGE_LINK_RE),
        "image_reference": (_ImageReference, ip.IMAGE_REFERENCE_RE),
        "short_reference": (_ShortReference, ip.REFERENCE_RE),
        "short_image_ref": (_ShortImageReference, ip.IMAGE_REFERENCE_RE),
    }
    patterns = md.inlinePatterns
    patterns.register(_Backtick(ip.BACKTICK_RE), "backtick", 190)
    for name, (cls, pattern) in replacements.items():
        priority = next(item.priority for item in patterns._priority if item.name == name)
        patterns.register(cls(pattern, md), name, priority)
