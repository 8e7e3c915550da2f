"""Domain events: what happened to a post or a thread, for search, notifications and caches.

One blinker signal, `content_changed`, carries a ContentChange whose `kind` says what
happened. One signal rather than one per kind, because its subscribers (a search index,
notifications, a cache) mostly do one thing for every kind (look at the thread or post
again) and must not silently miss a kind added later; a subscriber interested in some
kinds filters on `change.kind`.

Events are sent by forum.threads.lifecycle after the change is committed, one per change,
so a subscriber sees the database as the change left it and never a change rolled back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()

#: Sent with `change=ContentChange(...)` once the change is committed.
content_changed = _signals.signal("content-changed")


class ChangeKind(enum.StrEnum):
    # A new post readers see at once (opens_thread: it started a new thread).
    PUBLISHED = "published"
    # A new post waiting for a moderator's approval (pre-moderation).
    HELD = "held"
    # A new thread (a host's question) that appears at its publish_at.
    SCHEDULED = "scheduled"
    # A scheduled question appeared: published now, or its time came (`flask forum tick`).
    APPEARED = "appeared"
    APPROVED = "approved"
    REJECTED = "rejected"
    POST_HIDDEN = "post_hidden"
    POST_RESTORED = "post_restored"
    POST_DELETED = "post_deleted"
    THREAD_HIDDEN = "thread_hidden"
    THREAD_RESTORED = "thread_restored"
    THREAD_WITHDRAWN = "thread_withdrawn"
    THREAD_MOVED = "thread_moved"
    THREADS_MERGED = "threads_merged"
    THREAD_SPLIT = "thread_split"


@dataclass(frozen=True)
class ContentChange:
    """One change of what readers may see.

    `thread_id` and `board_id` are the thread's after the change; `post_id` names the post
    for post changes. `related_thread_id`: the target of a merge, the new thread of a
    split. `from_board_id`: where a moved thread was. `actor_id`: None for the system.
    """

    kind: ChangeKind
    thread_id: int
    board_id: int
    post_id: int | None = None
    actor_id: int | None = None
    opens_thread: bool = False
    related_thread_id: int | None = None
    from_board_id: int | None = None
