"""The permission matrix: role × action × state → allowed, refused or not even seen.

No HTTP and no database: the predicates of forum.permissions read only their arguments
(and the clock), so unsaved model objects carry all they need. Each endpoint's HTTP test
proves its gate is wired; this file proves the rules, as one table a reader can audit.

A cell is worked out as a view does it: the thread or post is first loaded for the actor
(thread_or_404 / post_or_404: can_see_thread, then can_see_post) and the action's own
predicate is asked only if they see it.

    Y   allowed
    n   refused: they see the thing but may not do this (403, and no button)
    -   not found: they may not even know it exists (404)

Roles (columns), all but the first signed in:
    anon   anonymous: not signed in (the Guest)
    pend   pending: a member whose account awaits a moderator's approval
    susp   suspended: a member suspended until next week
    memb   member: another member in good standing
    auth   author: the member in good standing who wrote the thread or post acted on
    host   host of this board (the board the thread is on)
    othr   host of another board
    bmod   board moderator: moderator of this board only
    obmd   board moderator of another board (the one `othr` hosts) only
    mod    moderator everywhere
    admin  administrator
    shst   suspended host of this board
    sbmd   suspended board moderator of this board
    smod   suspended moderator everywhere
    sadm   suspended administrator (nobody may suspend one: a suspension left over from
           before they were promoted)

A suspension takes away what a role gives until it ends: the suspended columns (in their
own table, SUSPENDED_TABLE) read as `susp` does, but for a suspended administrator's roles
page (forum.permissions says why).

States (the issue's four, and what else a thread or post can be):
    open       a public thread (post actions: a published reply in it)
    locked     the thread is locked (post actions: a published reply in a locked thread)
    hidden     hidden by a moderator: the thread (thread actions) or the reply (post actions)
    scheduled  a host's question that appears tomorrow (post actions: a reply in it)
    held       awaiting a moderator's approval: a new thread's opening post, or the reply
    withdrawn  the thread, taken back by its author (thread actions only)
    deleted    the reply, deleted by its author (post actions only)
    any        actions on a board, an account or the site: no thread involved

Thread actions act on the author's thread with no replies (unless the action says
otherwise); post actions act on the author's reply (position 2) in a thread somebody else
opened; "elsewhere" is the other board, which `othr` hosts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from werkzeug.exceptions import Forbidden

from forum import permissions
from forum.accounts.models import Guest, Role, User
from forum.boards.models import Board
from forum.db import utcnow
from forum.permissions import (
    TEMPLATE_PREDICATES,
    can_approve_accounts,
    can_close_board,
    can_create_board,
    can_create_thread,
    can_curate_thread,
    can_delete_post,
    can_edit_board,
    can_edit_post,
    can_edit_profile,
    can_manage_roles,
    can_mark_insight,
    can_merge_threads,
    can_moderate_profile,
    can_moderate_thread,
    can_move_thread,
    can_post_question,
    can_quote_post,
    can_read_log,
    can_read_post_text,
    can_read_status_reason,
    can_reply,
    can_report_post,
    can_review_queues,
    can_sanction,
    can_schedule_question,
    can_see_post,
    can_see_thread,
    can_set_board_title,
    can_withdraw_thread,
    in_good_standing,
    require,
)
from forum.threads.models import Post, PostStatus, Thread, ThreadKind, ThreadStatus

# fmt: off
MATRIX_TABLE = """
action                      state      anon pend susp memb auth host othr bmod obmd mod  admin

see_thread                  open       Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
see_thread                  locked     Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
see_thread                  hidden     -    -    -    -    Y    -    -    Y    -    Y    Y
see_thread                  scheduled  -    -    -    -    -    Y    -    Y    -    Y    Y
see_thread                  held       -    -    -    -    Y    -    -    Y    -    Y    Y
see_thread                  withdrawn  -    -    -    -    -    -    -    Y    -    Y    Y

reply                       open       n    n    n    Y    Y    Y    Y    Y    Y    Y    Y
reply                       locked     n    n    n    n    n    Y    n    Y    n    Y    Y
reply                       hidden     -    -    -    -    n    -    -    n    -    n    n
reply                       scheduled  -    -    -    -    -    Y    -    Y    -    Y    Y
reply                       held       -    -    -    -    Y    -    -    Y    -    Y    Y
reply                       withdrawn  -    -    -    -    -    -    -    n    -    n    n

withdraw_thread             open       n    n    n    n    Y    n    n    n    n    n    n
withdraw_thread             locked     n    n    n    n    Y    n    n    n    n    n    n
withdraw_thread             hidden     -    -    -    -    n    -    -    n    -    n    n
withdraw_thread             scheduled  -    -    -    -    -    n    -    n    -    n    n
withdraw_thread             held       -    -    -    -    Y    -    -    n    -    n    n
withdraw_thread             withdrawn  -    -    -    -    -    -    -    n    -    n    n
withdraw_replied_thread     open       n    n    n    n    n    n    n    n    n    n    n

