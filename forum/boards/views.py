"""The board list (home page) and a board's page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from forum.boards import queries
from forum.db import utcnow
from forum.pagination import Pagination, page_arg

bp = Blueprint("boards", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    boards = queries.all_boards()
    today = utcnow().date()
    upcoming = [b for b in boards if b.is_upcoming(today)]
    past = [b for b in boards if not b.is_upcoming(today)]
    return render_template("boards/index.html", upcoming=upcoming, past=past)


@bp.get("/b/<slug>")
def show(slug: str) -> ResponseReturnValue:
    board = queries.board_by_slug_or_404(slug)
    per_page = current_app.config["THREADS_PER_PAGE"]
    pagination = Pagination(page_arg(request), per_page, board.thread_count)
    if not pagination.exists:
        abort(404)
    threads = queries.board_threads(board, page=pagination.page, per_page=per_page)
    return render_template("boards/show.html", board=board, threads=threads, pagination=pagination)
