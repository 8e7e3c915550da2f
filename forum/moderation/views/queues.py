"""Reporting a post; the moderators' dashboard, review queue and approval queues."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, has_request_context, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from forum.accounts.models import User
from forum.db import db
from forum.errors import ServiceError
from forum.forms import form_status, show_service_error
from forum.moderation import queues, reports
from forum.moderation.forms import RejectPostForm, ReportForm, ResolveReportsForm
from forum.moderation.models import ReportReason
from forum.moderation.views.blueprint import bp
from forum.permissions import (
    can_approve_accounts,
    can_moderate_thread,
    can_report_post,
    can_review_queues,
    require,
)
from forum.ratelimits import configured, limiter, member_key
from forum.threads.queries import post_or_404

# --- reporting ---------------------------------------------------------------------------


@bp.route("/p/<int:post_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("RATELIMIT_REPORT"), key_func=member_key, methods=["POST"])
def report_post(post_id: int) -> ResponseReturnValue:
    post = post_or_404(post_id, current_user)
    require(can_report_post(current_user, post))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report_post(
                post,
                reporter=current_user,
                reason=ReportReason(form.reason.data),
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            flash(error.message, "info")
        else:
            flash("Thank you: the moderators will look at this post.", "success")
        return redirect(url_for("threads.permalink", post_id=post_id))
    return render_template("moderation/report.html", post=post, form=form), form_status(form)


# --- counts in the header and on the dashboard -------------------------------------------


def _counts() -> queues.QueueCounts:
    """Count the viewer's queues once per request (header and dashboard share them)."""
    if "queue_counts" not in g:
        g.queue_counts = queues.queue_counts(current_user)
    counts: queues.QueueCounts = g.queue_counts
    return counts


@bp.app_context_processor
def queue_counts_in_header() -> dict[str, Any]:
    """Give moderators' pages their queue counts: one statement, for them only."""
    if not has_request_context():
        return {}
    try:
        # Inside the try: reading the user's role may load it, after a failed statement too.
        if not can_review_queues(current_user):
            return {}
        return {"queue_counts": _counts()}
    except SQLAlchemyError:
        # An error page rendered after a failed statement must still render.
        db.session.rollback()
        current_app.logger.warning("queue counts unavailable", exc_info=True)
        return {}


@bp.get("/mod")
@login_required
def dashboard() -> ResponseReturnValue:
    require(can_review_queues(current_user))
    return render_template("moderation/dashboard.html", counts=_counts())


# --- reported posts ----------------------------------------------------------------------


def _reports_page(failed: tuple[int, ResolveReportsForm] | None = None) -> ResponseReturnValue:
    items = reports.reported_posts(current_user)
    page = render_template(
        "moderation/reports.html",
        items=items,
        labels=reports.REASON_LABELS,
        counts=_counts(),
        failed=failed,
    )
    return page, 422 if failed else 200


@bp.get("/mod/reports")
@login_required
def reports_queue() -> ResponseReturnValue:
    require(can_review_queues(current_user))
    return _reports_page()


@bp.post("/mod/reports/<int:post_id>/resolve")
@login_required
def resolve_reports(post_id: int) -> ResponseReturnValue:
    post = post_or_404(post_id, current_user)
    require(can_moderate_thread(current_user, post.thread))
    form = ResolveReportsForm()
    if not form.validate_on_submit():
        return _reports_page(failed=(post_id, form))
    resolution = reports.Resolution(form.resolution.data)
    try:
        closed = reports.resolve_reports(
            post, actor=current_user, resolution=resolution, reason=form.reason.data or ""
        )
    except ServiceError as error:
        show_service_error(form, error)
        return _reports_page(failed=(post_id, form))
    done = {
        reports.Resolution.HIDDEN: "Post hidden",
        reports.Resolution.EDITED: "Marked as edited",
        reports.Resolution.DISMISSED: "Reports dismissed",
    }[resolution]
    flash(f"{done}: {closed} report{'' if closed == 1 else 's'} closed.", "success")
    return redirect(url_for("moderation.reports_queue"))


# --- posts awaiting approval -------------------------------------------------------------


def _pending_posts_page(failed: tuple[int, RejectPostForm] | None = None) -> ResponseReturnValue:
    posts = queues.pending_posts(current_user)
    page = render_template(
        "moderation/pending_posts.html", posts=posts, counts=_counts(), failed=failed
    )
    return page, 422 if failed else 200


@bp.get("/mod/posts")
@login_required
def pending_posts() -> ResponseReturnValue:
    require(can_review_queues(current_user))
    return _pending_posts_page()


@bp.post("/mod/posts/<int:post_id>/approve")
@login_required
def approve_post(post_id: int) -> ResponseReturnValue:
    post = post_or_404(post_id, current_user)
    require(can_moderate_thread(current_user, post.thread))
    done = f"Post #{post.position} in “{post.thread.title}” is published."
    if queues.approve_post(post, actor=current_user):
        flash(done, "success")
    else:
        flash("That post was no longer awaiting approval.", "info")
    return redirect(url_for("moderation.pending_posts"))


@bp.post("/mod/posts/<int:post_id>/reject")
@login_required
def reject_post(post_id: int) -> ResponseReturnValue:
    post = post_or_404(post_id, current_user)
    require(can_moderate_thread(current_user, post.thread))
    form = RejectPostForm()
    if not form.validate_on_submit():
        return _pending_posts_page(failed=(post_id, form))
    try:
        rejected = queues.reject_post(post, actor=current_user, reason=form.reason.data or "")
    except ServiceError as error:
        show_service_error(form, error)
        return _pending_posts_page(failed=(post_id, form))
    if rejected:
        flash("The post is rejected: its author sees your reason.", "success")
    else:
        flash("That post was no longer awaiting approval.", "info")
    return redirect(url_for("moderation.pending_posts"))


# --- accounts awaiting approval ----------------------------------------------------------


@bp.get("/mod/accounts")
@login_required
def pending_accounts() -> ResponseReturnValue:
    require(can_approve_accounts(current_user))
    accounts = queues.pending_accounts()
    return render_template("moderation/pending_accounts.html", accounts=accounts, counts=_counts())


@bp.post("/mod/accounts/<int:user_id>/approve")
@login_required
def approve_account(user_id: int) -> ResponseReturnValue:
    require(can_approve_accounts(current_user))
    account = db.get_or_404(User, user_id)
    name = account.username
    if queues.approve_account(account, actor=current_user):
        flash(f"{name} can now post.", "success")
    else:
        flash(f"{name} was approved already.", "info")
    return redirect(url_for("moderation.pending_accounts"))