curate_thread               open       n    n    n    n    n    Y    n    Y    n    Y    Y
curate_thread               locked     n    n    n    n    n    Y    n    Y    n    Y    Y
curate_thread               hidden     -    -    -    -    n    -    -    Y    -    Y    Y
curate_thread               scheduled  -    -    -    -    -    Y    -    Y    -    Y    Y
curate_thread               held       -    -    -    -    n    -    -    Y    -    Y    Y
curate_thread               withdrawn  -    -    -    -    -    -    -    Y    -    Y    Y

moderate_thread             open       n    n    n    n    n    n    n    Y    n    Y    Y
moderate_thread             locked     n    n    n    n    n    n    n    Y    n    Y    Y
moderate_thread             hidden     -    -    -    -    n    -    -    Y    -    Y    Y
moderate_thread             scheduled  -    -    -    -    -    n    -    Y    -    Y    Y
moderate_thread             held       -    -    -    -    n    -    -    Y    -    Y    Y
moderate_thread             withdrawn  -    -    -    -    -    -    -    Y    -    Y    Y

move_thread_elsewhere       open       n    n    n    n    n    n    n    n    n    Y    Y
move_thread_elsewhere       locked     n    n    n    n    n    n    n    n    n    Y    Y
move_thread_elsewhere       hidden     -    -    -    -    n    -    -    n    -    Y    Y
move_thread_elsewhere       scheduled  -    -    -    -    -    n    -    n    -    Y    Y
move_thread_elsewhere       held       -    -    -    -    n    -    -    n    -    Y    Y
move_thread_elsewhere       withdrawn  -    -    -    -    -    -    -    n    -    Y    Y

merge_thread_here           open       n    n    n    n    n    n    n    Y    n    Y    Y
merge_thread_here           locked     n    n    n    n    n    n    n    Y    n    Y    Y
merge_thread_here           hidden     -    -    -    -    n    -    -    Y    -    Y    Y
merge_thread_here           scheduled  -    -    -    -    -    n    -    Y    -    Y    Y
merge_thread_here           held       -    -    -    -    n    -    -    Y    -    Y    Y
merge_thread_here           withdrawn  -    -    -    -    -    -    -    Y    -    Y    Y
merge_thread_elsewhere      open       n    n    n    n    n    n    n    n    n    Y    Y

see_post                    open       Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
see_post                    locked     Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
see_post                    hidden     Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
see_post                    scheduled  -    -    -    -    -    Y    -    Y    -    Y    Y
see_post                    held       -    -    -    -    Y    -    -    Y    -    Y    Y
see_post                    deleted    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y

read_post_text              open       Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
read_post_text              locked     Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
read_post_text              hidden     n    n    n    n    n    n    n    Y    n    Y    Y
read_post_text              scheduled  -    -    -    -    -    Y    -    Y    -    Y    Y
read_post_text              held       -    -    -    -    Y    -    -    Y    -    Y    Y
read_post_text              deleted    n    n    n    n    n    n    n    Y    n    Y    Y

read_status_reason          open       n    n    n    n    n    n    n    n    n    n    n
read_status_reason          locked     n    n    n    n    n    n    n    n    n    n    n
read_status_reason          hidden     n    n    n    n    Y    n    n    n    n    n    n
read_status_reason          scheduled  -    -    -    -    -    n    -    n    -    n    n
read_status_reason          held       -    -    -    -    n    -    -    n    -    n    n
read_status_reason          deleted    n    n    n    n    n    n    n    n    n    n    n

quote_post                  open       n    n    n    Y    Y    Y    Y    Y    Y    Y    Y
quote_post                  locked     n    n    n    n    n    Y    n    Y    n    Y    Y
quote_post                  hidden     n    n    n    n    n    n    n    n    n    n    n
quote_post                  scheduled  -    -    -    -    -    Y    -    Y    -    Y    Y
quote_post                  held       -    -    -    -    n    -    -    n    -    n    n
quote_post                  deleted    n    n    n    n    n    n    n    n    n    n    n

edit_post                   open       n    n    n    n    Y    n    n    Y    n    Y    Y
edit_post                   locked     n    n    n    n    n    n    n    Y    n    Y    Y
edit_post                   hidden     n    n    n    n    n    n    n    Y    n    Y    Y
edit_post                   scheduled  -    -    -    -    -    n    -    Y    -    Y    Y
edit_post                   held       -    -    -    -    Y    -    -    Y    -    Y    Y
edit_post                   deleted    n    n    n    n    n    n    n    Y    n    Y    Y

delete_post                 open       n    n    n    n    Y    n    n    n    n    n    n
delete_post                 locked     n    n    n    n    n    n    n    n    n    n    n
delete_post                 hidden     n    n    n    n    n    n    n    n    n    n    n
delete_post                 scheduled  -    -    -    -    -    n    -    n    -    n    n
delete_post                 held       -    -    -    -    Y    -    -    n    -    n    n
delete_post                 deleted    n    n    n    n    n    n    n    n    n    n    n
delete_opening_post         open       n    n    n    n    n    n    n    n    n    n    n

