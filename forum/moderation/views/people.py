"""People pages (roles and sanctions) and the moderation log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from forum.accounts.models import User
from forum.accounts.queries import user_by_username_or_404
from forum.accounts.services import PROFILE_FIELDS
from forum.boards.models import Board, BoardRoleKind
from forum.boards.queries import all_boards
from forum.db import utcnow
from forum.errors import ServiceError
from forum.forms import form_status, show_service_error
from forum.moderation import log_queries, people, people_queries
from forum.moderation.log_queries import LogFilters
from forum.moderation.people_forms import (
    BanForm,
    BoardRoleForm,
    ModerateProfileForm,
    ReasonForm,
    SiteRoleForm,
    SuspendForm,
)
from forum.moderation.views.blueprint import bp
from forum.pagination import Pagination, page_arg
from forum.permissions import (
    can_approve_accounts,
    can_manage_roles,
    can_moderate_profile,
    can_read_log,
    can_sanction,
    require,
)

if TYPE_CHECKING:
    from forum.permissions import Actor

PEOPLE_PER_PAGE = 50
LOG_PER_PAGE = 50
HISTORY_LENGTH = 20


def may_browse_people(user: Actor) -> bool:
    """People pages serve those who act on people: administrators (roles) and moderators
    everywhere (sanctions), the group can_approve_accounts names."""
    return can_manage_roles(user) or can_approve_accounts(user)


def _actor() -> User:
    return current_user._get_current_object()


# --- pages ---------------------------------------------------------------------------------


@bp.get("/mod/people")
@login_required
def people_list() -> ResponseReturnValue:
    require(may_browse_people(current_user))
    search = request.args.get("q", "").strip()[:60]
    role = request.args.get("role", "")
    total = people_queries.people_count(search=search, role=role)
    pagination = Pagination(page_arg(request), PEOPLE_PER_PAGE, total)
    if not pagination.exists:
        abort(404)
    found = people_queries.people_page(
        search=search, role=role, page=pagination.page, per_page=PEOPLE_PER_PAGE
    )
    query = urlencode({k: v for k, v in (("q", search), ("role", role)) if v})
    return render_template(
        "moderation/people.html",
        people=found,
        search=search,
        role=role,
        total=total,
        pagination=pagination,
        now=utcnow(),
        base=url_for("moderation.people_list") + (f"?{query}" if query else ""),
    )


@bp.get("/mod/people/<username>")
@login_required
def person(username: str) -> ResponseReturnValue:
    someone = user_by_username_or_404(username)
    require(may_browse_people(current_user))
    return _person_page(someone)


def _person_page(someone: User, failed: dict[str, FlaskForm] | None = None) -> ResponseReturnValue:
    """Render the person page, with a refused form (and its messages) in place of a blank one."""
    forms: dict[str, FlaskForm] = {
        "role": SiteRoleForm(formdata=None, prefix="role", data={"role": str(someone.role)}),
        "board": _board_form(all_boards() if can_manage_roles(current_user) else [], formdata=None),
        "revoke": ReasonForm(formdata=None, prefix="revoke"),
        "suspend": SuspendForm(formdata=None, prefix="suspend"),
        "lift": ReasonForm(formdata=None, prefix="lift"),
        "ban": BanForm(formdata=None, prefix="ban"),
        "unban": ReasonForm(formdata=None, prefix="unban"),
        **(failed or {}),
    }
    history = log_queries.log_page(
        LogFilters(target_type="user", target_id=someone.id), page=1, per_page=HISTORY_LENGTH
    )
    page = render_template(
        "moderation/person.html",
        person=someone,
        board_roles=people_queries.board_roles(someone.id),
        forms=forms,
        history=history,
        now=utcnow(),
    )
    return page, 422 if failed else 200


def _board_form(boards: list[Board], **kwargs: Any) -> BoardRoleForm:
    form = BoardRoleForm(prefix="board", **kwargs)
    form.board.choices = [SelectChoice(str(board.id), board.heading) for board in boards]
    return form


@bp.get("/mod/log")
@login_required
def log() -> ResponseReturnValue:
    require(can_read_log(current_user))
    filters = LogFilters(
        action=request.args.get("action", "")[:40],
        actor=request.args.get("actor", "").strip()[:60],
        board=request.args.get("board", "")[:80],
        boards_in_scope=_log_scope(current_user),
    )
    pagination = Pagination(page_arg(request), LOG_PER_PAGE, log_queries.log_count(filters))
    if not pagination.exists:
        abort(404)
    entries = log_queries.log_page(filters, page=pagination.page, per_page=LOG_PER_PAGE)
    scope = filters.boards_in_scope
    query = urlencode({k: v for k in ("action", "actor", "board") if (v := getattr(filters, k))})
    return render_template(
        "moderation/log.html",
        entries=entries,
        filters=filters,
        actions=log_queries.log_actions(),
        boards=[b for b in all_boards() if scope is None or b.id in scope],
        pagination=pagination,
        people_pages=may_browse_people(current_user),
        base=url_for("moderation.log") + (f"?{query}" if query else ""),
    )


def _log_scope(user: Actor) -> set[int] | None:
    """Moderators everywhere read every entry; a board's moderators, that board's entries."""
    boards = user.moderated_boards()
    return None if boards is None else set(boards)


# --- actions -------------------------------------------------------------------------------


def _act(
    username: str,
    allowed: Callable[[User], bool],
    key: str,
    form: FlaskForm,
    action: Callable[[User], bool],
    done: str,
    unchanged: str,
) -> ResponseReturnValue:
    """Load the person, check the gate, validate `form`, call the service once, redirect."""
    someone = user_by_username_or_404(username)
    require(allowed(someone))
    if not form.validate_on_submit():
        return _person_page(someone, {key: form})
    try:
        changed = action(someone)
    except ServiceError as error:
        show_service_error(form, error)
        return _person_page(someone, {key: form})
    flash((done if changed else unchanged).format(name=someone.username), "success")
    if not may_browse_people(current_user):  # an administrator who just stepped down
        return redirect(url_for("boards.index"))
    return redirect(url_for("moderation.person", username=someone.username))


@bp.post("/mod/people/<username>/role")
@login_required
def change_site_role(username: str) -> ResponseReturnValue:
    form = SiteRoleForm(prefix="role")
    return _act(
        username,
        lambda _: can_manage_roles(current_user),
        "role",
        form,
        lambda someone: people.set_site_role(
            _actor(), someone, people.SITE_ROLES[form.role.data], form.reason.data
        ),
        "{name}'s site role is changed.",
        "{name} already had that role: nothing changed.",
    )


@bp.post("/mod/people/<username>/board-roles")
@login_required
def grant_board_role(username: str) -> ResponseReturnValue:
    boards = all_boards()
    form = _board_form(boards)
    return _act(
        username,
        lambda _: can_manage_roles(current_user),
        "board",
        form,
        lambda someone: people.grant_board_role(
            _actor(),
            someone,
            next(board for board in boards if board.id == form.board.data),
            BoardRoleKind(form.role.data),
            form.reason.data,
        ),
        "{name} has the new board role.",
        "{name} already had that role on that board: nothing changed.",
    )


@bp.post("/mod/people/<username>/board-roles/<int:board_id>/<kind>/revoke")
@login_required
def revoke_board_role(username: str, board_id: int, kind: str) -> ResponseReturnValue:
    board = {b.id: b for b in all_boards()}.get(board_id)
    if board is None or kind not in BoardRoleKind._value2member_map_:
        abort(404)
    form = ReasonForm(prefix="revoke")
    return _act(
        username,
        lambda _: can_manage_roles(current_user),
        "revoke",
        form,
        lambda someone: people.revoke_board_role(
            _actor(), someone, board, BoardRoleKind(kind), form.reason.data
        ),
        "{name} no longer has that board role.",
        "{name} did not have that board role: nothing changed.",
    )


@bp.post("/mod/people/<username>/suspend")
@login_required
def suspend(username: str) -> ResponseReturnValue:
    form = SuspendForm(prefix="suspend")
    return _act(
        username,
        lambda someone: can_sanction(current_user, someone),
        "suspend",
        form,
        lambda someone: people.suspend(
            _actor(),
            someone,
            until=datetime.combine(form.until.data, time(0), tzinfo=UTC),
            reason=form.reason.data,
        ),
        "{name} is suspended.",
        "{name} was already suspended until then for that reason: nothing changed.",
    )


@bp.post("/mod/people/<username>/lift-suspension")
@login_required
def lift_suspension(username: str) -> ResponseReturnValue:
    form = ReasonForm(prefix="lift")
    return _act(
        username,
        lambda someone: can_sanction(current_user, someone),
        "lift",
        form,
        lambda someone: people.lift_suspension(_actor(), someone, form.reason.data),
        "{name}'s suspension is lifted.",
        "{name} was not suspended: nothing changed.",
    )


@bp.post("/mod/people/<username>/ban")
@login_required
def ban(username: str) -> ResponseReturnValue:
    form = BanForm(prefix="ban")
    return _act(
        username,
        lambda someone: can_sanction(current_user, someone),
        "ban",
        form,
        lambda someone: people.ban(_actor(), someone, form.reason.data),
        "{name} is banned: the account can no longer log in.",
        "{name} was already banned: nothing changed.",
    )


@bp.post("/mod/people/<username>/unban")
@login_required
def unban(username: str) -> ResponseReturnValue:
    form = ReasonForm(prefix="unban")
    return _act(
        username,
        lambda someone: can_sanction(current_user, someone),
        "unban",
        form,
        lambda someone: people.unban(_actor(), someone, form.reason.data),
        "{name} can log in again.",
        "{name} was not banned: nothing changed.",
    )


@bp.route("/mod/people/<username>/profile", methods=["GET", "POST"])
@login_required
def moderate_profile(username: str) -> ResponseReturnValue:
    """Clear or replace what someone else shows on their profile (never email or password)."""
    someone = user_by_username_or_404(username)
    require(can_moderate_profile(current_user, someone))
    form = ModerateProfileForm(obj=someone)
    if form.validate_on_submit():
        try:
            changed = people.edit_profile(
                _actor(),
                someone,
                reason=form.reason.data,
                **{name: form[name].data for name in PROFILE_FIELDS},
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            done = f"{someone.username}'s profile is changed."
            flash(done if changed else "Nothing changed.", "success" if changed else "info")
            return redirect(url_for("accounts.profile", username=someone.username))
    page = render_template("moderation/moderate_profile.html", person=someone, form=form)
    return page, form_status(form)
