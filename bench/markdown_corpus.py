"""Pathological Markdown: inputs built to make python-markdown or bleach work super-linearly.

Shared by the benchmark (`python -m bench.markdown`) and the test that bounds rendering
(tests/test_markup_bounds.py). Every case is cut to exactly the size asked for, so one corpus
probes the post size limit and smaller sizes show how a case grows.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Builder = Callable[[int], str]


def _repeat(unit: str) -> Builder:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _wrap(head: str, middle: str, tail: str) -> Builder:
    """`head` * k + middle + `tail` * k: deep nesting around one word."""

    def build(size: int) -> str:
        k = max(0, (size - len(middle)) // (len(head) + len(tail)))
        text = head * k + middle + tail * k
        return text + "a" * (size - len(text))

    return build


def _lines(make: Callable[[int], str]) -> Builder:
    """Lines made by `make(i)` until `size` characters."""

    def build(size: int) -> str:
        parts: list[str] = []
        total, i = 0, 0
        while total < size:
            line = make(i)
            parts.append(line)
            total += len(line)
            i += 1
        return "".join(parts)[:size]

    return build


def _backtick_runs(size: int) -> str:
    # Runs of 1, 2, 3 ... backticks never closed by a run of the same length: each opener
    # scans the rest of the paragraph.
    parts: list[str] = []
    total, n = 0, 1
    while total < size:
        parts.append("`" * n + " a ")
        total += n + 3
        n = n + 1 if n < 400 else 1
    return "".join(parts)[:size]


def _table(cell: str) -> Builder:
    def build(size: int) -> str:
        columns = 100
        head = "|" + f"{cell}|" * columns + "\n"
        rule = "|" + "-|" * columns + "\n"
        return (head + rule + head * (size // len(head) + 1))[:size]

    return build


def _references(size: int) -> str:
    definitions = _lines(lambda i: f'[r{i}]: https://example.org/{i} "t{i}"\n')(size // 2)
    uses = _lines(lambda i: f"[x][r{i}] ")(size - len(definitions) - 2)
    return uses + "\n\n" + definitions


def _interleaved(seed: int, alphabet: str) -> Builder:
    def build(size: int) -> str:
        rng = random.Random(seed)
        return "".join(rng.choice(alphabet) for _ in range(size))

    return build


def _fences(size: int) -> str:
    # Fences opened with lengths that never close, then code blocks of one line each.
    return _lines(lambda i: "`" * (3 + i % 5) + "x\n" + ("a\n" if i % 2 else ""))(size)


CASES: dict[str, Builder] = {
    # Runs of one opener or closer.
    "[": _repeat("["),
    "]": _repeat("]"),
    "![": _repeat("!["),
    "(": _repeat("("),
    ")": _repeat(")"),
    "`": _repeat("`"),
    "*": _repeat("*"),
    "_": _repeat("_"),
    "<": _repeat("<"),
    "&": _repeat("&"),
    "&#": _repeat("&#"),
    "\\": _repeat("\\"),
    "\\[": _repeat("\\["),
    "!": _repeat("!"),
    "|": _repeat("|"),
    "#": _repeat("#"),
    "-": _repeat("-"),
    "~": _repeat("~"),
    ":": _repeat(":"),
    ".": _repeat("."),
    "@": _repeat("@"),
    "space": _repeat(" "),
    "newline": _repeat("\n"),
    "tab": _repeat("\t"),
    "[ newline": _repeat("[\n"),
    # Openers that almost make something.
    "[(": _repeat("[("),
    "*a": _repeat("*a"),
    "**a": _repeat("**a"),
    "_a": _repeat("_a"),
    "__a": _repeat("__a"),
    "*a_": _repeat("*a_"),
    "[a](": _repeat("[a]("),
    "![a](": _repeat("![a]("),
    '[a](b "': _repeat('[a](b "'),
    "[a](<": _repeat("[a](<"),
    "[a][": _repeat("[a]["),
    "[a]": _repeat("[a]"),
    "](": _repeat("]("),
    "[]": _repeat("[]"),
    "[[]": _repeat("[[]"),
    "<http://": _repeat("<http://"),
    "<a@": _repeat("<a@"),
    "`a": _repeat("`a"),
    "`` a": _repeat("`` a"),
    "backtick runs 1..400": _backtick_runs,
    "a-": _repeat("a-"),
    "a.": _repeat("a."),
    "www.": _repeat("www."),
    "(http://a.org": _repeat("(http://a.org"),
    "http://a.org/(": lambda size: "http://a.org/" + "(" * (size - 13),
    # Nesting.
    "[[[a]]]": _wrap("[", "a", "]"),
    "((( a )))": _wrap("[a](", "b", ")"),
    "*** a ***": _wrap("*", "a", "*"),
    "_*_ a _*_": _wrap("_*", "a", "*_"),
    "** _ nested emphasis": _wrap("**a _b ", "c", " d_ e**"),
    "- - - a": _wrap("- ", "a", ""),
    "1. 1. a": _wrap("1. ", "a", ""),
    "> > > a": _wrap("> ", "a", ""),
    ">>> a": _wrap(">", "a", ""),
    "nested list lines": _lines(lambda i: "    " * (i % 300) + "- a\n"),
    "nested quote lines": _lines(lambda i: ">" * (i % 300) + " a\n"),
    "quote then list": _wrap("> - ", "a", ""),
    # Blocks, many of them in one run.
    "setext =": _repeat("a\n=\n"),
    "setext -": _repeat("a\n-\n"),
    "# headings": _repeat("# a\n"),
    "hr lines": _repeat("---\n"),
    "list items": _repeat("- a\n"),
    "ordered items": _repeat("1. a\n"),
    "quote lines": _repeat("> a\n"),
    "quote paragraphs": _repeat("> a\n\n"),
    "indented code": _repeat("    a\n"),
    "fences": _fences,
    "open fence": lambda size: "```\n" + "a\n" * ((size - 4) // 2),
    "hard breaks": _repeat("a  \n"),
    "table 1-char cells": _table("a"),
    "table empty cells": _table(""),
    "table one row": lambda size: "|a" * (size // 2),
    "many references": _references,
    # Many small, valid elements: linear, but a lot of them.
    "links": _repeat("[a](b)"),
    "emphasis": _repeat("*a* "),
    "code spans": _repeat("`a` "),
    "autolinks": _repeat("<http://a.org> "),
    "bare urls": _repeat("http://a.org "),
    "bare domains": _repeat("a.io "),
    "entities": _repeat("&amp;"),
    "escapes": _repeat("\\*"),
    # Long lines.
    "long word": _repeat("a"),
    "long url": lambda size: "https://example.org/" + "a" * (size - 20),
    "prose": _repeat("Knowledge management for biodiversity is shared here. "),
    # Interleavings of the risky characters.
    "interleaved brackets": _interleaved(1, "[]()!`*_a "),
    "interleaved openers": _interleaved(2, "[(![`*_<&>"),
    "interleaved lines": _interleaved(3, "[(`*_>-#|\n a"),
    "interleaved emphasis": _interleaved(4, "*_a "),
}


def _longest_start(text: str, fits: Callable[[str], bool]) -> str:
    """Return the longest start of `text` that `fits` (which must hold for every shorter one)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return text[:low]


def corpus(size: int, fits: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Return every pathological case, each exactly `size` characters long.

    With `fits` (whether the renderer still treats a text as Markdown, under its limit on
    markup), each case also comes cut to the longest start that fits and padded with plain
    text to `size` ("... at limit"): the most of each shape that is rendered as Markdown.
    """
    built: dict[str, str] = {}
    for name, build in CASES.items():
        # Builders may come out a little short or long: pad with plain text, then cut.
        text = (build(size) + "a" * size)[:size]
        built[name] = text
        if fits:
            built[f"{name} at limit"] = (_longest_start(text, fits) + "a" * size)[:size]
    return built