report_post                 open       n    n    n    Y    n    Y    Y    Y    Y    Y    Y
report_post                 locked     n    n    n    Y    n    Y    Y    Y    Y    Y    Y
report_post                 hidden     n    n    n    n    n    n    n    n    n    n    n
report_post                 scheduled  -    -    -    -    -    Y    -    Y    -    Y    Y
report_post                 held       -    -    -    -    n    -    -    n    -    n    n
report_post                 deleted    n    n    n    n    n    n    n    n    n    n    n

mark_insight                open       n    n    n    n    n    Y    n    Y    n    Y    Y
mark_insight                locked     n    n    n    n    n    Y    n    Y    n    Y    Y
mark_insight                hidden     n    n    n    n    n    n    n    n    n    n    n
mark_insight                scheduled  -    -    -    -    -    Y    -    Y    -    Y    Y
mark_insight                held       -    -    -    -    n    -    -    n    -    n    n
mark_insight                deleted    n    n    n    n    n    n    n    n    n    n    n

moderate_post               open       n    n    n    n    n    n    n    Y    n    Y    Y
moderate_post               locked     n    n    n    n    n    n    n    Y    n    Y    Y
moderate_post               hidden     n    n    n    n    n    n    n    Y    n    Y    Y
moderate_post               scheduled  -    -    -    -    -    n    -    Y    -    Y    Y
moderate_post               held       -    -    -    -    n    -    -    Y    -    Y    Y
moderate_post               deleted    n    n    n    n    n    n    n    Y    n    Y    Y

create_thread               any        n    n    n    Y    Y    Y    Y    Y    Y    Y    Y
post_question               any        n    n    n    n    n    Y    n    Y    n    Y    Y
edit_board                  any        n    n    n    n    n    Y    n    Y    n    Y    Y
schedule_question           any        n    n    n    n    n    Y    n    Y    n    Y    Y
create_board                any        n    n    n    n    n    n    n    n    n    n    Y
set_board_title             any        n    n    n    n    n    n    n    n    n    n    Y
close_board                 any        n    n    n    n    n    n    n    n    n    Y    Y

write_at_all                any        n    n    n    Y    Y    Y    Y    Y    Y    Y    Y
review_queues               any        n    n    n    n    n    n    n    Y    Y    Y    Y
read_log                    any        n    n    n    n    n    n    n    Y    Y    Y    Y
approve_accounts            any        n    n    n    n    n    n    n    n    n    Y    Y
manage_roles                any        n    n    n    n    n    n    n    n    n    n    Y
sanction_member             any        n    n    n    n    n    n    n    n    n    Y    Y
sanction_moderator          any        n    n    n    n    n    n    n    n    n    n    Y
sanction_admin              any        n    n    n    n    n    n    n    n    n    n    n
edit_own_profile            any        n    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
edit_authors_profile        any        n    n    n    n    Y    n    n    n    n    n    n
moderate_authors_profile    any        n    n    n    n    n    n    n    n    n    Y    Y
moderate_moderators_profile any        n    n    n    n    n    n    n    n    n    n    Y
moderate_admins_profile     any        n    n    n    n    n    n    n    n    n    n    n
moderate_own_profile        any        n    n    n    n    n    n    n    n    n    n    n
"""

# The same rows for staff under a suspension (a second table keeps lines short enough to
# read): each column reads as `susp` does, but for a suspended administrator's roles page.
SUSPENDED_TABLE = """
action                      state      shst sbmd smod sadm

see_thread                  open       Y    Y    Y    Y
see_thread                  locked     Y    Y    Y    Y
see_thread                  hidden     -    -    -    -
see_thread                  scheduled  -    -    -    -
see_thread                  held       -    -    -    -
see_thread                  withdrawn  -    -    -    -

reply                       open       n    n    n    n
reply                       locked     n    n    n    n
reply                       hidden     -    -    -    -
reply                       scheduled  -    -    -    -
reply                       held       -    -    -    -
reply                       withdrawn  -    -    -    -

withdraw_thread             open       n    n    n    n
withdraw_thread             locked     n    n    n    n
withdraw_thread             hidden     -    -    -    -
withdraw_thread             scheduled  -    -    -    -
withdraw_thread             held       -    -    -    -
withdraw_thread             withdrawn  -    -    -    -
withdraw_replied_thread     open       n    n    n    n

curate_thread               open       n    n    n    n
curate_thread               locked     n    n    n    n
curate_thread               hidden     -    -    -    -
curate_thread               scheduled  -    -    -    -
curate_thread               held       -    -    -    -
curate_thread               withdrawn  -    -    -    -

moderate_thread             open       n    n    n    n
moderate_thread             locked     n    n    n    n
moderate_thread             hidden     -    -    -    -
moderate_thread             scheduled  -    -    -    -
moderate_thread             held       -    -    -    -
moderate_thread             withdrawn  -    -    -    -

