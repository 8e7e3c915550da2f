"""A wheel built from pyproject.toml carries templates, static files and migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys, forum
assert forum.__file__.startswith(sys.argv[1]), forum.__file__
from flask_migrate import upgrade
from forum import create_app
from forum.boards.services import load_km4b
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[2], "MIGRATIONS": True})
with app.app_context():
    upgrade()
    assert load_km4b() == (10, 0)
client = app.test_client()
home = client.get("/")
assert home.status_code == 200 and b"Webinar 10" in home.data, home.status_code
css = client.get("/static/css/forum.css")
assert css.status_code == 200 and b"--accent" in css.data
print("installed wheel works")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("km4b_forum-*.whl")
    return path


def test_wheel_contains_templates_static_migrations_and_series(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "forum/templates/base.html",
        "forum/static/css/forum.css",
        "forum/migrations/env.py",
        "forum/boards/km4b_webinars.json",
    ):
        assert expected in names
    assert any(n.startswith("forum/migrations/versions/") for n in names)


def test_installed_wheel_serves_the_forum_outside_the_checkout(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
         str(wheel)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(target), "FORUM_SECRET_KEY": "x" * 40}
    env.pop("FORUM_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(target), str(tmp_path / "forum.sqlite3")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "installed wheel works" in result.stdout
