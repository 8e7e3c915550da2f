"""Tests in a real headless Chromium (marker `browser`); scripts/install-browser.sh sets them up.

A missing prerequisite (Chromium, the playwright package, axe-core) fails these tests: a green
run must not hide a browser that was never started. Whoever cannot install Chromium asks for
the skip with FORUM_SKIP_BROWSER=1 (refused under CI=true), and the run says so.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

INSTALL_HINT = "run scripts/install-browser.sh, or set FORUM_SKIP_BROWSER=1 to skip these tests"
SKIP_REQUESTED = "browser tests skipped on request (FORUM_SKIP_BROWSER=1)"


def chromium_path() -> Path:
    """The Chromium the tests launch: FORUM_CHROMIUM, or Debian's /usr/bin/chromium."""
    return Path(os.environ.get("FORUM_CHROMIUM", "").strip() or "/usr/bin/chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def skip_requested() -> bool:
    """Whether the person running the tests asked for the browser tests to be skipped."""
    return os.environ.get("FORUM_SKIP_BROWSER", "").strip() == "1"


def missing(what: str) -> None:
    """Fail because a browser test prerequisite is not installed.

    A skip here would turn a missing install step into a green run; the browser tests are
    skipped only when asked for (FORUM_SKIP_BROWSER=1, see tests/browser/conftest.py).
    """
    import pytest

    pytest.fail(f"browser test prerequisite missing: {what} ({INSTALL_HINT})", pytrace=False)


def playwright_api() -> ModuleType:
    """Import playwright.sync_api for a test module, or skip (on request) or fail without it."""
    try:
        import playwright.sync_api as api
    except ImportError:
        if skip_requested() and not in_ci():
            import pytest

            pytest.skip(SKIP_REQUESTED, allow_module_level=True)
        missing("the Python package playwright (pip install 'playwright>=1.45')")
        raise
    return api