move_thread_elsewhere       open       n    n    n    n
move_thread_elsewhere       locked     n    n    n    n
move_thread_elsewhere       hidden     -    -    -    -
move_thread_elsewhere       scheduled  -    -    -    -
move_thread_elsewhere       held       -    -    -    -
move_thread_elsewhere       withdrawn  -    -    -    -

merge_thread_here           open       n    n    n    n
merge_thread_here           locked     n    n    n    n
merge_thread_here           hidden     -    -    -    -
merge_thread_here           scheduled  -    -    -    -
merge_thread_here           held       -    -    -    -
merge_thread_here           withdrawn  -    -    -    -
merge_thread_elsewhere      open       n    n    n    n

see_post                    open       Y    Y    Y    Y
see_post                    locked     Y    Y    Y    Y
see_post                    hidden     Y    Y    Y    Y
see_post                    scheduled  -    -    -    -
see_post                    held       -    -    -    -
see_post                    deleted    Y    Y    Y    Y

read_post_text              open       Y    Y    Y    Y
read_post_text              locked     Y    Y    Y    Y
read_post_text              hidden     n    n    n    n
read_post_text              scheduled  -    -    -    -
read_post_text              held       -    -    -    -
read_post_text              deleted    n    n    n    n

read_status_reason          open       n    n    n    n
read_status_reason          locked     n    n    n    n
read_status_reason          hidden     n    n    n    n
read_status_reason          scheduled  -    -    -    -
read_status_reason          held       -    -    -    -
read_status_reason          deleted    n    n    n    n

quote_post                  open       n    n    n    n
quote_post                  locked     n    n    n    n
quote_post                  hidden     n    n    n    n
quote_post                  scheduled  -    -    -    -
quote_post                  held       -    -    -    -
quote_post                  deleted    n    n    n    n

edit_post                   open       n    n    n    n
edit_post                   locked     n    n    n    n
edit_post                   hidden     n    n    n    n
edit_post                   scheduled  -    -    -    -
edit_post                   held       -    -    -    -
edit_post                   deleted    n    n    n    n

delete_post                 open       n    n    n    n
delete_post                 locked     n    n    n    n
delete_post                 hidden     n    n    n    n
delete_post                 scheduled  -    -    -    -
delete_post                 held       -    -    -    -
delete_post                 deleted    n    n    n    n
delete_opening_post         open       n    n    n    n

report_post                 open       n    n    n    n
report_post                 locked     n    n    n    n
report_post                 hidden     n    n    n    n
report_post                 scheduled  -    -    -    -
report_post                 held       -    -    -    -
report_post                 deleted    n    n    n    n

mark_insight                open       n    n    n    n
mark_insight                locked     n    n    n    n
mark_insight                hidden     n    n    n    n
mark_insight                scheduled  -    -    -    -
mark_insight                held       -    -    -    -
mark_insight                deleted    n    n    n    n

moderate_post               open       n    n    n    n
moderate_post               locked     n    n    n    n
moderate_post               hidden     n    n    n    n
moderate_post               scheduled  -    -    -    -
moderate_post               held       -    -    -    -
moderate_post               deleted    n    n    n    n

create_thread               any        n    n    n    n
post_question               any        n    n    n    n
edit_board                  any        n    n    n    n
schedule_question           any        n    n    n    n
create_board                any        n    n    n    n
set_board_title             any        n    n    n    n
close_board                 any        n    n    n    n

