"""Links come from the routes: path_for agrees with url_for, and no path is typed by hand."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask, url_for

from forum import create_app
from forum.config import ConfigError
from forum.links import LinkError, base_url, external_url, path_for

ROOT = Path(__file__).resolve().parent.parent
NUMBERS = [1, 42, 2**31 - 1]
TEXTS = ["plain-slug", "Ünïcödé-ключ-名前", "a b&c=d;e@f!$'()*+,:", "100%?#~", "RTL-\u202eשלום"]


def _app(**extra: object) -> Flask:
    # No database is touched: links need only the routes.
    config = {"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    return create_app({**config, **extra})


def _sample_values(app: Flask) -> list[tuple[str, dict[str, object]]]:
    """Every route with arguments, each filled with sample numbers and texts in turn."""
    samples = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments:
            continue
        names = sorted(rule.arguments)
        numeric = {n for n, c in rule._converters.items() if c.__class__.__name__ == "IdConverter"}
        pools = [NUMBERS if n in numeric else TEXTS for n in names]
        for values in itertools.product(*pools):
            samples.append((rule.endpoint, dict(zip(names, values, strict=True))))
    return samples


def test_path_for_builds_what_url_for_builds_for_every_route_and_sample():
    app = _app()
    samples = _sample_values(app)
    assert len({endpoint for endpoint, _ in samples}) > 40  # every route, not a few
    with app.test_request_context("/"):
        for endpoint, values in samples:
            assert path_for(endpoint, **values) == url_for(endpoint, **values), endpoint


def test_the_template_filters_build_what_url_for_builds():
    app = _app()
    render = app.jinja_env.from_string(
        "{{ e|path(**v) }} {{ n|post_path }} {{ s|user_path }} {{ s|board_path }}"
        " {{ t|thread_path }} {{ 'boards.index'|path }}"
    ).render
    with app.test_request_context("/"):
        for n, s in itertools.product(NUMBERS, TEXTS):
            thread = SimpleNamespace(id=n, slug=s)
            expected = [
                url_for("moderation.revoke_board_role", username=s, board_id=n, kind=s),
                url_for("threads.permalink", post_id=n),
                url_for("accounts.profile", username=s),
                url_for("boards.show", slug=s),
                url_for("threads.show", thread_id=n, slug=s),
                url_for("boards.index"),
            ]
            values = {"username": s, "board_id": n, "kind": s}
            got = render(e="moderation.revoke_board_role", v=values, n=n, s=s, t=thread)
            # Jinja escapes what it prints (& and ' stay legal in a path); compare unescaped.
            assert html.unescape(got).split(" ") == expected


def test_path_for_follows_the_mount_prefix_of_the_deployment():
    app = _app()
    with app.test_request_context("/", base_url="http://example.org/forum"):
        assert (
            path_for("threads.permalink", post_id=7)
            == "/forum/p/7"
            == url_for("threads.permalink", post_id=7)
        )


def test_external_url_comes_from_forum_base_url_inside_and_outside_a_request():
    app = _app(BASE_URL="https://forum.example.org/km4b/")
    with app.app_context():  # a worker or a command: no request
        assert external_url("threads.permalink", post_id=5) == "https://forum.example.org/km4b/p/5"
        assert base_url() == "https://forum.example.org/km4b"
    with app.test_request_context("/", base_url="http://evil.example/"):
        # The configured address wins over a request's Host header.
        assert external_url("accounts.profile", username="Zoë") == (
            "https://forum.example.org/km4b/u/Zo%C3%AB"
        )


def test_without_base_url_tests_and_debug_use_the_request_host():
    app = _app()
    with app.test_request_context("/", base_url="http://127.0.0.1:5000/"):
        assert external_url("threads.permalink", post_id=5) == "http://127.0.0.1:5000/p/5"


def test_without_base_url_a_worker_or_command_gets_a_clear_error():
    app = _app()
    with app.app_context(), pytest.raises(LinkError, match="FORUM_BASE_URL"):
        external_url("threads.permalink", post_id=5)


def test_without_base_url_production_refuses_to_trust_the_request_host():
    app = create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context("/"), pytest.raises(LinkError, match="FORUM_BASE_URL"):
        external_url("threads.permalink", post_id=5)


@pytest.mark.parametrize(
    "value", ["forum.example.org", "ftp://forum.example.org", "https://x/?a=1"]
)
def test_a_base_url_that_is_not_an_http_address_is_refused_at_start(value):
    with pytest.raises(ConfigError, match="FORUM_BASE_URL"):
        _app(BASE_URL=value)


# A path typed by hand: a quote, then a slash and a route's first segment; or the root alone
# as a link or a redirect ("/" alone also splits and checks paths: startswith("/")).
_ROUTE_SEGMENTS = "t|p|b|u|mod|settings|login|logout|register|boards|healthz"
HAND_WRITTEN = re.compile(
    rf"""[\"'`]/(?:{_ROUTE_SEGMENTS})(?:[/\"'`?#{{]|$)|(?:href=|action=|redirect\()[\"']/[\"'?#]"""
)
ROUTE_DECLARATION = re.compile(r"^\s*@\w+\.(?:get|post|route)\(")
# What may keep a literal path, and why.
ALLOWED = {
    # Reads a thread's address pasted into the merge form; it builds no link.
    ("forum/moderation/views/restructure.py", '_THREAD_ADDRESS = re.compile(r"/t/'),
}


def _hand_written_paths() -> list[str]:
    files = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "forum").rglob("*.py"))
    found = []
    for file in files:
        relative = file.relative_to(ROOT).as_posix()
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not HAND_WRITTEN.search(line) or ROUTE_DECLARATION.match(line):
                continue
            if any(relative == f and text in line for f, text in ALLOWED):
                continue
            found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_template_or_module_types_a_path_by_hand():
    assert _hand_written_paths() == []


def test_the_hand_written_path_check_finds_what_it_looks_for():
    for line in [
        '<a href="/p/{{ post.id }}">',
        "{% set t = '/t/' ~ thread.id %}",
        'return redirect(f"/b/{slug}")',
        '<a href="/">Boards</a>',
        'base="/mod/people" + query',
        '<a href="/login?next=x">',
        'return redirect("/")',
    ]:
        assert HAND_WRITTEN.search(line), line
    for line in ["href=\"{{ asset_url('css/site.css') }}\"", "path.rstrip('/x')", 'f"{a}/{b}"']:
        assert not HAND_WRITTEN.search(line), line
