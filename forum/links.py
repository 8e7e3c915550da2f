"""Links from the routes: fast paths for long lists, and absolute URLs from FORUM_BASE_URL.

`url_for` costs ~4-5 µs a call, as much per 100 links as a whole bare page. `path_for` builds
each endpoint's pattern ONCE with `url_for` (placeholders for its arguments, so a route's
rename or a mount prefix is followed), then formats it for every item at f-string speed.
tests/test_links.py checks every helper against `url_for`. Everywhere else (views, single
links on a page) use `url_for` itself.

Templates get them as filters, which Jinja calls directly (a global goes through
Context.call, ~1.5 µs more a link): `'moderation.hide_post'|path(post_id=post.id)`, and for
the links of every list `post.id|post_path`, `name|user_path`, `slug|board_path`,
`thread|thread_path` (an object with `id` and `slug`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.routing.converters import NumberConverter

# Werkzeug's BaseConverter.to_url: the characters a path segment keeps unquoted.
_SEGMENT_SAFE = "!$&'()*+,/:;=@"
# Placeholders no route's own text contains: a number for <int:...>, letters for the rest.
_NUMBER_MARK = 1_987_654_300
_TEXT_MARK = "zzlinkmark"


class LinkError(RuntimeError):
    """A link cannot be built as configured."""


@lru_cache(maxsize=4096)
def _quote_text(value: str) -> str:
    # Cached: the same names and slugs recur on a page and across pages.
    return quote(value, safe=_SEGMENT_SAFE)


def _text(value: Any) -> str:
    return _quote_text(str(value))


def _number(value: Any) -> str:
    return str(int(value))


Builder = Callable[..., str]


def _compile(endpoint: str, names: tuple[str, ...]) -> Builder:
    """Return a function of the route's arguments (in `names` order) that builds its path."""
    numeric: set[str] = set()
    for rule in current_app.url_map.iter_rules(endpoint):
        # Rule._converters: the converter of each argument (Werkzeug has no public accessor).
        for name, converter in rule._converters.items():
            if isinstance(converter, NumberConverter):
                numeric.add(name)
    marks: dict[str, Any] = {
        name: _NUMBER_MARK + i if name in numeric else f"{_TEXT_MARK}{i}z"
        for i, name in enumerate(names)
    }
    text = url_for(endpoint, **marks)
    found = {i: text.find(str(marks[name])) for i, name in enumerate(names)}
    for i, name in enumerate(names):
        if found[i] < 0 or text.count(str(marks[name])) != 1:
            raise LinkError(f"{endpoint}: argument {name!r} is not one path segment")
    order = sorted(found, key=found.__getitem__)  # the arguments as the path has them
    parts: list[str] = []
    for i in order:
        before, text = text.split(str(marks[names[i]]))
        parts.append(before)
    parts.append(text)
    steps = [(i, _number if names[i] in numeric else _text) for i in order]
    if not names:
        return lambda: parts[0]
    if len(names) == 1:
        (head, tail), ((_, c),) = parts, steps
        return lambda v: head + c(v) + tail
    if len(names) == 2:
        (head, mid, tail), ((i0, c0), (i1, c1)) = parts, steps
        return lambda *a: head + c0(a[i0]) + mid + c1(a[i1]) + tail

    def build(*args: Any) -> str:
        out = [parts[0]]
        for (i, c), part in zip(steps, parts[1:], strict=True):
            out += (c(args[i]), part)
        return "".join(out)

    return build


def make_path_for(app: Flask) -> Builder:
    """Return path_for for `app`: its patterns are built on first use, then kept."""
    builders: dict[tuple[str, ...], Builder] = {}

    def path_for(endpoint: str, /, **values: Any) -> str:
        """Return the path `url_for(endpoint, **values)` builds, at f-string speed.

        For per-item links in long lists; every value must be a path argument of the route.
        """
        key = (endpoint, *values)
        build = builders.get(key)
        if build is None:
            build = builders[key] = _compile(endpoint, key[1:])
        return build(*values.values())

    return path_for


def _named(endpoint: str, *names: str) -> Builder:
    """Return a builder of `endpoint`'s path from its arguments `names`, compiled on first use."""
    build: Builder | None = None

    def helper(*values: Any) -> str:
        nonlocal build
        if build is None:
            build = _compile(endpoint, names)
        return build(*values)

    return helper


def path_for(endpoint: str, /, **values: Any) -> str:
    """The current app's path_for (see make_path_for), for Python code building many links."""
    build: Builder = current_app.extensions["forum.links"]
    return build(endpoint, **values)


def base_url() -> str:
    """Return the site's address, without a trailing slash: FORUM_BASE_URL; without it, in
    debug and tests only, the current request's; else raise LinkError (a worker, the CLI)."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if (current_app.debug or current_app.testing) and has_request_context():
        return request.url_root.rstrip("/")
    raise LinkError(
        "FORUM_BASE_URL must be set to the forum's public address (for example "
        "https://forum.example.org) to build absolute links for emails and feeds"
    )


def external_url(endpoint: str, /, **values: Any) -> str:
    """Return the absolute URL of `endpoint` for an email or a feed, on base_url().

    Works in a request and outside one (a worker, the CLI) alike: the path is built from
    the routes relative to the forum's root, which base_url() names, prefix included.
    """
    base = base_url()
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path


def init_app(app: Flask) -> dict[str, Callable[..., str]]:
    """Give the app its path builders (compiled on first use); return the templates' filters,
    which forum.templating registers with the others."""
    app.extensions["forum.links"] = path = make_path_for(app)
    thread = _named("threads.show", "thread_id", "slug")
    return dict(
        path=path,
        post_path=_named("threads.permalink", "post_id"),
        user_path=_named("accounts.profile", "username"),
        board_path=_named("boards.show", "slug"),
        thread_path=lambda t: thread(t.id, t.slug),
    )
