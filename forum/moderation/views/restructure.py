"""Restructuring threads: move to another board, merge into another thread, split posts out.

Each page shows its form on GET and acts on POST (CSRF-checked), for the moderators of the
thread's board. Boards offered are those the moderator may move to; a board sent that is
not one of them is refused with 403 by the same predicate.
"""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired

from forum.boards.models import Board
from forum.boards.queries import all_boards
from forum.db import db
from forum.errors import ServiceError
from forum.forms import ForumForm, form_status, show_service_error, strip
from forum.moderation import restructure
from forum.moderation.views.blueprint import bp
from forum.permissions import (
    can_merge_threads,
    can_moderate_thread,
    can_move_thread,
    can_see_thread,
    require,
)
from forum.reasons import reason_field
from forum.threads.forms import title_field
from forum.threads.models import Thread
from forum.threads.queries import thread_or_404, thread_or_none


def _reason_field() -> TextAreaField:
    return reason_field("Reason, for the moderation log (optional)", multiline=True)


class MoveForm(ForumForm):
    board = SelectField("Move to board", coerce=int, validate_choice=False)
    reason = _reason_field()


class MergeForm(ForumForm):
    target = StringField(
        "Merge into thread",
        filters=[strip],
        description="The other thread's number or its address, such as /t/123/its-title.",
        validators=[DataRequired(message="Please give the thread to merge into.")],
    )
    reason = _reason_field()


class SplitForm(ForumForm):
    # Checked against the thread's posts by the service, which says what is wrong.
    posts = SelectMultipleField("Posts to split out", coerce=int, validate_choice=False)
    title = title_field("Title of the new thread", "Please give the new thread a title.")
    board = SelectField("Board of the new thread", coerce=int, validate_choice=False)
    reason = _reason_field()


_THREAD_NUMBER = re.compile(r"#?(\d{1,18})")
_THREAD_ADDRESS = re.compile(r"/t/(\d{1,18})(?:[/?#]|$)")


def _thread_number(text: str) -> int | None:
    """Read a thread's number from "123", "#123" or an address such as https://…/t/123/…"""
    match = _THREAD_NUMBER.fullmatch(text) or _THREAD_ADDRESS.search(text)
    return int(match.group(1)) if match else None


def _load(thread_id: int) -> Thread:
    """Return the thread the moderator may restructure (404 unseen, 403 not theirs)."""
    thread = thread_or_404(thread_id, current_user)
    require(can_moderate_thread(current_user, thread))
    return thread


def _boards_for(thread: Thread, *, keep_current: bool) -> list[Board]:
    return [
        board
        for board in all_boards()
        if can_move_thread(current_user, thread, board)
        and (keep_current or board.id != thread.board_id)
    ]


def _chosen_board(board_id: int | None, thread: Thread) -> Board | None:
    """Return the board sent in the form; 403 if the moderator may not move there."""
    board = db.session.get(Board, board_id) if board_id is not None else None
    if board is not None:
        require(can_move_thread(current_user, thread, board))
    return board


def _merged_elsewhere(thread: Thread, action: str) -> ResponseReturnValue | None:
    """A merged thread has no posts of its own: its pages lead to the thread it joined."""
    if thread.merged_into_id is None:
        return None
    return redirect(url_for(f"moderation.{action}_thread", thread_id=thread.merged_into_id))


@bp.route("/t/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move_thread(thread_id: int) -> ResponseReturnValue:
    thread = _load(thread_id)
    if (elsewhere := _merged_elsewhere(thread, "move")) is not None:
        return elsewhere
    boards = _boards_for(thread, keep_current=False)
    form = MoveForm()
    form.board.choices = [(b.id, b.heading) for b in boards]
    if form.validate_on_submit():
        board = _chosen_board(form.board.data, thread)
        if board is None:
            form.board.errors.append("Please choose a board.")
        else:
            moved = restructure.move_thread(current_user, thread, board, form.reason.data or "")
            flash(
                f"The thread is moved to {board.heading}." if moved else "Nothing changed.",
                "success" if moved else "info",
            )
            return redirect(url_for("threads.show", thread_id=thread.id, slug=thread.slug))
    page = render_template("moderation/move.html", thread=thread, form=form, boards=boards)
    return page, form_status(form)


@bp.route("/t/<int:thread_id>/merge", methods=["GET", "POST"])
@login_required
def merge_thread(thread_id: int) -> ResponseReturnValue:
    thread = _load(thread_id)
    if (elsewhere := _merged_elsewhere(thread, "merge")) is not None:
        return elsewhere
    form = MergeForm()
    if form.validate_on_submit():
        target = _merge_target(thread, form)
        if target is not None:
            title = thread.title
            target_path = url_for("threads.show", thread_id=target.id, slug=target.slug)
            try:
                restructure.merge_threads(current_user, thread, target, form.reason.data or "")
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash(f"“{title}” is merged into this thread.", "success")
                return redirect(target_path)
    page = render_template("moderation/merge.html", thread=thread, form=form)
    return page, form_status(form)


def _merge_target(thread: Thread, form: MergeForm) -> Thread | None:
    """Return the thread named in the form, or None with the reason put next to the field."""
    number = _thread_number(form.target.data or "")
    target = thread_or_none(number) if number is not None else None
    if target is None or not can_see_thread(current_user, target):
        form.target.errors.append("There is no such thread: give its number or its address.")
    elif target.id == thread.id:
        form.target.errors.append("That is this thread: choose the one to merge it into.")
    elif not can_merge_threads(current_user, thread, target):
        form.target.errors.append("You can merge only into a thread on a board you moderate.")
    else:
        return target
    return None


@bp.route("/t/<int:thread_id>/split", methods=["GET", "POST"])
@login_required
def split_thread(thread_id: int) -> ResponseReturnValue:
    thread = _load(thread_id)
    if (elsewhere := _merged_elsewhere(thread, "split")) is not None:
        return elsewhere
    boards = _boards_for(thread, keep_current=True)
    form = SplitForm(board=thread.board_id)
    form.board.choices = [(b.id, b.heading) for b in boards]
    if form.validate_on_submit():
        board = _chosen_board(form.board.data, thread) or thread.board
        title = thread.title
        try:
            new = restructure.split_thread(
                current_user,
                thread,
                form.posts.data or [],
                title=form.title.data or "",
                board=board,
                reason=form.reason.data or "",
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            count = len(form.posts.data or [])
            flash(f"{count} post{'s' if count != 1 else ''} split out of “{title}”.", "success")
            return redirect(url_for("threads.show", thread_id=new.id, slug=new.slug))
    posts = restructure.posts_to_choose(thread.id)
    page = render_template(
        "moderation/split.html",
        thread=thread,
        form=form,
        posts=posts,
        excerpt_chars=restructure.EXCERPT_CHARS,
    )
    return page, form_status(form)
