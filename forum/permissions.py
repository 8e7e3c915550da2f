"""Who may do what: one predicate per action, shared by views (require) and templates.

Every predicate takes the actor first (a User or the Guest) and the object second,
and reads nothing else: no request, no session, no current_user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from flask import abort

if TYPE_CHECKING:
    from forum.boards.models import Board
    from forum.threads.models import Post, Thread


def _is_member(user: Any) -> bool:
    """Whether the actor is a logged-in account in good standing."""
    return bool(user.is_authenticated and user.is_active)


def can_create_thread(user: Any, board: Board) -> bool:
    return _is_member(user)


def can_reply(user: Any, thread: Thread) -> bool:
    if not _is_member(user):
        return False
    return not thread.is_locked or user.is_moderator


def can_edit_post(user: Any, post: Post, thread: Thread) -> bool:
    if not _is_member(user):
        return False
    if user.is_moderator:
        return True
    return post.author_id == user.id and not thread.is_locked


def can_edit_profile(user: Any, profile: Any) -> bool:
    return _is_member(user) and (user.id == profile.id or user.is_admin)


def require(allowed: bool) -> None:
    """Stop the request with 403 unless `allowed`."""
    if not allowed:
        forbid()


def forbid() -> NoReturn:
    abort(403)


# Exposed to every template, so a button shows exactly when its endpoint would allow it.
TEMPLATE_PREDICATES = {
    "can_create_thread": can_create_thread,
    "can_reply": can_reply,
    "can_edit_post": can_edit_post,
    "can_edit_profile": can_edit_profile,
}
