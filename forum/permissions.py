"""Who may do what: one predicate per action, shared by views (require) and templates.

Every predicate takes the actor first (a User or the Guest) and the object second, and
reads nothing else but the clock (`now`, where scheduling or a suspension matters): no
request, no session, no current_user. The actor's roles on boards come with the actor
(User.board_roles: loaded with the logged-in user, and on first use for any other account).

Roles: the guest; a member (pending approval, suspended or in good standing); the author
of the thing acted on; a host of a board (of this board or of another); a moderator of a
board (of this board or of another); a moderator everywhere; an administrator.

A suspension takes away every power a role gives until it ends: a suspended host,
moderator or administrator reads what a suspended member reads and hosts, curates,
moderates, reviews queues, reads the log and sanctions nobody. One exception: a suspended
administrator still manages roles. Nobody may sanction an administrator (can_sanction),
so their suspension is one left over from before they were promoted, which only role
changes can clear (demote, lift, promote again), and the only administrator must never be
locked out of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from flask import abort

# Standing (signed in, in good standing, on duty, curates, moderates) is forum.standing's,
# named here too: predicates below and callers elsewhere use these names.
from forum.standing import curates as curates
from forum.standing import in_good_standing as in_good_standing
from forum.standing import moderates as moderates
from forum.standing import on_duty as on_duty
from forum.standing import signed_in as _signed_in
from forum.threads import visibility

if TYPE_CHECKING:
    from typing import TypeAlias

    from forum.accounts.models import Guest, User
    from forum.boards.models import Board
    from forum.threads.models import Post, Thread

    # Whoever acts or reads: an account, or the visitor who has not logged in.
    Actor: TypeAlias = User | Guest


# --- seeing ------------------------------------------------------------------------------
# Defined with their SQL twins in forum.threads.visibility; named here for views and templates.

can_see_thread = visibility.can_see_thread
can_see_post = visibility.can_see_post
can_read_post_text = visibility.can_read_post_text
can_read_status_reason = visibility.can_read_status_reason


# --- writing -----------------------------------------------------------------------------


def can_create_thread(user: Actor, board: Board) -> bool:
    """Members start threads, unless the board is closed (read-only) to everyone."""
    return in_good_standing(user) and not board.is_closed


def can_post_question(user: Actor, board: Board, now: datetime | None = None) -> bool:
    """Discussion questions come from the webinar's hosts (and its moderators); none, and
    none scheduled, once the board is closed."""
    return in_good_standing(user, now) and curates(user, board.id, now) and not board.is_closed


def can_reply(user: Actor, thread: Thread, now: datetime | None = None) -> bool:
    """A closed board is read-only for everyone (moderators still moderate): to post there,
    reopen it, which the log records. Needs the thread's board loaded (thread_or_404 does)."""
    if not in_good_standing(user, now) or thread.status != "visible" or thread.board.is_closed:
        return False
    return not thread.is_locked or curates(user, thread.board_id, now)


def can_quote_post(user: Actor, post: Post, thread: Thread, now: datetime | None = None) -> bool:
    """Quote a post in a reply: only published text the reader may read. A moderator reads
    hidden, deleted and pending posts but may not quote them: a quote would publish again,
    in a public reply, what was removed or never approved."""
    return (
        post.status == "published"
        and can_reply(user, thread, now)
        and can_read_post_text(user, post, thread, now)
    )


def can_edit_post(user: Actor, post: Post, thread: Thread, now: datetime | None = None) -> bool:
    if not in_good_standing(user, now):
        return False
    if moderates(user, thread.board_id, now):
        return True
    return (
        post.author_id == user.id
        and post.status in ("published", "pending")
        and not thread.is_locked
        and thread.status == "visible"
    )


def can_delete_post(user: Actor, post: Post, thread: Thread) -> bool:
    """Authors delete their own replies (softly); a first post goes with its thread."""
    return (
        in_good_standing(user)
        and post.author_id == user.id
        and post.position > 1
        and post.status in ("published", "pending")
        and not thread.is_locked
    )


def can_withdraw_thread(user: Actor, thread: Thread) -> bool:
    """An author may take back their thread while nobody has replied to it."""
    return (
        in_good_standing(user)
        and thread.author_id == user.id
        and thread.status == "visible"
        and thread.last_position <= 1
    )


