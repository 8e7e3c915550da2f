"""Limits on password checks: logging in, and every other form that asks for a password.

Two limits, counted in the rate-limit storage (Redis in production):

* Per address (RATELIMIT_LOGIN_PER_ADDRESS): every password check from one address counts,
  at the door, before the password is hashed. A successful check hashes too, and checks
  sent all at once must not all slip in before the first is counted.
* Per account (RATELIMIT_LOGIN_PER_ACCOUNT): failed checks against one account, however it
  was named: its username and its email address lead to one counter, and a name that is no
  account's stands for itself, lowered (so the limits never tell which names exist).

When an account's limit is used up it refuses only the addresses that have themselves failed
at it within the limit's window; an address without such a failure still gets its try. So
guessing from elsewhere cannot lock the owner out (an administrator under attack can still
log in from home), and the guesser gets at most one failure per address per window, within
that address's own limit. A successful check forgets its address's failures at the account.

Flask-Limiter's decorators count one key per limit; this needs two keys and a rule that
joins them, so it drives the limiter's strategy (`limiter.limiter`) itself.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, make_response, request
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from forum.accounts.services import account_id_for_login
from forum.ratelimits import limiter

View = Callable[..., ResponseReturnValue]

# Namespaces of the three counters in the storage.
_ADDRESS, _ACCOUNT, _FAILED_FROM = "login-address", "login-account", "login-failed-from"
# No username or email address is longer (an address has at most 254 characters): a longer
# name, or one with a NUL (which PostgreSQL refuses in text), names no account and is not
# looked up.
_LOGIN_MAX = 254


def limit_password_checks(
    account: Callable[[], str], password_field: str
) -> Callable[[View], View]:
    """Put the POSTs of a view that checks a password under both limits.

    `account` names the account the request tries. A response other than a redirect to a
    request with `password_field` filled in is a failed check.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            if request.method != "POST" or not (limiter.enabled and limiter.initialized):
                return view(*args, **kwargs)
            address, name = get_remote_address(), account()
            _admit(address, name)
            response = make_response(view(*args, **kwargs))
            if request.form.get(password_field):
                if response.status_code in (301, 302, 303):
                    _forget_failures(address, name)
                else:
                    _count_failure(address, name)
            return response

        return checked

    return decorate


def login_form_account() -> str:
    """Name the account the login form tries: one name for its username and its email."""
    login = request.form.get("login", "")
    if len(login) <= _LOGIN_MAX and "\x00" not in login:
        account_id = account_id_for_login(login)
        if account_id is not None:
            return f"account:{account_id}"
    return "name:" + login[:_LOGIN_MAX].strip().lower()


def signed_in_account() -> str:
    """Name the signed-in account, whose current password a settings form asks for."""
    return f"account:{current_user.id}"


def _admit(address: str, name: str) -> None:
    """Refuse the attempt with a 429 if a limit says so; else count it against its address."""
    strategy = limiter.limiter
    per_account = _limits("RATELIMIT_LOGIN_PER_ACCOUNT")
    used_up = [item for item in per_account if not strategy.test(item, _ACCOUNT, name)]
    if used_up and _has_failed(per_account, address, name):
        raise _too_many(used_up, _ACCOUNT, name)
    for item in _limits("RATELIMIT_LOGIN_PER_ADDRESS"):
        if not strategy.hit(item, _ADDRESS, address):
            raise _too_many([item], _ADDRESS, address)


def _has_failed(items: tuple[RateLimitItem, ...], address: str, name: str) -> bool:
    strategy = limiter.limiter
    return any(
        strategy.get_window_stats(item, _FAILED_FROM, name, address).remaining < item.amount
        for item in items
    )


def _count_failure(address: str, name: str) -> None:
    strategy = limiter.limiter
    for item in _limits("RATELIMIT_LOGIN_PER_ACCOUNT"):
        strategy.hit(item, _ACCOUNT, name)
        strategy.hit(item, _FAILED_FROM, name, address)


def _forget_failures(address: str, name: str) -> None:
    for item in _limits("RATELIMIT_LOGIN_PER_ACCOUNT"):
        limiter.limiter.clear(item, _FAILED_FROM, name, address)


def _too_many(items: list[RateLimitItem], *identifiers: str) -> TooManyRequests:
    """Return the 429, with Retry-After set to when the last of `items` starts afresh."""
    reset = max(limiter.limiter.get_window_stats(item, *identifiers).reset_time for item in items)
    return TooManyRequests(retry_after=max(1, math.ceil(reset - time.time())))


def _limits(name: str) -> tuple[RateLimitItem, ...]:
    return _parsed(str(current_app.config[name]))


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(text))