write_at_all                any        n    n    n    n
review_queues               any        n    n    n    n
read_log                    any        n    n    n    n
approve_accounts            any        n    n    n    n
manage_roles                any        n    n    n    Y
sanction_member             any        n    n    n    n
sanction_moderator          any        n    n    n    n
sanction_admin              any        n    n    n    n
edit_own_profile            any        Y    Y    Y    Y
edit_authors_profile        any        n    n    n    n
moderate_authors_profile    any        n    n    n    n
moderate_moderators_profile any        n    n    n    n
moderate_admins_profile     any        n    n    n    n
moderate_own_profile        any        n    n    n    n
"""
# fmt: on

ALLOWED, REFUSED, NOT_FOUND = "Y", "n", "-"
THREAD_STATES = ("open", "locked", "hidden", "scheduled", "held", "withdrawn")
POST_STATES = ("open", "locked", "hidden", "scheduled", "held", "deleted")

THIS_BOARD, OTHER_BOARD = 1, 2
AUTHOR_ID, OPENER_ID = 1, 50  # OPENER_ID opened the thread the author's reply is in

# Each role: (column, user id, fields of the account); None is the Guest.
ROLES: dict[str, tuple[str, int, dict[str, Any]] | None] = {
    "anonymous": None,
    "pending": ("pend", 2, {"is_approved": False}),
    "suspended": ("susp", 3, {"suspended": True}),
    "member": ("memb", 4, {}),
    "author": ("auth", AUTHOR_ID, {}),
    "host": ("host", 5, {"boards": {THIS_BOARD: {"host"}}}),
    "other_host": ("othr", 6, {"boards": {OTHER_BOARD: {"host"}}}),
    "board_moderator": ("bmod", 7, {"boards": {THIS_BOARD: {"moderator"}}}),
    "other_board_moderator": ("obmd", 10, {"boards": {OTHER_BOARD: {"moderator"}}}),
    "moderator": ("mod", 8, {"role": Role.MODERATOR}),
    "admin": ("admin", 9, {"role": Role.ADMIN}),
    "suspended_host": ("shst", 11, {"boards": {THIS_BOARD: {"host"}}, "suspended": True}),
    "suspended_board_moderator": (
        "sbmd",
        12,
        {"boards": {THIS_BOARD: {"moderator"}}, "suspended": True},
    ),
    "suspended_moderator": ("smod", 13, {"role": Role.MODERATOR, "suspended": True}),
    "suspended_admin": ("sadm", 14, {"role": Role.ADMIN, "suspended": True}),
}


def _user(
    user_id: int,
    *,
    role: Role = Role.MEMBER,
    is_approved: bool = True,
    is_active: bool = True,
    suspended: bool = False,
    boards: dict[int, set[str]] | None = None,
) -> User:
    user = User(
        id=user_id,
        username=f"user{user_id}",
        role=role,
        is_active=is_active,
        is_approved=is_approved,
        suspended_until=utcnow() + timedelta(days=7) if suspended else None,
    )
    user.board_roles = {board: frozenset(kinds) for board, kinds in (boards or {}).items()}
    return user


def actor(role: str, **changes: Any) -> Any:
    """Return the person playing `role` (with `changes` to their account, e.g. banned)."""
    spec = ROLES[role]
    if spec is None:
        return Guest()
    _, user_id, fields = spec
    return _user(user_id, **{**fields, **changes})


# --- Scenes: the board, thread and post an action is tried on ----------------------------


def _board(board_id: int = THIS_BOARD) -> Board:
    return Board(id=board_id, slug=f"webinar-{board_id}", number=board_id)


def _thread(
    state: str = "open",
    *,
    thread_id: int = 10,
    board_id: int = THIS_BOARD,
    author_id: int = AUTHOR_ID,
    replies: int = 0,
) -> Thread:
    """The author's thread in `state`, with its opening post and `replies` published replies."""
    thread = Thread(
        id=thread_id,
        board_id=board_id,
        board=_board(board_id),  # can_reply reads whether the board is closed
        author_id=author_id,
        author_name=f"user{author_id}",
        title="Sharing data across borders",
        slug="sharing-data-across-borders",
        kind=ThreadKind.DISCUSSION,
        status=ThreadStatus.VISIBLE,
        publish_at=None,
        post_count=1 + replies,
        last_position=1 + replies,
        is_pinned=False,
        is_locked=False,
        is_highlighted=False,
    )
    if state == "locked":
        thread.is_locked, thread.lock_reason = True, "Answered"
    elif state == "hidden":
        thread.status, thread.status_reason = ThreadStatus.HIDDEN, "Off topic"
    elif state == "scheduled":
        thread.kind, thread.publish_at = ThreadKind.QUESTION, utcnow() + timedelta(days=1)
    elif state == "held":
        thread.post_count -= 1  # its opening post awaits approval
    elif state == "withdrawn":
        thread.status = ThreadStatus.WITHDRAWN
    else:
        assert state == "open", state
    return thread


def _reply(state: str = "open", *, position: int = 2) -> tuple[Post, Thread]:
    """The author's post at `position` in `state`, and the thread it is in."""
    opener = AUTHOR_ID if position == 1 else OPENER_ID
    thread_state = state if state in ("locked", "scheduled") else "open"
    thread = _thread(thread_state, author_id=opener, replies=1)
    post = Post(
        id=100,
        thread_id=thread.id,
        position=position,
        author_id=AUTHOR_ID,
        author_name=f"user{AUTHOR_ID}",
        status=PostStatus.PUBLISHED,
        is_key_insight=False,
    )
    if state in ("hidden", "held", "deleted"):
        post.status = {"hidden": PostStatus.HIDDEN, "held": PostStatus.PENDING}.get(
            state, PostStatus.DELETED
        )
        post.status_reason = "Off topic" if state == "hidden" else ""
        thread.post_count -= 1  # threads count published posts only
    return post, thread


def _cell(allowed: bool) -> str:
    assert isinstance(allowed, bool), f"a predicate returned {allowed!r}, not a bool"
    return ALLOWED if allowed else REFUSED


def _on_thread(predicate: Callable[[Any, Thread], bool], **scene: Any) -> Callable[..., str]:
    def run(user: Any, state: str) -> str:
        thread = _thread(state, **scene)
        return _cell(predicate(user, thread)) if can_see_thread(user, thread) else NOT_FOUND

    return run


