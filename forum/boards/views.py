"""The board list (home page), a board's page, and its hosts' form for its details."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.boards import queries, services
from forum.boards.forms import BoardForm, in_zone, zone_choices
from forum.db import utcnow
from forum.errors import ServiceError
from forum.forms import form_status, show_service_error
from forum.pagination import Pagination, page_arg
from forum.permissions import can_edit_board, require

bp = Blueprint("boards", __name__)


@bp.app_template_filter("in_zone")
def _in_zone_filter(moment: datetime | None, zone: str) -> datetime | None:
    """A stored UTC time as the wall-clock time of `zone` (a board's time zone)."""
    return in_zone(moment, zone) if moment else None


@bp.app_template_filter("zoned_datetime")
def _zoned_datetime(moment: datetime | None, zone: str) -> str:
    """Format a stored UTC time in `zone`: 5 September 2025, 14:00 Europe/Brussels (UTC+02:00)."""
    if moment is None:
        return ""
    local = in_zone(moment, zone)
    offset = local.strftime("%z")
    return f"{local.day} {local:%B %Y, %H:%M} {zone} time (UTC{offset[:3]}:{offset[3:]})"


bp.add_app_template_global(zone_choices, "time_zone_choices")


@bp.get("/")
def index() -> ResponseReturnValue:
    now = utcnow()
    boards = queries.all_boards()
    upcoming = [b for b in boards if b.is_upcoming(now.date())]
    past = [b for b in boards if not b.is_upcoming(now.date())]
    return render_template(
        "boards/index.html",
        upcoming=upcoming,
        past=past,
        stats=queries.board_stats(now),
        no_discussion=queries.NO_DISCUSSION,
    )


@bp.get("/b/<slug>")
def show(slug: str) -> ResponseReturnValue:
    now = utcnow()
    board = queries.board_by_slug_or_404(slug)
    per_page = current_app.config["THREADS_PER_PAGE"]
    total = queries.board_thread_count(board, current_user, now)
    pagination = Pagination(page_arg(request), per_page, total)
    if not pagination.exists:
        abort(404)
    threads = queries.board_threads(
        board, current_user, now, page=pagination.page, per_page=per_page
    )
    questions = queries.board_questions(board, current_user, now) if pagination.page == 1 else []
    insights = queries.board_key_insights(board, now) if pagination.page == 1 else []
    return render_template(
        "boards/show.html",
        board=board,
        threads=threads,
        questions=questions,
        insights=insights,
        pagination=pagination,
        now=now,
    )


@bp.route("/b/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> ResponseReturnValue:
    board = queries.board_by_slug_or_404(slug)
    require(can_edit_board(current_user, board))
    form = BoardForm.for_board(board)
    if form.validate_on_submit():
        try:
            changed = services.update_details(board, current_user, **form.details())
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash("The webinar's details are saved." if changed else "Nothing changed.", "success")
            return redirect(f"/b/{slug}")
    return render_template("boards/edit.html", board=board, form=form), form_status(form)