def can_report_post(user: Actor, post: Post) -> bool:
    return in_good_standing(user) and post.author_id != user.id and post.status == "published"


def can_edit_profile(user: Actor, profile: Actor) -> bool:
    """Edit one's own profile (the settings page, which always edits the signed-in account).

    Moderators change someone else's through can_moderate_profile."""
    return _signed_in(user) and user.id == profile.id


# --- curating and moderating -------------------------------------------------------------


def can_curate_thread(user: Actor, thread: Thread, now: datetime | None = None) -> bool:
    """Pin, lock and highlight: moderators, and hosts within their own board."""
    return curates(user, thread.board_id, now)


def can_edit_board(user: Actor, board: Board, now: datetime | None = None) -> bool:
    """Edit the webinar's details: its hosts, and moderators (suspended ones may not edit)."""
    return in_good_standing(user, now) and curates(user, board.id, now)


def can_schedule_question(user: Actor, board: Board, now: datetime | None = None) -> bool:
    """Change when a question on the board appears, or publish it now: the webinar's hosts
    and moderators, in good standing (the thread page's forms and their endpoints ask this)."""
    return in_good_standing(user, now) and curates(user, board.id, now)


def can_create_board(user: Actor) -> bool:
    """Add a webinar to the series: administrators only. The series is the organisers'
    programme, not a matter of moderating discussion."""
    return in_good_standing(user) and user.is_admin


def can_set_board_title(user: Actor, board: Board) -> bool:
    """Announce or change a webinar's title: administrators only. The title names the board
    everywhere (lists, links, the log); hosts edit the rest of their webinar's details."""
    return in_good_standing(user) and user.is_admin


def can_close_board(user: Actor, board: Board) -> bool:
    """Close a board to new threads and replies, or reopen it: moderators everywhere and
    administrators, as locking a thread at the scale of a board (logged, and undone by
    reopening). Not a board's own moderators or hosts: closing ends everyone's discussion."""
    return in_good_standing(user) and user.is_moderator


def can_moderate_thread(user: Actor, thread: Thread, now: datetime | None = None) -> bool:
    """Hide or restore a thread or its posts, split it, read earlier versions of posts."""
    return moderates(user, thread.board_id, now)


def can_move_thread(
    user: Actor, thread: Thread, target: Board, now: datetime | None = None
) -> bool:
    return moderates(user, thread.board_id, now) and moderates(user, target.id, now)


def can_merge_threads(
    user: Actor, source: Thread, target: Thread, now: datetime | None = None
) -> bool:
    return (
        source.id != target.id
        and moderates(user, source.board_id, now)
        and moderates(user, target.board_id, now)
    )


def can_mark_insight(user: Actor, post: Post, thread: Thread, now: datetime | None = None) -> bool:
    """Key insights are picked by the board's moderators and the webinar's hosts."""
    return post.status == "published" and curates(user, thread.board_id, now)


def can_review_queues(user: Actor, now: datetime | None = None) -> bool:
    """Reports, posts awaiting approval and new accounts: moderators, everywhere or of a board."""
    return on_duty(user, now) and user.moderated_boards() != frozenset()


def can_approve_accounts(user: Actor, now: datetime | None = None) -> bool:
    return on_duty(user, now) and user.is_moderator


def can_read_log(user: Actor, now: datetime | None = None) -> bool:
    return can_review_queues(user, now)


def can_sanction(user: Actor, target: Actor, now: datetime | None = None) -> bool:
    """Moderators sanction members; only administrators sanction moderators; nobody
    sanctions an administrator (or themselves)."""
    if not on_duty(user, now) or user.id == target.id or target.is_admin:
        return False
    if target.is_moderator:
        return bool(user.is_admin)
    return bool(user.is_moderator)


def can_moderate_profile(user: Actor, profile: Actor, now: datetime | None = None) -> bool:
    """Clear or replace what someone else shows on their profile (an abusive bio or name):
    whoever may sanction them, so never an administrator's, nor one's own (that is
    can_edit_profile)."""
    return can_sanction(user, profile, now)


def can_manage_roles(user: Actor) -> bool:
    """Administrators; a suspended one too (see the module's docstring)."""
    return _signed_in(user) and user.is_admin


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