def _on_post(predicate: Callable[[Any, Post, Thread], bool], **scene: Any) -> Callable[..., str]:
    def run(user: Any, state: str) -> str:
        post, thread = _reply(state, **scene)
        if not (can_see_thread(user, thread) and can_see_post(user, post, thread)):
            return NOT_FOUND
        return _cell(predicate(user, post, thread))

    return run


def _on_site(predicate: Callable[[Any], bool]) -> Callable[..., str]:
    return lambda user, state: _cell(predicate(user))


def _see_thread(user: Any, state: str) -> str:
    return ALLOWED if can_see_thread(user, _thread(state)) else NOT_FOUND


def _see_post(user: Any, state: str) -> str:
    post, thread = _reply(state)
    seen = can_see_thread(user, thread) and can_see_post(user, post, thread)
    return ALLOWED if seen else NOT_FOUND


def _sanction(target: User) -> Callable[..., str]:
    return lambda user, state: _cell(can_sanction(user, target))


def _edit_own_profile(user: Any, state: str) -> str:
    return _cell(can_edit_profile(user, user))


def _moderate_profile_of(target: User) -> Callable[..., str]:
    return lambda user, state: _cell(can_moderate_profile(user, target))


def _moderate_own_profile(user: Any, state: str) -> str:
    return _cell(can_moderate_profile(user, user))


# Each action: the predicate it puts to the test, and how a cell is worked out.
ACTIONS: dict[str, tuple[Callable[..., bool], Callable[[Any, str], str]]] = {
    "see_thread": (can_see_thread, _see_thread),
    "reply": (can_reply, _on_thread(can_reply)),
    "withdraw_thread": (can_withdraw_thread, _on_thread(can_withdraw_thread)),
    "withdraw_replied_thread": (can_withdraw_thread, _on_thread(can_withdraw_thread, replies=1)),
    "curate_thread": (can_curate_thread, _on_thread(can_curate_thread)),
    "moderate_thread": (can_moderate_thread, _on_thread(can_moderate_thread)),
    "move_thread_elsewhere": (
        can_move_thread,
        _on_thread(lambda user, thread: can_move_thread(user, thread, _board(OTHER_BOARD))),
    ),
    "merge_thread_here": (
        can_merge_threads,
        _on_thread(lambda user, thread: can_merge_threads(user, thread, _thread(thread_id=11))),
    ),
    "merge_thread_elsewhere": (
        can_merge_threads,
        _on_thread(
            lambda user, thread: can_merge_threads(
                user, thread, _thread(thread_id=12, board_id=OTHER_BOARD)
            )
        ),
    ),
    "see_post": (can_see_post, _see_post),
    "read_post_text": (can_read_post_text, _on_post(can_read_post_text)),
    # The author of a hidden post reads why the moderator hid it (the thread page's notice).
    "read_status_reason": (
        can_read_status_reason,
        _on_post(lambda user, post, thread: can_read_status_reason(user, post)),
    ),
    "quote_post": (can_quote_post, _on_post(can_quote_post)),
    "edit_post": (can_edit_post, _on_post(can_edit_post)),
    "delete_post": (can_delete_post, _on_post(can_delete_post)),
    "delete_opening_post": (can_delete_post, _on_post(can_delete_post, position=1)),
    "report_post": (
        can_report_post,
        _on_post(lambda user, post, thread: can_report_post(user, post)),
    ),
    "mark_insight": (can_mark_insight, _on_post(can_mark_insight)),
    # Hide a reply, approve a held one: the thread's moderators, once they see the post.
    "moderate_post": (
        can_moderate_thread,
        _on_post(lambda user, post, thread: can_moderate_thread(user, thread)),
    ),
    "create_thread": (can_create_thread, _on_site(lambda user: can_create_thread(user, _board()))),
    "post_question": (can_post_question, _on_site(lambda user: can_post_question(user, _board()))),
    "edit_board": (can_edit_board, _on_site(lambda user: can_edit_board(user, _board()))),
    "schedule_question": (
        can_schedule_question,
        _on_site(lambda user: can_schedule_question(user, _board(), None)),
    ),
    "create_board": (can_create_board, _on_site(can_create_board)),
    "set_board_title": (
        can_set_board_title,
        _on_site(lambda user: can_set_board_title(user, _board())),
    ),
    "close_board": (can_close_board, _on_site(lambda user: can_close_board(user, _board()))),
    "write_at_all": (in_good_standing, _on_site(in_good_standing)),
    "review_queues": (can_review_queues, _on_site(can_review_queues)),
    "read_log": (can_read_log, _on_site(can_read_log)),
    "approve_accounts": (can_approve_accounts, _on_site(can_approve_accounts)),
    "manage_roles": (can_manage_roles, _on_site(can_manage_roles)),
    "sanction_member": (can_sanction, _sanction(_user(90))),
    "sanction_moderator": (can_sanction, _sanction(_user(91, role=Role.MODERATOR))),
    "sanction_admin": (can_sanction, _sanction(_user(92, role=Role.ADMIN))),
    "edit_own_profile": (can_edit_profile, _edit_own_profile),
    "edit_authors_profile": (
        can_edit_profile,
        _on_site(lambda user: can_edit_profile(user, _user(AUTHOR_ID))),
    ),
    "moderate_authors_profile": (can_moderate_profile, _moderate_profile_of(_user(AUTHOR_ID))),
    "moderate_moderators_profile": (
        can_moderate_profile,
        _moderate_profile_of(_user(91, role=Role.MODERATOR)),
    ),
    "moderate_admins_profile": (
        can_moderate_profile,
        _moderate_profile_of(_user(92, role=Role.ADMIN)),
    ),
    "moderate_own_profile": (can_moderate_profile, _moderate_own_profile),
}


