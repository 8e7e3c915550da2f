"""Limits that keep rendering a post bounded in time, whatever its Markdown.

python-markdown and bleach spend a few tens of microseconds on every element they make, and a
few of their steps grow with the square of a run of markup (measured in bench/markdown.py).
So: the super-linear shapes are defused (deep nesting, many headings and rules, many
unclosed fences, a URL pattern that restarted at every character of a run; link, image and
code-span scans are bounded in forum.markup_links), and a post with more markup characters
than MAX_MARKS is shown as plain paragraphs instead of being rendered. An ordinary post
meets none of these limits and renders exactly as python-markdown renders it.
"""

from __future__ import annotations

import bisect
import html
import re

from bleach.linkifier import TLDS
from markdown.preprocessors import Preprocessor

# Characters that can open an element or an entity in Markdown or HTML. A long post of prose
# holds a few hundred; 50,000 characters of dense markup would cost seconds to render.
MARK_CHARACTERS = "[]()`*_<>&|\\#!=~-\n"
# Line breaks and table cells cost about twice what the rest does, so they count twice.
DOUBLE_MARKS = "|\n"
MAX_MARKS = 6_000
# Lists and quotes deeper than this on one line become text (python-markdown recurses on
# each level and fails past a thousand).
MAX_NESTING = 12
# Past this many fence lines, fences that never close are defused: python-markdown looks for
# the closing line of each from where it opens to the end of the post.
MAX_FENCES = 64
# Headings and rules start a new block; beyond this many in a post each is given a blank
# line after it, or every one of them re-splits the rest of its block (quadratic).
MAX_BLOCK_BREAKERS = 64


def mark_count(source: str) -> int:
    """Return how many markup characters `source` holds."""
    return sum(source.count(c) for c in MARK_CHARACTERS + DOUBLE_MARKS)


def too_complex(source: str) -> bool:
    """Whether `source` holds too much markup to render in bounded time."""
    return mark_count(source) > MAX_MARKS


def plain_html(source: str) -> str:
    """Return `source` as escaped plain paragraphs: safe by construction, linear in time."""
    paragraphs = re.split(r"\n[ \t]*\n", source.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(
        "<p>" + html.escape(p.strip("\n"), quote=True).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
        if p.strip()
    )


# One container marker of a line: a quote, or a list bullet or number followed by a space.
_CONTAINER = r"(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*"
_TOO_DEEP = re.compile(
    rf"^([ \t]*(?:{_CONTAINER}){{{MAX_NESTING}}})(>|[-*+](?=[ \t])|\d{{1,9}}(?=[.)][ \t]))"
)
# ATX headings, setext underlines and rules (as python-markdown finds them), at the top
# level or inside quotes.
_BLOCK_BREAKER = re.compile(
    r"^((?:[ ]{0,3}>[ ]?)*)(?:#|=+[ ]*$|-+[ ]*$|[ ]{0,3}([-*_])[ ]{0,2}(?:\2[ ]{0,2}){2,}$)"
)


class NestingLimit(Preprocessor):
    """Escape the container marker past MAX_NESTING on a line, so the rest is plain text."""

    def run(self, lines: list[str]) -> list[str]:
        return [_TOO_DEEP.sub(_escape_marker, line) for line in lines]


def _escape_marker(m: re.Match[str]) -> str:
    marker = m.group(2)
    # Escaping a number's dot ("12\.") stops it starting a list, as a backslash does a bullet.
    if marker.isdigit():
        return m.group(1) + marker + "\\"
    return m.group(1) + "\\" + marker


class BlockBreaks(Preprocessor):
    """Past MAX_BLOCK_BREAKERS headings and rules, end each one's block with a blank line."""

    def run(self, lines: list[str]) -> list[str]:
        if sum(1 for line in lines if _BLOCK_BREAKER.match(line)) <= MAX_BLOCK_BREAKERS:
            return lines
        out: list[str] = []
        for line in lines:
            out.append(line)
            m = _BLOCK_BREAKER.match(line)
            if m:
                # Inside a quote the blank line keeps the quote's markers.
                out.append(m.group(1).rstrip())
        return out


# The opening line of a fenced block, as the fenced_code extension matches it.
_FENCE_OPENER = re.compile(
    r"""^(?P<fence>~{3,}|`{3,})[ ]*((\{[^\n]*\})|(\.?[\w#.+-]*[ ]*)?(hl_lines=("|').*?\6[ ]*)?)$"""
)
_FENCE_CLOSER = re.compile(r"^(~{3,}|`{3,})[ ]*$")


class FenceLimit(Preprocessor):
    """Past MAX_FENCES fence lines, indent each opening fence that no line closes."""

    def run(self, lines: list[str]) -> list[str]:
        fences = sum(1 for line in lines if line.startswith(("```", "~~~")))
        if fences <= MAX_FENCES:
            return lines
        # Where each closing line is, by its fence: an opener looks up the next one after it.
        closers: dict[str, list[int]] = {}
        for i, line in enumerate(lines):
            m = _FENCE_CLOSER.match(line)
            if m:
                closers.setdefault(m.group(1), []).append(i)
        out = list(lines)
        i = 0
        while i < len(lines):
            m = _FENCE_OPENER.match(lines[i])
            if m:
                after = closers.get(m.group("fence"), [])
                j = bisect.bisect_right(after, i)
                if j < len(after):
                    i = after[j] + 1  # a fenced block: nothing inside it is looked at
                    continue
                # One leading space: no longer a fence, and invisible in a paragraph.
                out[i] = " " + lines[i]
            i += 1
        return out


def url_re(protocols: frozenset[str]) -> re.Pattern[str]:
    """Return bleach's URL pattern without its two quadratic restarts.

    bleach's own begins with `\\(*` and may start inside a hyphenated word, so a run of "(" or
    of "a-" is rescanned from each of its characters (8,000 "(" took a second to clean).
    Here at most one "(" leads a URL, and a URL starts only after a character that
    is neither part of a word nor "@", "." or "-".
    """
    return re.compile(
        r"""\(?  # One opening parenthesis, kept with the URL to be balanced by bleach.
        \b(?<![@.\-\w])(?:(?:{}):/{{0,3}}(?:(?:\w+:)?\w+@)?)?  # http://
        ([\w-]+\.)+(?:{})(?:\:[0-9]+)?(?!\.\w)\b   # xx.yy.tld(:##)?
        (?:[/?][^\s\{{\}}\|\\\^`<>"]*)?  # /path/zz
        """.format("|".join(sorted(protocols)), "|".join(sorted(TLDS))),
        re.IGNORECASE | re.VERBOSE | re.UNICODE,
    )
