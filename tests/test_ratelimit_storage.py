"""Several gunicorn workers need shared rate-limit counters: the rule, and gunicorn keeping it.

With memory:// every worker counts on its own (3 workers let 85 failed logins through a limit
of 30), so gunicorn.conf.py refuses more than one worker unless the counters are in Redis or
rate limits are off (as for the benchmark).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forum.ratelimits import shared_storage_problem

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_URL = "redis://127.0.0.1:6379/7"  # this suite's own database number
ADVICE = "FORUM_RATELIMIT_STORAGE_URL=redis://"


@pytest.mark.parametrize(
    ("workers", "config", "refused"),
    [
        (2, {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}, True),
        (9, {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}, True),
        (2, {"RATELIMIT_ENABLED": 1, "RATELIMIT_STORAGE_URI": "async+memory://"}, True),
        (2, {"RATELIMIT_ENABLED": True}, True),  # Flask-Limiter's default storage is memory
        (1, {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}, False),
        (2, {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL}, False),
        (2, {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "rediss://r:6380/0"}, False),
        (2, {"RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"}, False),
        (2, {"RATELIMIT_ENABLED": 0, "RATELIMIT_STORAGE_URI": "memory://"}, False),  # =0
        (2, {}, False),  # an app without rate limits (the benchmark's bare page)
    ],
)
def test_several_workers_need_shared_counters_unless_limits_are_off(
    workers: int, config: dict[str, Any], refused: bool
) -> None:
    problem = shared_storage_problem(workers, config)
    assert (problem is not None) == refused
    if problem:
        assert ADVICE in problem
        assert f"{workers} workers" in problem


def test_the_forum_configuration_is_read_where_the_app_keeps_it(make_app):
    # FORUM_RATELIMIT_STORAGE_URL reaches Flask-Limiter as RATELIMIT_STORAGE_URI.
    per_process = make_app(RATELIMIT_ENABLED=True)
    shared = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URL=REDIS_URL)
    assert shared_storage_problem(3, per_process.config) is not None
    assert shared_storage_problem(3, shared.config) is None


# --- gunicorn itself --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(database_url: str, port: int, **settings: str) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FORUM_", "GUNICORN_"))
    }
    return {
        **inherited,
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": secrets.token_hex(32),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_LOG_LEVEL": "warning",
        **settings,
    }


def _command() -> list[str]:
    if not GUNICORN.exists():
        pytest.fail("gunicorn is not installed (pip install .[server])")
    return [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]


@pytest.mark.parametrize("preload", ["1", "0"])
def test_gunicorn_refuses_two_workers_with_per_process_counters(database_url, preload):
    env = _environment(database_url, _free_port(), GUNICORN_PRELOAD=preload)
    try:
        done = subprocess.run(
            _command(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:  # killed by now
        pytest.fail("gunicorn started (or hung) instead of refusing")
    assert done.returncode != 0
    assert ADVICE in done.stderr


@pytest.fixture
def served(database_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """Start gunicorn with 2 workers and the settings given; yield its address; stop it."""
    port = _free_port()
    env = _environment(database_url, port, **request.param)
    server = subprocess.Popen(
        _command(),
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_workers(server, f"http://127.0.0.1:{port}", count=2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


def _wait_for_workers(server: subprocess.Popen[str], base: str, count: int) -> None:
    deadline = time.monotonic() + 60  # a guard against a hang, not a measurement
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    while time.monotonic() < deadline:
        if server.poll() is not None:
            errors = server.stderr.read() if server.stderr else ""
            pytest.fail(f"gunicorn exited with {server.returncode}: {errors}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200 and len(children.read_text().split()) == count:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer with {count} workers")


@pytest.mark.parametrize(
    "served",
    [
        {"FORUM_RATELIMIT_ENABLED": "0"},  # the benchmark's way (it says "false")
        {"FORUM_RATELIMIT_STORAGE_URL": REDIS_URL},  # production's way
    ],
    ids=["limits-off", "redis"],
    indirect=True,
)
def test_gunicorn_starts_two_workers_when_limits_are_off_or_shared(served: str) -> None:
    with urllib.request.urlopen(served + "/healthz", timeout=5) as response:
        assert response.status == 200
