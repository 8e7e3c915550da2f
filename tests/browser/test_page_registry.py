"""Every page template has an entry in the registry the accessibility audits walk.

No `browser` marker and no browser: this reads files, so it runs even where the browser
tests are skipped, and a new page cannot go unaudited.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser.pages import PAGES, visits

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EXTENDS_BASE = re.compile(r"""\{%-?\s*extends\s+["']base\.html["']""")


def page_templates() -> set[str]:
    """Templates rendered as full pages: they extend base.html; partials start with `_`."""
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if any(part.startswith("_") for part in name.split("/")):
            continue
        if EXTENDS_BASE.search(path.read_text(encoding="utf-8")):
            found.add(name)
    return found


def test_the_template_folder_is_where_the_pages_are():
    # A wrong path would find no page and make the next test pass on nothing.
    assert {"boards/index.html", "threads/show.html", "errors/error.html"} <= page_templates()
    assert "base.html" not in page_templates()
    assert not any("/_" in name or name.startswith("_") for name in page_templates())


def test_every_page_template_is_audited():
    missing = sorted(page_templates() - set(PAGES))
    assert not missing, (
        "page templates without an accessibility audit; add each to PAGES in "
        f"tests/browser/pages.py (one line: template -> Visit(path, user=...)): {missing}"
    )


def test_the_registry_names_only_page_templates():
    stale = sorted(set(PAGES) - page_templates())
    assert not stale, f"PAGES names templates that are not pages (renamed, deleted?): {stale}"


def test_every_page_is_visited_at_least_once():
    assert {template for template, _ in visits().values()} == set(PAGES)
