"""The only place HTML is made from user text: Markdown, then a bleach allowlist.

The result is stored beside the source when a post is written; pages print it as is.
Change the allowlist here, then run `flask forum rerender` to apply it to stored posts.
Rendering is bounded in time by forum.markup_limits and forum.markup_links (see
bench/markdown.py for the figures).
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markdown.treeprocessors import Treeprocessor

from forum.markup_limits import (
    BlockBreaks,
    FenceLimit,
    NestingLimit,
    plain_html,
    too_complex,
    url_re,
)
from forum.markup_links import bound_links

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "blockquote", "pre", "code",
        "em", "strong", "del", "sub", "sup",
        "ul", "ol", "li",
        "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
        "a",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, Any] = {
    "a": ["href", "title", "rel"],
    "ol": ["start"],
    "th": ["align"],
    "td": ["align"],
    "code": lambda tag, name, value: name == "class" and value.startswith("language-"),
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]
# Column alignment as the allowlisted `align` attribute (a `style` one would be stripped).
_EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}


class _ImagesAsLinks(Treeprocessor):
    """Turn images into plain links: pages stay light and load nothing from elsewhere."""

    def run(self, root: Any) -> None:
        for img in root.iter("img"):
            src, alt = img.get("src", ""), img.get("alt", "") or "image"
            img.clear()
            img.tag = "a"
            img.set("href", src)
            img.text = f"[image: {alt}]"


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS, output_format="html"
    )
    md.treeprocessors.register(_ImagesAsLinks(md), "images_as_links", 0)
    md.preprocessors.register(FenceLimit(md), "fence_limit", 26)
    # After fenced code is set aside (priority 25), so code is never touched.
    md.preprocessors.register(NestingLimit(md), "nesting_limit", 24)
    md.preprocessors.register(BlockBreaks(md), "block_breaks", 23)
    bound_links(md)
    # No raw HTML passes: without these two steps Markdown leaves HTML in place;
    # with them removed it is escaped and shown as text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _set_rel(attrs: dict[Any, str], new: bool = False) -> dict[Any, str] | None:
    attrs[(None, "rel")] = LINK_REL
    return attrs


# Links are made in the cleaning pass: a separate Linker.linkify() escapes the text of
# skipped tags a second time (code showed "&lt;"), and its own URL pattern would link
# schemes the allowlist refuses (such as "data:").
_linkify = partial(
    LinkifyFilter,
    callbacks=[_set_rel],
    skip_tags={"pre", "code"},
    parse_email=False,
    url_re=url_re(ALLOWED_PROTOCOLS),
)
# bleach's Cleaner is not thread-safe: each thread (threaded servers, tests) gets its own.
_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_linkify],
        )
    return cleaner


def render(source: str) -> str:
    """Return sanitised HTML for the Markdown `source`."""
    if too_complex(source):
        # Rendering this much markup would hold a worker for seconds: show it as typed.
        return plain_html(source)
    return clean(convert(source))


def convert(source: str) -> str:
    """Return the HTML python-markdown makes of `source` (not yet sanitised)."""
    html = _markdown().convert(source)
    # Headings h1/h2 would compete with the page's own; shift them down to h3.
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    return html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")


def clean(html: str) -> str:
    """Return `html` reduced to the allowlist, with links made and marked."""
    return _cleaner().clean(html)
