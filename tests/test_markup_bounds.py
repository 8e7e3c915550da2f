"""Rendering is bounded: no post up to the size limit holds a worker, crashes, or renders wrong.

The timings themselves are the benchmark's (`make bench-markdown`, budget 0.5 s a post);
here one generous CPU bound catches a return of the super-linear cases (minutes before).
"""

from __future__ import annotations

import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import markdown
import pytest
from markdown import inlinepatterns as ip

from bench.markdown_corpus import corpus
from forum import markup
from forum.accounts.models import User
from forum.db import db
from forum.markup_limits import MAX_MARKS, BlockBreaks, FenceLimit, too_complex, url_re
from forum.threads.models import BODY_MAX, Post
from tests.factories import log_in, make_post, make_thread, make_user

# Far above the 0.5 s budget (a few hundredths on a quiet machine), far below the minutes
# these inputs took before.
GENEROUS_CPU_SECONDS = 5.0
LINK = 'rel="nofollow ugc noopener"'


class TooSlow(Exception):
    pass


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Raise TooSlow inside the block once this process has used `seconds` more of CPU."""

    def stop(signum: int, frame: object) -> None:
        raise TooSlow(f"more than {seconds} s of CPU")

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def bounded_render(source: str) -> str:
    """Render `source`, failing the test (briefly) on a runaway or a crash."""
    try:
        with cpu_limit(GENEROUS_CPU_SECONDS):
            return markup.render(source)
    except (TooSlow, RecursionError) as error:
        # Without a traceback: one of a RecursionError is too deep for pytest to print.
        pytest.fail(f"{type(error).__name__} rendering {source[:40]!r}...", pytrace=False)


CORPUS = corpus(BODY_MAX, fits=lambda text: not too_complex(text))


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_every_pathological_post_at_the_size_limit_renders_in_bounded_time(case: str) -> None:
    source = CORPUS[case]
    assert len(source) == BODY_MAX
    if case.endswith(" at limit"):
        assert not too_complex(source), "cut to the limit: rendered as Markdown, not plain text"
    html = bounded_render(source)
    # Only blank input renders to nothing.
    assert bool(html.strip()) == bool(source.strip())


def test_the_corpus_covers_the_shapes_the_review_named() -> None:
    for case in ["[", "![", "(", "`", "*", "_", "<", "&", "fences", "setext =", "[(", "*a"]:
        assert case in CORPUS and f"{case} at limit" in CORPUS
    for case in ["- - - a", "> > > a", "long word", "table 1-char cells", "many references"]:
        assert case in CORPUS
    assert len(CORPUS) >= 150


# --- The shapes, one by one, with what they must render to ---------------------------------


def test_a_deeply_nested_one_line_list_renders_instead_of_crashing() -> None:
    # 20 levels: python-markdown recursed once per level and failed past a thousand; past 12
    # the markers are text.
    html = bounded_render("- " * 20 + "a")
    assert html.count("<ul>") == 12
    assert "- - - - - - - - a" in html


def test_a_post_of_deeply_nested_lists_renders() -> None:
    html = bounded_render(("- " * 500 + "a\n\n") * 10)
    # Each line's markers past the nesting limit are text, ending in its "a".
    assert html.count("- - a") == 10
    assert html.count("<ul>") == html.count("</ul>") > 0


def test_unclosed_brackets_under_the_markup_limit_render_as_typed() -> None:
    source = "[" * (MAX_MARKS - 10) + " a"
    html = bounded_render(source)
    assert html == f"<p>{source}</p>"


def test_unclosed_link_destinations_render_as_typed() -> None:
    source = "[a](" * ((MAX_MARKS - 10) // 3)
    html = bounded_render(source)
    assert html == f"<p>{source}</p>"


def test_many_unclosed_fences_render_as_python_markdown_renders_them() -> None:
    # Fences that never close are text (their backticks pair into code spans); the only
    # difference is a space at the start of their lines, which a browser does not show.
    source = "".join(f"```x{i}\nline {i}\n" for i in range(200))
    html = bounded_render(source)
    assert "<pre>" not in html
    assert html.replace("\n ", "\n") == markup.clean(_stock_markdown().convert(source))


def test_fences_that_close_still_make_code_past_the_fence_limit() -> None:
    source = "".join(f"```\ncode {i} [\n```\n\n" for i in range(100)) + "```\nopen\n"
    html = markup.render(source)
    assert html.count("<pre><code>") == 100
    assert "<pre><code>code 99 [\n</code></pre>" in html


def test_past_the_fence_limit_only_fences_that_never_close_are_indented() -> None:
    # Each unclosed fence made python-markdown search to the end of the post for its close.
    md = markup._markdown()
    closed = ["```", "a", "```", "~~~~", "b", "~~~~"] * 20  # 80 fence lines
    assert FenceLimit(md).run(closed + ["```x", "c"]) == closed + [" ```x", "c"]
    assert FenceLimit(md).run(closed[:90] + ["```x", "c"]) == closed[:90] + ["```x", "c"]
    assert md.preprocessors.get_index_for_name("fence_limit") < md.preprocessors.get_index_for_name(
        "fenced_code_block"
    )


def test_past_the_limit_each_heading_and_rule_ends_its_block() -> None:
    # Each one re-split the rest of its block: quadratic in the number of them.
    md = markup._markdown()
    lines = ["# a", "b", "c", "===", "> # q", "---"] * 20  # 80 headings and rules
    expected = ["# a", "", "b", "c", "===", "", "> # q", ">", "---", ""] * 20
    assert BlockBreaks(md).run(lines) == expected
    assert BlockBreaks(md).run(lines[:96]) == lines[:96]  # 64 of them


def test_many_headings_and_rules_still_render_as_such() -> None:
    html = markup.render("# a\n" * 100 + "b\n===\n" * 100 + "---\n" * 100)
    assert html == "\n".join(["<h3>a</h3>"] * 100 + ["<h3>b</h3>"] * 100 + ["<hr>"] * 100)


def test_a_post_with_too_much_markup_is_shown_as_plain_escaped_text() -> None:
    source = "<b>bold</b> & [x](javascript:alert(1))\n" + "|" * MAX_MARKS + "\n\nend"
    html = markup.render(source)
    assert html == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &amp; [x](javascript:alert(1))<br>\n"
        + "|" * MAX_MARKS
        + "</p>\n<p>end</p>"
    )


def test_a_long_run_of_parentheses_or_hyphens_is_linkified_in_linear_time() -> None:
    pattern = url_re(frozenset({"http", "https"}))
    with cpu_limit(GENEROUS_CPU_SECONDS):
        assert pattern.search("(" * BODY_MAX) is None
        assert pattern.search("a-" * (BODY_MAX // 2)) is None


# --- Ordinary posts, with their HTML written out by hand ----------------------------------

GOLDEN = [
    (
        "Hello *world*, see [CBD](https://www.cbd.int/).",
        f'<p>Hello <em>world</em>, see <a href="https://www.cbd.int/" {LINK}>CBD</a>.</p>',
    ),
    (
        "Agenda:\n\n- Welcome\n- Talks\n\n1. First\n2. Second",
        "<p>Agenda:</p>\n<ul>\n<li>Welcome</li>\n<li>Talks</li>\n</ul>\n"
        "<ol>\n<li>First</li>\n<li>Second</li>\n</ol>",
    ),
    (
        "Run `pip install x`:\n\n```bash\necho hi > out.txt\n```",
        "<p>Run <code>pip install x</code>:</p>\n"
        '<pre><code class="language-bash">echo hi &gt; out.txt\n</code></pre>',
    ),
    (
        "# Notes\n\n> Shared *knowledge*\n> grows.",
        "<h3>Notes</h3>\n<blockquote>\n<p>Shared <em>knowledge</em>\ngrows.</p>\n</blockquote>",
    ),
    (
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>",
    ),
    (
        "(see https://example.org/page) and well-known.org",
        f'<p>(see <a href="https://example.org/page" {LINK}>https://example.org/page</a>)'
        f' and <a href="http://well-known.org" {LINK}>well-known.org</a></p>',
    ),
    (
        '[a [nested] link](https://example.org/a_(b) "The title") and ![map](/m.png)',
        f'<p><a href="https://example.org/a_(b)" title="The title" {LINK}>a [nested] link</a>'
        f' and <a href="/m.png" {LINK}>[image: map]</a></p>',
    ),
    (
        "Use ``a ` tick`` and [ref][1].\n\n[1]: https://example.org/r",
        f'<p>Use <code>a ` tick</code> and <a href="https://example.org/r" {LINK}>ref</a>.</p>',
    ),
]


@pytest.mark.parametrize(("source", "expected"), GOLDEN)
def test_ordinary_posts_render_as_written_by_hand(source: str, expected: str) -> None:
    assert markup.render(source) == expected


def _stock_markdown() -> markdown.Markdown:
    """The forum's Markdown with python-markdown's own code, link and image patterns."""
    md = markup._markdown()
    for name in ("nesting_limit", "block_breaks", "fence_limit"):
        md.preprocessors.deregister(name)
    stock = [
        (ip.BacktickInlineProcessor(ip.BACKTICK_RE), "backtick", 190),
        (ip.ReferenceInlineProcessor(ip.REFERENCE_RE, md), "reference", 170),
        (ip.LinkInlineProcessor(ip.LINK_RE, md), "link", 160),
        (ip.ImageInlineProcessor(ip.IMAGE_LINK_RE, md), "image_link", 150),
        (ip.ImageReferenceInlineProcessor(ip.IMAGE_REFERENCE_RE, md), "image_reference", 140),
        (ip.ShortReferenceInlineProcessor(ip.REFERENCE_RE, md), "short_reference", 130),
        (ip.ShortImageReferenceInlineProcessor(ip.IMAGE_REFERENCE_RE, md), "short_image_ref", 125),
    ]
    for pattern, name, priority in stock:
        md.inlinePatterns.register(pattern, name, priority)
    return md


def _fuzz(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "[]()\"'` !*\na<:/.\\"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(count)]


@pytest.mark.parametrize("seed", range(4))
def test_bounded_patterns_give_python_markdowns_own_result_on_short_inputs(seed: int) -> None:
    # python-markdown itself is the oracle: within the limits the bounded scans must agree.
    inputs = _fuzz(seed, 500) + [s + "\n\n[r]: https://e.org/ 'T'" for s in _fuzz(seed, 100)]
    for source in inputs:
        expected = _stock_markdown().convert(source)
        assert markup._markdown().convert(source) == expected, source


def test_links_with_quotes_and_parentheses_match_python_markdown() -> None:
    cases = [
        '[a](b "c")',
        "[a](b 'c')",
        '[a](b "c (d)")',
        '[a](<b c> "d")',
        '[a](b"c)',
        '[a](b "c" d)',
        '[a](b "c" )',
        "[a](b (c) d)",
        "[a](b)(c)",
        '[a](b "c\'d")',
        "[a](b 'c\" )",
        "[a]( b )",
        "[a](((b)))",
        "![x](y 'z') [a][] [b]\n\n[a]: /a\n[b]: /b \"B\"",
    ]
    for source in cases:
        assert markup._markdown().convert(source) == _stock_markdown().convert(source), source


# --- Through HTTP ---------------------------------------------------------------------------


def test_a_reply_of_fifty_thousand_brackets_is_stored_not_a_server_error(client, ctx) -> None:
    thread = make_thread()
    log_in(client, make_user())
    body = "[" * BODY_MAX
    with cpu_limit(GENEROUS_CPU_SECONDS):
        response = client.post(f"/t/{thread.id}/reply", data={"body": body})
    assert response.status_code == 302
    reply = db.session.scalars(db.select(Post).where(Post.source == body)).one()
    assert reply.html == f"<p>{body}</p>"


def test_an_edit_to_ten_thousand_brackets_is_stored_not_a_server_error(client, ctx) -> None:
    post = make_post(body="Original")
    author = db.session.get(User, post.author_id)
    log_in(client, author)
    body = "[(" * 5_000
    with cpu_limit(GENEROUS_CPU_SECONDS):
        response = client.post(f"/p/{post.id}/edit", data={"body": body})
    assert response.status_code == 302
    db.session.refresh(post)
    assert post.source == body
    assert post.html == f"<p>{body}</p>"
