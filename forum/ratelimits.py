"""Rate limits on the actions abuse goes for: logging in, registering, posting, editing.

Counters live in Redis when FORUM_RATELIMIT_STORAGE_URL is set (shared by every worker and
host), in memory otherwise. Each limit is configuration (FORUM_RATELIMIT_<NAME>), so a
community can loosen or tighten it without a release.

A limit counts a request at the door, before the view does any work: a refused form, a
request still rendering its Markdown or hashing a password, one that crashes or times out,
and many sent at once all cost what they cost the server. (Counting only what was stored,
after the response, let all of those through for free.) Password checks have their own
rules, in forum/login_attempts.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user


class DecoratedLimiter(Limiter):
    """A Limiter for apps whose every limit sits on a decorated view.

    Flask-Limiter also checks limits before every request, for default and blueprint limits;
    this app has none, and the decorated views check their own, so that check is skipped:
    it cost every page about 5 % of its time.
    """

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        if not in_middleware:
            super()._check_request_limit(callable_name=callable_name, in_middleware=False)


limiter = DecoratedLimiter(key_func=get_remote_address, headers_enabled=True)

DEFAULT_LIMITS = {
    "RATELIMIT_LOGIN_PER_ADDRESS": "30 per 10 minutes",
    "RATELIMIT_LOGIN_PER_ACCOUNT": "10 per 10 minutes",
    "RATELIMIT_REGISTER": "10 per hour",
    "RATELIMIT_NEW_THREAD": "10 per hour",
    "RATELIMIT_REPLY": "6 per minute; 120 per hour",
    "RATELIMIT_EDIT": "10 per minute; 100 per hour",
    "RATELIMIT_REPORT": "10 per hour",
}


def configured(name: str) -> Callable[[], str]:
    """Return a callable that reads the limit `name` from the app's configuration."""
    return lambda: str(current_app.config[name])


def member_key() -> str:
    """Key posting limits by account (several members may share one address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


# Storages whose counters live inside one process: each worker would count on its own.
_PER_PROCESS_SCHEMES = {"memory", "async+memory"}


def shared_storage_problem(workers: int, config: Mapping[str, Any]) -> str | None:
    """Return why `workers` processes cannot serve an app with this configuration, or None.

    With per-process counters every worker grants the whole limit again: 3 workers let
    about three times as many attempts through (85 failed logins past a limit of 30).
    An app without rate limits (RATELIMIT_ENABLED false or absent) needs no shared storage.
    """
    if workers <= 1 or not config.get("RATELIMIT_ENABLED"):
        return None
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if urlsplit(storage).scheme not in _PER_PROCESS_SCHEMES:
        return None
    return (
        f"Refusing to start {workers} workers with rate-limit counters kept in each process "
        f"({storage}): every worker would count on its own and let {workers} times as many "
        "attempts through. Set FORUM_RATELIMIT_STORAGE_URL=redis://HOST:6379/N to share them "
        "between workers, or run one worker (GUNICORN_WORKERS=1). Only for benchmarks: "
        "FORUM_RATELIMIT_ENABLED=false turns rate limits off."
    )
