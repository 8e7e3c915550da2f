"""Who may do what: one predicate per action, shared by views (require) and templates.

Every predicate takes the actor first (a User or the Guest) and the object second, and
reads nothing else but the clock (`now`, where scheduling or a suspension matters): no
request, no session, no current_user. The actor's roles on boards come with the actor
(User.board_roles, loaded with the logged-in user).

Roles: the guest; a member (pending approval, suspended or in good standing); the author
of the thing acted on; a host of a board (of this board or of another); a moderator of a
board; a moderator everywhere; an administrator.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from flask import abort

from forum.db import utcnow

if TYPE_CHECKING:
    from forum.boards.models import Board
    from forum.threads.models import Post, Thread


# --- standing ----------------------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    """A logged-in account that is not banned."""
    return bool(user.is_authenticated and user.is_active)


def in_good_standing(user: Any, now: datetime | None = None) -> bool:
    """May write: logged in, approved, not banned, not suspended."""
    return _signed_in(user) and user.is_approved and not user.is_suspended(now or utcnow())


def _curates(user: Any, board_id: int) -> bool:
    """Hosts and moderators of a board look after its threads (pin, lock, highlight)."""
    return _signed_in(user) and (user.moderates(board_id) or user.hosts(board_id))


def _moderates(user: Any, board_id: int) -> bool:
    return _signed_in(user) and user.moderates(board_id)


# --- seeing ------------------------------------------------------------------------------


def can_see_thread(user: Any, thread: Thread, now: datetime | None = None) -> bool:
    """Readers see public threads; hosts and moderators see scheduled ones; moderators
    see hidden and withdrawn ones; an author sees their own hidden thread (and why), and
    their new thread while its opening post awaits approval (as moderators do, not hosts)."""
    now = now or utcnow()
    if thread.is_public(now):
        return True
    if _moderates(user, thread.board_id):
        return True
    is_author = _signed_in(user) and thread.author_id == user.id
    if thread.status == "visible":  # scheduled, or its first post awaits approval
        if thread.post_count == 0:
            return is_author
        return _curates(user, thread.board_id)
    return thread.status == "hidden" and is_author


def can_see_post(user: Any, post: Post, thread: Thread) -> bool:
    """Whether the post stands in the thread for this reader (hidden ones as a notice)."""
    if post.status != "pending":
        return True
    return _moderates(user, thread.board_id) or (_signed_in(user) and post.author_id == user.id)


def can_read_post_text(user: Any, post: Post, thread: Thread) -> bool:
    """Readers see "removed" in place of a hidden or deleted post; moderators read it."""
    if post.status in ("published", "pending"):
        return can_see_post(user, post, thread)
    return _moderates(user, thread.board_id)


# --- writing -----------------------------------------------------------------------------


def can_create_thread(user: Any, board: Board) -> bool:
    """Members start threads, unless the board is closed (read-only) to everyone."""
    return in_good_standing(user) and not board.is_closed


def can_post_question(user: Any, board: Board) -> bool:
    """Discussion questions come from the webinar's hosts (and its moderators); none, and
    none scheduled, once the board is closed."""
    return in_good_standing(user) and _curates(user, board.id) and not board.is_closed


def can_reply(user: Any, thread: Thread) -> bool:
    """A closed board is read-only for everyone (moderators still moderate): to post there,
    reopen it, which the log records. Needs the thread's board loaded (thread_or_404 does)."""
    if not in_good_standing(user) or thread.status != "visible" or thread.board.is_closed:
        return False
    return not thread.is_locked or _curates(user, thread.board_id)


def can_edit_post(user: Any, post: Post, thread: Thread) -> bool:
    if not in_good_standing(user):
        return False
    if _moderates(user, thread.board_id):
        return True
    return (
        post.author_id == user.id
        and post.status in ("published", "pending")
        and not thread.is_locked
        and thread.status == "visible"
    )


def can_delete_post(user: Any, post: Post, thread: Thread) -> bool:
    """Authors delete their own replies (softly); a first post goes with its thread."""
    return (
        in_good_standing(user)
        and post.author_id == user.id
        and post.position > 1
        and post.status in ("published", "pending")
        and not thread.is_locked
    )


