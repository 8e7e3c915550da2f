"""The board list (home page), a board's page, its hosts' form for its details, and the
administrators' actions: add a webinar, announce its title, close or reopen the board."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.boards import closing, queries, services
from forum.boards.forms import (
    BoardForm,
    CloseForm,
    NewBoardForm,
    TitleForm,
)
from forum.db import utcnow
from forum.errors import ServiceError
from forum.forms import form_status, show_service_error
from forum.pagination import Pagination, page_arg
from forum.permissions import (
    can_close_board,
    can_create_board,
    can_edit_board,
    can_set_board_title,
    require,
)

bp = Blueprint("boards", __name__)


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
            return redirect(url_for("boards.show", slug=slug))
    return render_template("boards/edit.html", board=board, form=form), form_status(form)


# --- administrators: add a webinar, announce its title, close or reopen its board ------


def _report(changed: bool, done: str, unchanged: str) -> None:
    flash(done if changed else unchanged, "success" if changed else "info")


@bp.route("/boards/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    require(can_create_board(current_user))
    # The next number is offered, not imposed: it is checked like any other typed in.
    offered = {"number": queries.next_webinar_number()} if request.method == "GET" else None
    form = NewBoardForm(data=offered)
    if form.validate_on_submit():
        try:
            board = services.create_board(
                current_user, number=form.number.data, title=form.title.data, **form.details()
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(f"The board of {board.heading} is open.", "success")
            return redirect(url_for("boards.show", slug=board.slug))
    return render_template("boards/new.html", form=form), form_status(form)


@bp.route("/b/<slug>/title", methods=["GET", "POST"])
@login_required
def title(slug: str) -> ResponseReturnValue:
    board = queries.board_by_slug_or_404(slug)
    require(can_set_board_title(current_user, board))
    form = TitleForm(data={"title": board.title or ""})
    if form.validate_on_submit():
        try:
            changed = services.set_title(board, current_user, form.title.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            _report(changed, "The title is saved.", "Nothing changed.")
            return redirect(url_for("boards.show", slug=slug))
    return render_template("boards/title.html", board=board, form=form), form_status(form)


@bp.route("/b/<slug>/close", methods=["GET", "POST"])
@login_required
def close(slug: str) -> ResponseReturnValue:
    board = queries.board_by_slug_or_404(slug)
    require(can_close_board(current_user, board))
    form = CloseForm()
    if form.validate_on_submit():
        try:
            changed = closing.close_board(current_user, board, form.reason.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            done = "The board is closed to new threads and replies."
            _report(changed, done, "The board was already closed.")
            return redirect(url_for("boards.show", slug=slug))
    return render_template("boards/close.html", board=board, form=form), form_status(form)


@bp.post("/b/<slug>/reopen")
@login_required
def reopen(slug: str) -> ResponseReturnValue:
    board = queries.board_by_slug_or_404(slug)
    require(can_close_board(current_user, board))
    # CSRFProtect has checked the POST's token already: nothing else to fill in.
    changed = closing.reopen_board(current_user, board)
    done = "The board is open to new threads and replies again."
    _report(changed, done, "The board was not closed.")
    return redirect(url_for("boards.show", slug=slug))
