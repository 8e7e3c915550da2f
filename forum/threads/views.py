"""Thread pages: read, start, reply, edit, and permalinks to a post."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.boards.queries import board_by_slug_or_404
from forum.db import utcnow
from forum.forms import form_status
from forum.pagination import Pagination, page_arg
from forum.permissions import (
    can_create_thread,
    can_edit_post,
    can_post_question,
    can_quote_post,
    can_reply,
    can_see_thread,
    require,
)
from forum.ratelimits import configured, limiter, member_key
from forum.routing import parse_id
from forum.threads import queries, services
from forum.threads.forms import (
    EditFirstPostForm,
    EditPostForm,
    NewThreadForm,
    QuestionForm,
    ReplyForm,
)
from forum.threads.models import Post, Thread, ThreadKind, quote_markdown

bp = Blueprint("threads", __name__)


def _per_page() -> int:
    return int(current_app.config["POSTS_PER_PAGE"])


def _page_url(thread: Thread, page: int) -> str:
    path = url_for("threads.show", thread_id=thread.id, slug=thread.slug)
    return path if page == 1 else f"{path}?page={page}"


@bp.get("/t/<int:thread_id>")
@bp.get("/t/<int:thread_id>/<slug>")
def show(thread_id: int, slug: str | None = None) -> ResponseReturnValue:
    now = utcnow()
    thread = queries.thread_or_none(thread_id)
    if thread is not None and thread.merged_into_id is not None:
        return redirect(url_for("threads.show", thread_id=thread.merged_into_id), 301)
    if thread is None or not can_see_thread(current_user, thread, now):
        abort(404)
    page = page_arg(request)
    if slug != thread.slug:
        return redirect(_page_url(thread, page), 301)
    # Pages are ranges of positions: held and hidden posts keep their place.
    pagination = Pagination(page, _per_page(), thread.last_position)
    if not pagination.exists:
        abort(404)
    posts = queries.thread_page(thread, current_user, page=page, per_page=_per_page())
    form = ReplyForm() if can_reply(current_user, thread) else None
    return render_template(
        "threads/show.html",
        thread=thread,
        posts=posts,
        pagination=pagination,
        form=form,
        now=now,
    )


@bp.get("/p/<int:post_id>")
def permalink(post_id: int) -> ResponseReturnValue:
    post = queries.post_or_404(post_id, current_user)
    page = queries.page_of(post.position, _per_page())
    return redirect(f"{_page_url(post.thread, page)}#{post.anchor}")


@bp.route("/b/<slug>/new", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("RATELIMIT_NEW_THREAD"), key_func=member_key, methods=["POST"])
def new(slug: str) -> ResponseReturnValue:
    board = board_by_slug_or_404(slug)
    # ?kind=question: a host's discussion question, which may be scheduled to appear later.
    if request.args.get("kind") == "question":
        require(can_post_question(current_user, board))
        form: NewThreadForm = QuestionForm(appear_timezone=board.timezone)
    else:
        require(can_create_thread(current_user, board))
        form = NewThreadForm()
    if form.validate_on_submit():
        question = form if isinstance(form, QuestionForm) else None
        thread = services.start_thread(
            board,
            author=current_user,
            title=form.title.data,
            source=form.body.data,
            submission_key=form.submission.data or None,
            kind=ThreadKind.QUESTION if question else ThreadKind.DISCUSSION,
            publish_at=question.publish_at if question else None,
        )
        return redirect(url_for("threads.show", thread_id=thread.id, slug=thread.slug))
    return render_template("threads/new.html", board=board, form=form), form_status(form)


@bp.route("/t/<int:thread_id>/reply", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("RATELIMIT_REPLY"), key_func=member_key, methods=["POST"])
def reply(thread_id: int) -> ResponseReturnValue:
    thread = queries.thread_or_404(thread_id, current_user)
    require(can_reply(current_user, thread))
    form = ReplyForm()
    if form.validate_on_submit():
        post = services.reply(
            thread,
            author=current_user,
            source=form.body.data,
            submission_key=form.submission.data or None,
        )
        return redirect(url_for("threads.permalink", post_id=post.id))
    quoted = _quoted_post(thread) if request.method == "GET" else None
    if quoted is not None:
        form.body.data = quote_markdown(quoted)
    return render_template("threads/reply.html", thread=thread, form=form), form_status(form)


def _quoted_post(thread: Thread) -> Post | None:
    """Return the post named by ?quote= if it is in this thread and the reader may quote
    it (can_quote_post: published text they may read); ignore anything else."""
    quote_id = parse_id(request.args.get("quote", ""))
    if quote_id is None:
        return None
    post = queries.post_or_none(quote_id, current_user)
    if post is None or post.thread_id != thread.id:
        return None
    return post if can_quote_post(current_user, post, thread) else None


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("RATELIMIT_EDIT"), key_func=member_key, methods=["POST"])
def edit_post(post_id: int) -> ResponseReturnValue:
    post = queries.post_or_404(post_id, current_user)
    require(can_edit_post(current_user, post, post.thread))
    is_first = post.position == 1
    form_class = EditFirstPostForm if is_first else EditPostForm
    form = form_class(data={"body": post.source, "title": post.thread.title})
    if form.validate_on_submit():
        services.edit_post(
            post,
            editor=current_user,
            source=form.body.data,
            title=form.title.data if is_first else None,
        )
        return redirect(url_for("threads.permalink", post_id=post.id))
    return render_template("threads/edit_post.html", post=post, form=form), form_status(form)