def can_withdraw_thread(user: Any, thread: Thread) -> bool:
    """An author may take back their thread while nobody has replied to it."""
    return (
        in_good_standing(user)
        and thread.author_id == user.id
        and thread.status == "visible"
        and thread.last_position <= 1
    )


def can_report_post(user: Any, post: Post) -> bool:
    return in_good_standing(user) and post.author_id != user.id and post.status == "published"


def can_edit_profile(user: Any, profile: Any) -> bool:
    return _signed_in(user) and (user.id == profile.id or user.is_admin)


# --- curating and moderating -------------------------------------------------------------


def can_curate_thread(user: Any, thread: Thread) -> bool:
    """Pin, lock and highlight: moderators, and hosts within their own board."""
    return _curates(user, thread.board_id)


def can_edit_board(user: Any, board: Board) -> bool:
    """Edit the webinar's details: its hosts, and moderators (suspended ones may not edit)."""
    return in_good_standing(user) and _curates(user, board.id)


def can_create_board(user: Any) -> bool:
    """Add a webinar to the series: administrators only. The series is the organisers'
    programme, not a matter of moderating discussion."""
    return in_good_standing(user) and user.is_admin


def can_set_board_title(user: Any, board: Board) -> bool:
    """Announce or change a webinar's title: administrators only. The title names the board
    everywhere (lists, links, the log); hosts edit the rest of their webinar's details."""
    return in_good_standing(user) and user.is_admin


def can_close_board(user: Any, board: Board) -> bool:
    """Close a board to new threads and replies, or reopen it: moderators everywhere and
    administrators, as locking a thread at the scale of a board (logged, and undone by
    reopening). Not a board's own moderators or hosts: closing ends everyone's discussion."""
    return in_good_standing(user) and user.is_moderator


def can_moderate_thread(user: Any, thread: Thread) -> bool:
    """Hide or restore a thread or its posts, split it, read earlier versions of posts."""
    return _moderates(user, thread.board_id)


def can_move_thread(user: Any, thread: Thread, target: Board) -> bool:
    return _moderates(user, thread.board_id) and _moderates(user, target.id)


def can_merge_threads(user: Any, source: Thread, target: Thread) -> bool:
    return (
        source.id != target.id
        and _moderates(user, source.board_id)
        and _moderates(user, target.board_id)
    )


def can_mark_insight(user: Any, post: Post, thread: Thread) -> bool:
    """Key insights are picked by the board's moderators and the webinar's hosts."""
    return post.status == "published" and _curates(user, thread.board_id)


def can_review_queues(user: Any) -> bool:
    """Reports, posts awaiting approval and new accounts: moderators, everywhere or of a board."""
    return _signed_in(user) and (user.is_moderator or "moderator" in _roles(user))


def can_approve_accounts(user: Any) -> bool:
    return _signed_in(user) and user.is_moderator


def can_read_log(user: Any) -> bool:
    return can_review_queues(user)


def can_sanction(user: Any, target: Any) -> bool:
    """Moderators sanction members; only administrators sanction moderators; nobody
    sanctions an administrator (or themselves)."""
    if not _signed_in(user) or user.id == target.id or target.is_admin:
        return False
    if target.is_moderator:
        return bool(user.is_admin)
    return bool(user.is_moderator)


def can_manage_roles(user: Any) -> bool:
    return _signed_in(user) and user.is_admin


def _roles(user: Any) -> set[str]:
    return {role for roles in user.board_roles.values() for role in roles}


# --- enforcing ---------------------------------------------------------------------------


def require(allowed: bool) -> None:
    """Stop the request with 403 unless `allowed`."""
    if not allowed:
        forbid()


def forbid() -> NoReturn:
    abort(403)


# Exposed to every template, so a button shows exactly when its endpoint would allow it.
TEMPLATE_PREDICATES = {
    name: value
    for name, value in globals().items()
    if name.startswith("can_") or name == "in_good_standing"
}