def _parse(table: str) -> tuple[list[str], dict[tuple[str, str], dict[str, str]]]:
    header, *lines = [line.split() for line in table.strip().splitlines() if line.strip()]
    columns = header[2:]
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for action, state, *cells in lines:
        assert len(cells) == len(columns), f"{action} {state}: {len(cells)} cells"
        assert (action, state) not in rows, f"{action} {state} appears twice"
        rows[action, state] = dict(zip(columns, cells, strict=True))
    return columns, rows


def _join(
    *tables: tuple[list[str], dict[tuple[str, str], dict[str, str]]],
) -> tuple[list[str], dict[tuple[str, str], dict[str, str]]]:
    """Put the columns of tables with the same rows side by side."""
    columns: list[str] = []
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for table_columns, table_rows in tables:
        assert not rows or list(table_rows) == list(rows), "the tables' rows differ"
        columns += table_columns
        for key, cells in table_rows.items():
            rows.setdefault(key, {}).update(cells)
    return columns, rows


COLUMNS, MATRIX = _join(_parse(MATRIX_TABLE), _parse(SUSPENDED_TABLE))
CASES = [
    pytest.param(action, state, role, expected, id=f"{action}-{state}-{role}")
    for (action, state), cells in MATRIX.items()
    for role, spec in ROLES.items()
    for expected in [cells[spec[0] if spec else "anon"]]
]


def outcome(action: str, state: str, user: Any) -> str:
    return ACTIONS[action][1](user, state)


@pytest.mark.parametrize(("action", "state", "role", "expected"), CASES)
def test_permission_matrix(action: str, state: str, role: str, expected: str) -> None:
    assert outcome(action, state, actor(role)) == expected


# --- The table itself --------------------------------------------------------------------


def test_the_matrix_has_a_column_per_role_and_a_row_per_action_and_state() -> None:
    assert COLUMNS == ["anon"] + [spec[0] for spec in ROLES.values() if spec]
    assert {action for action, _ in MATRIX} == set(ACTIONS)
    for action in ACTIONS:
        states = tuple(state for name, state in MATRIX if name == action)
        assert states in (THREAD_STATES, POST_STATES, ("open",), ("any",)), (action, states)
    assert len(CASES) == len(MATRIX) * len(ROLES) == 120 * 15


def test_every_template_predicate_appears_in_the_matrix() -> None:
    tested = {predicate.__name__ for predicate, _ in ACTIONS.values()}
    assert tested == set(TEMPLATE_PREDICATES)


def test_template_predicates_are_the_very_functions_views_use() -> None:
    assert TEMPLATE_PREDICATES == {
        name: getattr(permissions, name)
        for name in dir(permissions)
        if name.startswith("can_") or name == "in_good_standing"
    }
    assert all(callable(predicate) for predicate in TEMPLATE_PREDICATES.values())


# --- Standing: banned, pending and suspended accounts ------------------------------------


@pytest.mark.parametrize(("action", "state"), list(MATRIX))
def test_a_banned_account_of_any_role_counts_as_anonymous(action: str, state: str) -> None:
    anonymous = MATRIX[action, state]["anon"]
    banned = {
        role: outcome(action, state, actor(role, is_active=False))
        for role in ROLES
        if role != "anonymous"
    }
    assert banned == dict.fromkeys(banned, anonymous)


@pytest.mark.parametrize("standing", [{"is_approved": False}, {"suspended": True}])
def test_an_author_not_in_good_standing_still_reads_their_own_but_may_not_write(
    standing: dict[str, Any],
) -> None:
    author = actor("author", **standing)
    for action, state in [
        ("see_thread", "hidden"),
        ("see_post", "held"),
        ("read_post_text", "held"),
    ]:
        assert outcome(action, state, author) == ALLOWED, (action, state)
    for action, state in [
        ("reply", "open"),
        ("withdraw_thread", "open"),
        ("edit_post", "open"),
        ("edit_post", "held"),
        ("delete_post", "open"),
        ("create_thread", "any"),
    ]:
        assert MATRIX[action, state]["auth"] == ALLOWED
        assert outcome(action, state, author) == REFUSED, (action, state)


