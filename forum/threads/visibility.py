"""Who may see a thread or a post: each rule in Python and, beside it, its SQL twin.

Three forms of one rule, changed together (tests/threads/test_visibility.py checks that
they agree for every role and state):
- predicates for one thread or post (pages, permalinks; forum.permissions names them for
  views and templates);
- SQL for the lists of one board (visibility_level, visible_to and visibility_params: a
  statement built once, with bound parameters);
- SQL across every board (readable_threads, readable_posts), for search, feeds and digests:
  it takes the reader's roles on every board into account.

Readers see public threads; hosts and moderators of a board see its scheduled ones;
moderators see hidden and withdrawn ones; an author sees their own hidden thread (and
why), and their new thread while its opening post awaits approval (as moderators do, not
hosts). A post awaiting approval stands only for its author and the board's moderators;
hidden and deleted posts stand as a notice, their text for moderators only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa

from forum.db import UTCDateTime, utcnow
from forum.standing import curates, moderates, on_duty, signed_in
from forum.threads.models import Post, PostStatus, Thread, ThreadStatus

Level = Literal["public", "member", "host", "all"]


# --- public: what every reader sees -------------------------------------------------------


def is_public(thread: Thread, now: datetime) -> bool:
    """Whether every reader may see the thread now."""
    return (
        thread.status == ThreadStatus.VISIBLE
        and (thread.publish_at is None or thread.publish_at <= now)
        and thread.post_count > 0
    )


def public_threads(now: datetime | sa.BindParameter[datetime]) -> sa.ColumnElement[bool]:
    """The SQL twin of is_public (for lists across boards, counts and profiles)."""
    return sa.and_(
        Thread.status == ThreadStatus.VISIBLE,
        sa.or_(Thread.publish_at.is_(None), Thread.publish_at <= now),
        Thread.post_count > 0,
    )


# --- threads -----------------------------------------------------------------------------


def can_see_thread(user: Any, thread: Thread, now: datetime | None = None) -> bool:
    """Whether `user` may see the thread (see the module's docstring)."""
    now = now or utcnow()
    if is_public(thread, now):
        return True
    if moderates(user, thread.board_id, now):
        return True
    is_author = signed_in(user) and thread.author_id == user.id
    if thread.status == ThreadStatus.VISIBLE:  # scheduled, or its first post awaits approval
        if thread.post_count == 0:
            return is_author
        return curates(user, thread.board_id, now)
    return thread.status == ThreadStatus.HIDDEN and is_author


def visibility_level(viewer: Any, board_id: int, now: datetime | None = None) -> Level:
    """Return which of the four sets of a board's threads `viewer` may see (visible_to)."""
    if not signed_in(viewer):
        return "public"
    # A suspended host or moderator reads what a member reads.
    if moderates(viewer, board_id, now):
        return "all"
    return "host" if curates(viewer, board_id, now) else "member"


def _own(author_id: Any) -> sa.ColumnElement[bool]:
    """The author's own threads that readers do not see: hidden, or awaiting approval."""
    return sa.and_(
        Thread.author_id == author_id,
        sa.or_(
            Thread.status == ThreadStatus.HIDDEN,
            sa.and_(Thread.status == ThreadStatus.VISIBLE, Thread.post_count == 0),
        ),
    )


# Scheduled, not awaiting approval: a held opening post is for moderators to see.
_SCHEDULED = sa.and_(Thread.status == ThreadStatus.VISIBLE, Thread.post_count > 0)


def visible_to(level: str) -> sa.ColumnElement[bool]:
    """The SQL twin of can_see_thread for one board's readers of `level`, with bound
    parameters `now` and `viewer_id` (visibility_params), so statements can be reused."""
    if level == "all":
        return sa.true()
    public = public_threads(sa.bindparam("now", type_=UTCDateTime))
    if level == "public":
        return public
    own = _own(sa.bindparam("viewer_id"))
    if level == "host":
        return sa.or_(public, _SCHEDULED, own)
    return sa.or_(public, own)


def visibility_params(viewer: Any, now: datetime) -> dict[str, Any]:
    """Return the values for the parameters of visible_to()."""
    return {"now": now, "viewer_id": viewer.id if viewer.is_authenticated else -1}


def _boards(viewer: Any, role: str) -> frozenset[int]:
    return frozenset(b for b, roles in viewer.board_roles.items() if role in roles)


def readable_threads(viewer: Any, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """The SQL twin of can_see_thread across every board, for search, feeds and digests:
    the threads `viewer` may see, whatever their board, by the viewer's roles on each."""
    now = now or utcnow()
    public = public_threads(now)
    if not signed_in(viewer):
        return public
    own = _own(viewer.id)
    if not on_duty(viewer, now):  # suspended: reads what a member reads
        return sa.or_(public, own)
    moderated = viewer.moderated_boards()
    if moderated is None:
        return sa.true()
    curated = moderated | _boards(viewer, "host")
    return sa.or_(
        public,
        own,
        Thread.board_id.in_(sorted(moderated)),
        sa.and_(Thread.board_id.in_(sorted(curated)), _SCHEDULED),
    )


# --- posts -------------------------------------------------------------------------------


def can_see_post(user: Any, post: Post, thread: Thread, now: datetime | None = None) -> bool:
    """Whether the post stands in the thread for this reader (hidden ones as a notice)."""
    if post.status != PostStatus.PENDING:
        return True
    return moderates(user, thread.board_id, now) or (signed_in(user) and post.author_id == user.id)


def shown_posts() -> sa.ColumnElement[bool]:
    """The SQL twin of can_see_post within one thread, with bound parameters `viewer_id`
    and `sees_pending` (shown_posts_params)."""
    return sa.or_(
        Post.status != PostStatus.PENDING,
        Post.author_id == sa.bindparam("viewer_id"),
        sa.bindparam("sees_pending", type_=sa.Boolean),
    )


def shown_posts_params(viewer: Any, board_id: int) -> dict[str, Any]:
    """Return the values for the parameters of shown_posts()."""
    return {
        "viewer_id": viewer.id if viewer.is_authenticated else -1,
        "sees_pending": moderates(viewer, board_id),
    }


def readable_posts(viewer: Any, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """The SQL twin of can_see_thread and can_see_post across every board (join Thread):
    the posts that stand for `viewer` in the threads they may see."""
    now = now or utcnow()
    threads = readable_threads(viewer, now)
    if not signed_in(viewer):
        return sa.and_(threads, Post.status != PostStatus.PENDING)
    moderated = viewer.moderated_boards() if on_duty(viewer, now) else frozenset()
    sees_pending = sa.true() if moderated is None else Thread.board_id.in_(sorted(moderated))
    return sa.and_(
        threads,
        sa.or_(Post.status != PostStatus.PENDING, Post.author_id == viewer.id, sees_pending),
    )


def can_read_post_text(user: Any, post: Post, thread: Thread, now: datetime | None = None) -> bool:
    """Readers see "removed" in place of a hidden or deleted post; moderators read it."""
    if post.status in (PostStatus.PUBLISHED, PostStatus.PENDING):
        return can_see_post(user, post, thread, now)
    return moderates(user, thread.board_id, now)


def can_read_status_reason(user: Any, post: Any) -> bool:
    """The author of a post a moderator hid reads why (a row or a Post)."""
    return (
        post.status == PostStatus.HIDDEN
        and bool(post.status_reason)
        and signed_in(user)
        and post.author_id == user.id
    )
