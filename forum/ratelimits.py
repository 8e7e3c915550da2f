"""Rate limits on the actions abuse goes for: logging in, registering, posting.

Counters live in Redis when FORUM_RATELIMIT_STORAGE_URL is set (shared by every worker and
host), in memory otherwise. Each limit is configuration (FORUM_RATELIMIT_<NAME>), so a
community can loosen or tighten it without a release.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request
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
    "RATELIMIT_REPORT": "10 per hour",
}


def configured(name: str) -> Callable[[], str]:
    """Return a callable that reads the limit `name` from the app's configuration."""
    return lambda: str(current_app.config[name])


def login_account_key() -> str:
    """Key login attempts by the account tried: guessing at one account from many addresses."""
    return "login:" + request.form.get("login", "").strip().lower()


def member_key() -> str:
    """Key posting limits by account (several members may share one address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def refused(response: Response) -> bool:
    """Count a failed login: a wrong password is answered with the form again, not a redirect."""
    return response.status_code != 302


def accepted(response: Response) -> bool:
    """Count what was stored: a refused form (422) costs nothing."""
    return response.status_code == 302