# Suspended members "cannot post, reply, edit or report" (the issue): whatever their role.
WRITES = [
    ("reply", "open"),
    ("edit_post", "open"),
    ("report_post", "open"),
    ("create_thread", "any"),
    ("post_question", "any"),
    ("edit_board", "any"),
    ("schedule_question", "any"),
    ("create_board", "any"),
    ("set_board_title", "any"),
    ("close_board", "any"),
    ("write_at_all", "any"),
]


@pytest.mark.parametrize("standing", [{"is_approved": False}, {"suspended": True}])
@pytest.mark.parametrize("role", ["host", "board_moderator", "moderator", "admin"])
def test_pending_or_suspended_hosts_and_moderators_may_not_write_either(
    role: str, standing: dict[str, Any]
) -> None:
    column = ROLES[role][0]  # type: ignore[index]
    writes = [(a, s) for a, s in WRITES if MATRIX[a, s][column] == ALLOWED]
    assert len(writes) >= 4
    for action, state in writes:
        assert outcome(action, state, actor(role, **standing)) == REFUSED, (action, state)


def test_a_suspension_that_has_ended_no_longer_counts() -> None:
    member = _user(4)
    member.suspended_until = utcnow() - timedelta(minutes=1)
    assert in_good_standing(member) is True
    assert can_reply(member, _thread()) is True


SUSPENDED_STAFF = ["suspended_host", "suspended_board_moderator", "suspended_moderator"]


@pytest.mark.parametrize("role", SUSPENDED_STAFF)
def test_staff_get_their_powers_back_when_the_suspension_ends(role: str) -> None:
    # The predicates read the clock they are given: a week and a day later, it has ended.
    later = utcnow() + timedelta(days=8)
    staff = actor(role)
    thread = _thread("scheduled")
    assert can_see_thread(staff, thread) is False
    assert can_curate_thread(staff, thread) is False
    assert can_see_thread(staff, thread, later) is True
    assert can_curate_thread(staff, thread, later) is True
    assert can_post_question(staff, _board(), later) is True


def test_a_suspended_moderator_moderates_again_once_the_suspension_ends() -> None:
    later = utcnow() + timedelta(days=8)
    moderator, member = actor("suspended_moderator"), _user(90)
    post, thread = _reply("held")
    assert (can_review_queues(moderator), can_review_queues(moderator, later)) == (False, True)
    assert (can_sanction(moderator, member), can_sanction(moderator, member, later)) == (
        False,
        True,
    )
    assert can_see_post(moderator, post, thread) is False
    assert can_see_post(moderator, post, thread, later) is True
    assert can_moderate_thread(moderator, thread, later) is True


# --- Rules the table does not show --------------------------------------------------------


def test_a_host_curates_their_own_board_and_a_board_moderator_moves_between_their_boards() -> None:
    elsewhere = _thread(board_id=OTHER_BOARD)
    assert can_curate_thread(actor("other_host"), elsewhere) is True
    assert can_post_question(actor("other_host"), _board(OTHER_BOARD)) is True
    both = _user(7, boards={THIS_BOARD: {"moderator"}, OTHER_BOARD: {"moderator"}})
    assert can_move_thread(both, _thread(), _board(OTHER_BOARD)) is True
    assert can_merge_threads(both, _thread(), _thread(thread_id=12, board_id=OTHER_BOARD))


def test_no_one_merges_a_thread_into_itself() -> None:
    thread = _thread()
    assert can_merge_threads(actor("admin"), thread, _thread()) is False
    assert can_merge_threads(actor("admin"), thread, _thread(thread_id=11)) is True


def test_no_one_sanctions_themselves() -> None:
    for role in ("moderator", "admin"):
        assert can_sanction(actor(role), actor(role)) is False


def test_a_guest_may_not_edit_a_post_whose_author_was_deleted() -> None:
    # Both ids are None: the rule must not read that as "the guest wrote it".
    thread = _thread()
    orphan = Post(id=100, thread_id=thread.id, author_id=None, position=2, status="published")
    assert can_edit_post(Guest(), orphan, thread) is False
    assert can_delete_post(Guest(), orphan, thread) is False


def test_a_member_may_not_edit_a_post_whose_author_was_deleted() -> None:
    thread = _thread()
    orphan = Post(id=100, thread_id=thread.id, author_id=None, position=2, status="published")
    assert can_edit_post(actor("member"), orphan, thread) is False
    assert can_edit_post(actor("moderator"), orphan, thread) is True
    assert can_report_post(actor("member"), orphan) is True


def test_a_guest_may_not_edit_a_guest_profile() -> None:
    assert can_edit_profile(Guest(), Guest()) is False


def test_require_passes_when_allowed() -> None:
    assert require(True) is None


def test_require_stops_with_403_when_not_allowed() -> None:
    with pytest.raises(Forbidden):
        require(False)
