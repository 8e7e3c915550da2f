"""Template filters and globals have one registration: forum/templating.py."""

from __future__ import annotations

import re
from pathlib import Path

FORUM = Path(__file__).resolve().parent.parent / "forum"
REGISTERS = re.compile(
    r"template_filter|template_global|template_test|jinja_env\.(filters|globals|tests)"
)


def test_filters_and_globals_are_registered_only_in_forum_templating():
    elsewhere = [
        f"{path.relative_to(FORUM.parent)}:{number}"
        for path in sorted(FORUM.rglob("*.py"))
        if path.name != "templating.py" or path.parent != FORUM
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if REGISTERS.search(line)
    ]
    assert elsewhere == []


def test_every_filter_and_global_the_templates_use_is_registered(app):
    # Jinja parses all templates: an unknown filter is a TemplateAssertionError at parse.
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    for name in ("in_zone", "zoned_datetime", "action_label", "datetime", "date"):
        assert name in app.jinja_env.filters
    for name in ("time_zone_choices", "REASON_MAX", "asset_url", "can_schedule_question"):
        assert name in app.jinja_env.globals
