"""Roles, sanctions and profiles: what administrators and moderators change about a person.

Every use case takes the actor (None for a command run on the server, logged as "system"),
the person and the reason, commits once, writes one log entry when something changed and
returns whether it did. Who may call which is decided by the views (can_manage_roles,
can_sanction, can_moderate_profile); the rules that protect the forum itself (the last
administrator) live here.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from forum import audit
from forum.accounts import sessions
from forum.accounts.models import Role, User
from forum.accounts.services import PROFILE_FIELDS
from forum.boards.models import Board, BoardRole, BoardRoleKind
from forum.db import db, utcnow
from forum.errors import ServiceError
from forum.reasons import clean_reason

SITE_ROLES = {"member": Role.MEMBER, "moderator": Role.MODERATOR, "admin": Role.ADMIN}
BOARD_ROLES = {"host": BoardRoleKind.HOST, "board-moderator": BoardRoleKind.MODERATOR}
# The names `flask forum grant-role` and `revoke-role` accept.
ROLE_NAMES = (*SITE_ROLES, *BOARD_ROLES)


# --- site roles ----------------------------------------------------------------------------


def set_site_role(actor: User | None, user: User, role: Role, reason: str = "") -> bool:
    """Make `user` a member, moderator or administrator; never demote the last administrator."""
    reason = clean_reason(reason)
    if user.role == role:
        return False
    if user.role == Role.ADMIN and not _other_admins(user):
        raise ServiceError(
            "This is the only administrator: make someone else an administrator first.",
            field="role",
        )
    previous = user.role
    user.role = role
    audit.record(
        actor,
        "change_role",
        target_type="user",
        target_id=user.id,
        reason=reason,
        details={"from": str(previous), "to": str(role)},
    )
    db.session.commit()
    return True


def _other_admins(user: User) -> int:
    """Count the active administrators besides `user`. On PostgreSQL their rows stay locked
    until the commit, always in the same order, so two administrators demoting each other
    at the same moment are taken one after the other and the second is refused."""
    admins = (
        sa.select(User.id)
        .where(User.role == Role.ADMIN, User.is_active)
        .order_by(User.id)
        .with_for_update()
    )
    return sum(1 for admin_id in db.session.scalars(admins) if admin_id != user.id)


# --- board roles ---------------------------------------------------------------------------


def grant_board_role(
    actor: User | None, user: User, board: Board, kind: BoardRoleKind, reason: str = ""
) -> bool:
    """Make `user` a host or moderator of `board` (a board may have several of each)."""
    reason = clean_reason(reason)
    if _board_role(user, board, kind) is not None:
        return False
    db.session.add(
        BoardRole(
            board_id=board.id, user_id=user.id, role=kind, granted_by_id=getattr(actor, "id", None)
        )
    )
    _log_board_role(actor, "grant_board_role", user, board, kind, reason)
    try:
        db.session.commit()
    except IntegrityError:
        # Granted by someone else a moment ago: the role is there, and so is their entry.
        db.session.rollback()
        return False
    return True


def revoke_board_role(
    actor: User | None, user: User, board: Board, kind: BoardRoleKind, reason: str = ""
) -> bool:
    """Take the host or board moderator role on `board` away from `user`."""
    reason = clean_reason(reason)
    removed = db.session.execute(
        sa.delete(BoardRole).where(
            BoardRole.board_id == board.id, BoardRole.user_id == user.id, BoardRole.role == kind
        )
    )
    if not removed.rowcount:  # type: ignore[attr-defined]
        return False
    _log_board_role(actor, "revoke_board_role", user, board, kind, reason)
    db.session.commit()
    return True


def _board_role(user: User, board: Board, kind: BoardRoleKind) -> int | None:
    return db.session.scalar(
        sa.select(BoardRole.id).where(
            BoardRole.board_id == board.id, BoardRole.user_id == user.id, BoardRole.role == kind
        )
    )


def _log_board_role(
    actor: User | None, action: str, user: User, board: Board, kind: BoardRoleKind, reason: str
) -> None:
    audit.record(
        actor,
        action,
        target_type="user",
        target_id=user.id,
        board_id=board.id,
        reason=reason,
        details={"role": str(kind)},
    )


# --- any role by name (the commands) -------------------------------------------------------


def grant(
    actor: User | None, user: User, role: str, board: Board | None = None, reason: str = ""
) -> bool:
    """Give `user` the role named `role` (see ROLE_NAMES); host and board-moderator need a board."""
    if role in SITE_ROLES:
        _no_board(role, board)
        return set_site_role(actor, user, SITE_ROLES[role], reason)
    kind = _board_kind(role)
    return grant_board_role(actor, user, _need_board(role, board), kind, reason)


def revoke(
    actor: User | None, user: User, role: str, board: Board | None = None, reason: str = ""
) -> bool:
    """Take the role named `role` from `user`: a moderator or administrator becomes a member."""
    if role == "member":
        raise ServiceError("Everyone is a member: grant another role instead.", field="role")
    if role in SITE_ROLES:
        _no_board(role, board)
        if user.role != SITE_ROLES[role]:
            return False
        return set_site_role(actor, user, Role.MEMBER, reason)
    kind = _board_kind(role)
    return revoke_board_role(actor, user, _need_board(role, board), kind, reason)


def grant_by_name(
    actor: User | None, username: str, role: str, board_slug: str | None = None
) -> bool:
    """Find the account and board by name, then grant (for `flask forum grant-role`)."""
    return grant(actor, _user_named(username), role, _board_named(board_slug))


def revoke_by_name(
    actor: User | None, username: str, role: str, board_slug: str | None = None
) -> bool:
    """Find the account and board by name, then revoke (for `flask forum revoke-role`)."""
    return revoke(actor, _user_named(username), role, _board_named(board_slug))


def _board_kind(role: str) -> BoardRoleKind:
    if role not in BOARD_ROLES:
        raise ServiceError(f"Unknown role {role!r}: use one of {', '.join(ROLE_NAMES)}.", "role")
    return BOARD_ROLES[role]


def _no_board(role: str, board: Board | None) -> None:
    if board is not None:
        raise ServiceError(f"The {role} role is site-wide: leave out the board.", field="board")


def _need_board(role: str, board: Board | None) -> Board:
    if board is None:
        raise ServiceError(f"The {role} role is given on a board: name the board.", field="board")
    return board


def _user_named(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username_key == username.lower()))
    if user is None:
        raise ServiceError(f"There is no account named {username!r}.", field="username")
    return user


def _board_named(slug: str | None) -> Board | None:
    if slug is None:
        return None
    board = db.session.scalar(sa.select(Board).where(Board.slug == slug))
    if board is None:
        raise ServiceError(f"There is no board {slug!r}.", field="board")
    return board


# --- sanctions -----------------------------------------------------------------------------


def suspend(
    actor: User | None, user: User, *, until: datetime, reason: str, now: datetime | None = None
) -> bool:
    """Stop `user` posting, replying, editing and reporting until `until`; they still read."""
    reason = clean_reason(reason, required=True)
    if until <= (now or utcnow()):
        raise ServiceError("Choose an end in the future.", field="until")
    if user.suspended_until == until and user.suspension_reason == reason:
        return False
    previous = user.suspended_until
    user.suspended_until, user.suspension_reason = until, reason
    details = {"until": until.isoformat()}
    if previous is not None:
        details["previously_until"] = previous.isoformat()
    audit.record(
        actor, "suspend", target_type="user", target_id=user.id, reason=reason, details=details
    )
    db.session.commit()
    return True


def lift_suspension(
    actor: User | None, user: User, reason: str = "", now: datetime | None = None
) -> bool:
    """End the suspension of `user` now."""
    reason = clean_reason(reason)
    if not user.is_suspended(now or utcnow()):
        return False
    until = user.suspended_until
    user.suspended_until, user.suspension_reason = None, ""
    details = {"until": until.isoformat()} if until else {}
    audit.record(
        actor,
        "lift_suspension",
        target_type="user",
        target_id=user.id,
        reason=reason,
        details=details,
    )
    db.session.commit()
    return True


def ban(actor: User | None, user: User, reason: str) -> bool:
    """Close the account: it can no longer log in and its open sessions end; its posts stay."""
    reason = clean_reason(reason, required=True)
    if not user.is_active:
        return False
    user.is_active, user.ban_reason = False, reason
    # Deleted, not only refused while banned: an unban must not revive old cookies.
    sessions.forget_sessions(user.id)
    audit.record(actor, "ban", target_type="user", target_id=user.id, reason=reason)
    db.session.commit()
    return True


def unban(actor: User | None, user: User, reason: str = "") -> bool:
    """Let `user` log in again."""
    reason = clean_reason(reason)
    if user.is_active:
        return False
    user.is_active, user.ban_reason = True, ""
    audit.record(actor, "unban", target_type="user", target_id=user.id, reason=reason)
    db.session.commit()
    return True


# --- profiles ------------------------------------------------------------------------------


def edit_profile(actor: User | None, user: User, *, reason: str, **fields: str) -> bool:
    """Clear or replace what `user` shows on their public profile (an abusive bio, name,
    organisation...). Never their email or password: those stay the account holder's."""
    reason = clean_reason(reason, required=True)
    wanted = {name: (fields[name] or "").strip() for name in PROFILE_FIELDS if name in fields}
    changed = sorted(name for name, value in wanted.items() if getattr(user, name) != value)
    if not changed:
        return False
    for name in changed:
        setattr(user, name, wanted[name])
    # Which fields, not their old text: the log keeps no copy of what was abusive.
    audit.record(
        actor,
        "edit_profile",
        target_type="user",
        target_id=user.id,
        reason=reason,
        details={"fields": ", ".join(changed)},
    )
    db.session.commit()
    return True
