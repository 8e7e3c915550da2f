"""Tests in a real headless Chromium (marker `browser`); scripts/install-browser.sh sets them up."""

from __future__ import annotations

import os
from types import ModuleType

INSTALL_HINT = "run scripts/install-browser.sh"


def missing(what: str) -> None:
    """Skip (or under CI=true fail) because a browser test prerequisite is not installed.

    On a laptop without Chromium the browser tests skip with this message; in CI a skip would
    turn a missing install step into a green run, so there they fail.
    """
    import pytest

    message = f"browser test prerequisite missing: {what} ({INSTALL_HINT})"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)


def playwright_api() -> ModuleType:
    """Import playwright.sync_api for a test module, or skip/fail the module without it."""
    try:
        import playwright.sync_api as api
    except ImportError:
        missing("the Python package playwright (pip install 'playwright>=1.45')")
        raise
    return api
