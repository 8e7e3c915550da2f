"""Configuration: safe defaults, FORUM_* environment variables, fail-fast checks."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from forum.ratelimits import DEFAULT_LIMITS

# Keys that must never fall back to a default outside debug and testing.
_DEV_SECRET = "dev-only-insecure-key"


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def default_config(app: Flask) -> dict[str, Any]:
    """Return the defaults every deployment starts from."""
    return {
        "SECRET_KEY": None,
        "DATABASE_URL": f"sqlite:///{os.path.join(app.instance_path, 'forum.sqlite3')}",
        "HTTPS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Also the longest any login lasts (forum.accounts.sessions.lifetime_from).
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        # Seconds a login may go unused before it ends (checked on the server, on every page).
        "SESSION_IDLE_TIMEOUT": 60 * 60 * 24 * 14,
        # A post body is capped at 50,000 characters; the whole request at 256 KiB.
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 12,
        "THREADS_PER_PAGE": 30,
        "POSTS_PER_PAGE": 20,
        "SITE_NAME": "KM4B Forum",
        # Rate limits: Redis when FORUM_RATELIMIT_STORAGE_URL is set, memory otherwise.
        "RATELIMIT_STORAGE_URL": "memory://",
        "RATELIMIT_ENABLED": True,
        **DEFAULT_LIMITS,
        # "open", or "approval": new accounts read but cannot post until a moderator approves.
        "REGISTRATION_MODE": "open",
        # A new member's first N posts wait for a moderator's approval (0: none do).
        "PREMODERATION_POSTS": 1,
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "PROXY_HOPS": 0,
        # The forum's public address (https://forum.example.org): absolute links in emails and
        # feeds (forum.links.external_url). Without it, debug and tests use the request's host.
        "BASE_URL": None,
    }


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill app.config from defaults, FORUM_* environment variables and test overrides."""
    app.config.from_mapping(default_config(app))
    app.config.from_prefixed_env("FORUM")
    if overrides:
        app.config.from_mapping(overrides)
    _derive(app)
    _check(app)


def _derive(app: Flask) -> None:
    cfg = app.config
    cfg["SQLALCHEMY_DATABASE_URI"] = cfg.get("SQLALCHEMY_DATABASE_URI") or cfg["DATABASE_URL"]
    https = cfg["HTTPS"] in (True, 1, "1", "true", "yes")
    cfg["HTTPS"] = https
    if https:
        cfg["SESSION_COOKIE_SECURE"] = cfg["REMEMBER_COOKIE_SECURE"] = True
    if cfg["SECRET_KEY"] is None and (app.debug or app.testing):
        cfg["SECRET_KEY"] = _DEV_SECRET
    cfg["RATELIMIT_STORAGE_URI"] = cfg["RATELIMIT_STORAGE_URL"]
    uri = cfg["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # Writers wait for each other (busy timeout) instead of failing at once.
        cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
    else:
        cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})


def _check(app: Flask) -> None:
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    if isinstance(idle, bool) or not isinstance(idle, int) or idle <= 0:
        raise ConfigError(
            f"FORUM_SESSION_IDLE_TIMEOUT must be a whole number of seconds above 0, not {idle!r}"
        )
    base = app.config["BASE_URL"]
    if base is not None and not (
        isinstance(base, str) and base.startswith(("https://", "http://")) and "?" not in base
    ):
        raise ConfigError(f"FORUM_BASE_URL must be an http(s):// address, not {base!r}")
    key = app.config["SECRET_KEY"]
    if app.debug or app.testing:
        return
    if not key or key == _DEV_SECRET or len(str(key)) < 24:
        raise ConfigError(
            "FORUM_SECRET_KEY must be set to a long random value (at least 24 characters), "
            'for example: python -c "import secrets; print(secrets.token_hex(32))"'
        )
