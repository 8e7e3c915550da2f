"""A browser test without its browser fails the run, unless the skip was asked for.

Each case runs one real browser test in a child pytest with a prerequisite taken away. These
tests carry no `browser` marker: they prove the gate, so they run even when the skip is asked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A module of browser tests (one journey), named by file so that renaming a test cannot
# leave this pointing at nothing.
ONE_BROWSER_TEST = "tests/browser/test_journey.py"


def summary(out: subprocess.CompletedProcess[str]) -> str:
    """The child run's last line: "1 error in 0.2s", "1 skipped in 0.2s"..."""
    lines = out.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def run_one_browser_test(
    tmp_path: Path, target: str = ONE_BROWSER_TEST, **env: str
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "FORUM_SKIP_BROWSER")}
    args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", target]
    return subprocess.run(
        [*args, f"--basetemp={tmp_path / 'run'}"],
        cwd=ROOT,
        env={**base, "FORUM_TEST_DATABASE_URL": "", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def fake_missing_playwright(tmp_path: Path) -> str:
    """A PYTHONPATH on which `import playwright.sync_api` fails, as without the package."""
    package = tmp_path / "shadow" / "playwright"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('playwright is not installed')\n")
    return os.pathsep.join([str(package.parent), os.environ.get("PYTHONPATH", "")])


@pytest.mark.parametrize("ci", ["", "true"])
def test_browser_test_fails_without_chromium(tmp_path: Path, ci: str) -> None:
    out = run_one_browser_test(tmp_path, FORUM_CHROMIUM="/nonexistent/chromium", CI=ci)
    assert out.returncode == pytest.ExitCode.TESTS_FAILED, out.stdout + out.stderr
    assert "browser test prerequisite missing: /nonexistent/chromium" in out.stdout
    assert re.search(r"\b\d+ errors?\b", summary(out)), summary(out)
    assert "passed" not in summary(out) and "skipped" not in summary(out)


def test_browser_test_fails_without_playwright(tmp_path: Path) -> None:
    out = run_one_browser_test(tmp_path, PYTHONPATH=fake_missing_playwright(tmp_path))
    assert out.returncode != 0, out.stdout + out.stderr
    assert "browser test prerequisite missing: the Python package playwright" in out.stdout
    assert "passed" not in summary(out) and "skipped" not in summary(out)


def test_browser_test_skips_visibly_when_asked(tmp_path: Path) -> None:
    out = run_one_browser_test(
        tmp_path, FORUM_CHROMIUM="/nonexistent/chromium", FORUM_SKIP_BROWSER="1"
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "browser tests skipped on request (FORUM_SKIP_BROWSER=1)" in out.stdout
    assert re.fullmatch(r"=* \d+ skipped in .*", summary(out)), summary(out)


def test_skip_without_playwright_is_visible_when_asked(tmp_path: Path) -> None:
    out = run_one_browser_test(
        tmp_path,
        PYTHONPATH=fake_missing_playwright(tmp_path),
        FORUM_SKIP_BROWSER="1",
    )
    # Without playwright the module is skipped before its tests are collected: nothing
    # failed, nothing ran (in the whole suite the other tests do).
    assert out.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, out.stdout + out.stderr
    assert "browser tests skipped on request (FORUM_SKIP_BROWSER=1)" in out.stdout


def test_asking_for_the_skip_under_ci_is_an_error(tmp_path: Path) -> None:
    out = run_one_browser_test(tmp_path, FORUM_SKIP_BROWSER="1", CI="true")
    assert out.returncode != 0, out.stdout + out.stderr
    assert "FORUM_SKIP_BROWSER=1 under CI=true" in out.stdout + out.stderr
    assert "passed" not in summary(out) and "skipped" not in summary(out)
