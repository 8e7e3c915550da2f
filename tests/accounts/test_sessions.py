"""Server-side sessions called directly: open, load, expire, touch, end, list.

Times are passed in (`now`) or set on the rows: nothing here waits for the clock.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from forum.accounts import services, sessions
from forum.accounts.models import User, UserSession
from forum.db import db
from tests.factories import make_user
from tests.threads.test_queries import sql_statements

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
IDLE, LONGEST = timedelta(days=14), timedelta(days=30)
LIFETIME = sessions.Lifetime(idle=IDLE, absolute=LONGEST)


# Helpers (also used by test_services.py)


def sha256_hex(text: str) -> str:
    """The hash the table should keep, computed here rather than by the code under test."""
    return hashlib.sha256(text.encode()).hexdigest()


def open_login(user: User, *, at: datetime = NOW, device: str = "") -> str:
    return sessions.open_session(user, now=at, lifetime=LIFETIME, device=device)


def loads(key: str, *, at: datetime = NOW) -> bool:
    return services.load_by_session_key(key, now=at, lifetime=LIFETIME) is not None


def row_of(key: str) -> UserSession:
    query = sa.select(UserSession).where(UserSession.key_hash == sha256_hex(key))
    return db.session.scalars(query).one()


def set_times(key: str, **times: datetime) -> None:
    db.session.execute(
        sa.update(UserSession).where(UserSession.key_hash == sha256_hex(key)).values(**times)
    )
    db.session.commit()


def rows_of(user_id: int) -> int:
    query = sa.select(sa.func.count()).where(UserSession.user_id == user_id)
    return db.session.scalar(query) or 0


# Opening


def test_a_session_stores_only_a_hash_of_its_key(ctx):
    user = make_user()

    key = open_login(user, device="Firefox on Linux")

    row = row_of(key)
    assert len(key) >= 40  # 32 random bytes, URL-safe
    assert row.key_hash == sha256_hex(key)
    stored = db.session.execute(sa.select(UserSession.__table__)).one()
    assert key not in [str(value) for value in stored]
    assert (row.user_id, row.device, row.created_at, row.last_seen_at) == (
        user.id,
        "Firefox on Linux",
        NOW,
        NOW,
    )


def test_each_login_gets_its_own_key_and_the_user_carries_it(ctx):
    user = make_user()

    first, second = open_login(user), open_login(user)

    assert first != second
    assert user.get_id() == second
    assert rows_of(user.id) == 2


def test_an_account_without_an_open_session_has_no_id_for_the_cookies(ctx):
    user = make_user()

    with pytest.raises(RuntimeError):
        user.get_id()


def test_opening_a_session_deletes_the_accounts_lapsed_ones_only(ctx):
    user, other = make_user(), make_user()
    idle = open_login(user, at=NOW - IDLE - timedelta(days=1))
    old = open_login(user, at=NOW - LONGEST - timedelta(days=1))
    set_times(old, last_seen_at=NOW - timedelta(hours=1))
    live = open_login(user, at=NOW - timedelta(days=1))
    others_lapsed = open_login(other, at=NOW - IDLE - timedelta(days=1))

    open_login(user)

    assert rows_of(user.id) == 2
    assert loads(live)
    keys = set(db.session.scalars(sa.select(UserSession.key_hash)))
    assert sha256_hex(idle) not in keys and sha256_hex(old) not in keys
    assert sha256_hex(others_lapsed) in keys


# Loading the user a cookie names


def test_a_live_session_loads_its_user_with_that_session(ctx):
    user = make_user()
    key = open_login(user)
    db.session.expire_all()

    loaded = services.load_by_session_key(key, now=NOW, lifetime=LIFETIME)

    assert loaded is not None and loaded.id == user.id
    assert loaded.get_id() == key
    assert loaded.current_session is not None
    assert loaded.current_session.id == row_of(key).id


def test_loading_the_user_of_a_session_is_one_statement(ctx):
    key = open_login(make_user())
    db.session.expire_all()

    with sql_statements(ctx) as statements:
        assert services.load_by_session_key(key, now=NOW, lifetime=LIFETIME) is not None

    assert len(statements) == 1


@pytest.mark.parametrize(
    "key", ["", "x", "1:abcdefgh", "not the key", "k" * 101, "\x00", "é" * 50], ids=repr
)
def test_keys_that_name_no_session_load_nobody(ctx, key):
    open_login(make_user())

    assert not loads(key)


def test_a_cookie_in_the_old_user_id_and_token_form_loads_nobody(ctx):
    user = make_user()
    open_login(user)

    assert not loads(f"{user.id}:{row_of(user.get_id()).key_hash[:22]}")


def test_a_banned_accounts_session_loads_nobody(ctx):
    user = make_user()
    key = open_login(user)
    user.is_active = False
    db.session.commit()

    assert not loads(key)


@pytest.mark.parametrize(
    ("seen_ago", "live"),
    [
        (timedelta(0), True),
        (IDLE - timedelta(seconds=1), True),
        (IDLE, False),
        (IDLE + timedelta(days=3), False),
    ],
    ids=["just-now", "a-second-inside", "exactly-idle", "days-past"],
)
def test_a_session_unused_for_the_idle_timeout_loads_nobody(ctx, seen_ago, live):
    key = open_login(make_user(), at=NOW - timedelta(days=1))
    set_times(key, last_seen_at=NOW - seen_ago)

    assert loads(key) is live


@pytest.mark.parametrize(
    ("began_ago", "live"),
    [(LONGEST - timedelta(seconds=1), True), (LONGEST, False), (LONGEST * 2, False)],
    ids=["a-second-inside", "exactly-the-longest", "twice-the-longest"],
)
def test_a_session_older_than_the_remember_cookie_loads_nobody_however_busy(ctx, began_ago, live):
    key = open_login(make_user(), at=NOW - began_ago)
    set_times(key, last_seen_at=NOW - timedelta(minutes=1))

    assert loads(key) is live


def test_the_lifetime_comes_from_the_configuration(ctx):
    lifetime = sessions.lifetime_from(
        {"SESSION_IDLE_TIMEOUT": 3600, "REMEMBER_COOKIE_DURATION": timedelta(days=2)}
    )

    assert lifetime == sessions.Lifetime(idle=timedelta(hours=1), absolute=timedelta(days=2))


# Refreshing "last seen"


@pytest.mark.parametrize(
    ("idle", "every"),
    [
        (timedelta(days=14), timedelta(minutes=5)),
        (timedelta(minutes=50), timedelta(minutes=5)),
        (timedelta(minutes=10), timedelta(minutes=1)),
    ],
)
def test_last_seen_is_refreshed_every_five_minutes_or_a_tenth_of_a_short_timeout(idle, every):
    assert sessions.Lifetime(idle=idle, absolute=LONGEST).touch_every == every


@pytest.mark.parametrize(
    ("seen_ago", "due"),
    [
        (timedelta(0), False),
        (timedelta(minutes=4, seconds=59), False),
        (timedelta(minutes=5), True),
    ],
)
def test_a_session_needs_a_touch_only_once_its_last_seen_time_is_stale(ctx, seen_ago, due):
    key = open_login(make_user())
    set_times(key, last_seen_at=NOW - seen_ago)

    assert sessions.needs_touch(row_of(key), NOW, LIFETIME) is due


def test_a_touch_moves_last_seen_forward_and_never_back(ctx):
    key = open_login(make_user(), at=NOW - timedelta(hours=1))
    session_id = row_of(key).id

    sessions.touch(session_id, now=NOW)
    sessions.touch(session_id, now=NOW - timedelta(minutes=30))

    db.session.expire_all()
    assert row_of(key).last_seen_at == NOW


# Ending sessions


def test_ending_a_session_makes_its_key_load_nobody_and_leaves_the_others(ctx):
    user = make_user()
    here, elsewhere = open_login(user), open_login(user)

    assert sessions.end_session(here) is True

    assert not loads(here)
    assert loads(elsewhere)
    assert sessions.end_session(here) is False


def test_ending_every_session_of_an_account_leaves_other_accounts_alone(ctx):
    user, other = make_user(), make_user()
    mine = [open_login(user) for _ in range(3)]
    theirs = open_login(other)

    assert sessions.end_every_session(user.id) == 3

    assert not any(loads(key) for key in mine)
    assert loads(theirs)


def test_one_session_is_ended_only_by_its_own_account(ctx):
    user, other = make_user(), make_user()
    theirs = open_login(other)
    their_id = row_of(theirs).id

    assert sessions.end_one_session(user.id, their_id) is False
    assert loads(theirs)

    assert sessions.end_one_session(other.id, their_id) is True
    assert not loads(theirs)


def test_deleting_an_account_deletes_its_sessions(ctx):
    user = make_user()
    open_login(user)

    db.session.execute(sa.delete(User).where(User.id == user.id))
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


# Listing


def test_the_list_shows_an_accounts_live_sessions_most_recently_seen_first(ctx):
    user, other = make_user(), make_user()
    older = open_login(user, at=NOW - timedelta(days=2), device="Firefox on Linux")
    newer = open_login(user, at=NOW - timedelta(days=1), device="Safari on iPhone")
    lapsed = open_login(user, at=NOW - timedelta(days=2))
    set_times(lapsed, last_seen_at=NOW - IDLE - timedelta(minutes=1))
    open_login(other)

    found = sessions.active_sessions(user.id, now=NOW, lifetime=LIFETIME)

    assert [row.key_hash for row in found] == [sha256_hex(newer), sha256_hex(older)]


# Naming devices


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on Linux",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Chrome on macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
        ("<script>alert(1)</script> Firefox/1", "Firefox"),
    ],
    ids=["firefox-linux", "edge", "chrome-mac", "iphone", "android", "curl", "none", "script"],
)
def test_a_device_is_named_from_a_fixed_vocabulary(user_agent, device):
    assert sessions.describe_device(user_agent) == device
