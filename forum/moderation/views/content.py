"""Actions on threads and posts: pin, lock, highlight, hide, restore, key insights, an
author's deletion and withdrawal, and the page of a post's earlier versions.

Every action is a POST checked by the predicate that shows its button; actions that take a
reason or deserve a second thought also answer GET with a page holding the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from forum.errors import ServiceError
from forum.forms import ForumForm, form_status, show_service_error
from forum.moderation import post_actions, revisions, thread_actions
from forum.moderation.views.blueprint import bp
from forum.permissions import (
    can_curate_thread,
    can_delete_post,
    can_mark_insight,
    can_moderate_thread,
    can_withdraw_thread,
    require,
)
from forum.reasons import reason_field
from forum.threads.models import Post, Thread
from forum.threads.queries import post_or_404, thread_or_404

if TYPE_CHECKING:
    from forum.permissions import Actor


class LockForm(ForumForm):
    reason = reason_field("Reason, shown to readers (optional)", multiline=True)


class HideForm(ForumForm):
    reason = reason_field("Reason (recorded; shown to the author)", required=True, multiline=True)


class ConfirmForm(ForumForm):
    """Nothing to fill in: the CSRF token, and a deliberate second click."""


def _report(changed: bool, done: str, unchanged: str, to: str) -> ResponseReturnValue:
    flash(done if changed else unchanged, "success" if changed else "info")
    return redirect(to)


def _on_thread(
    thread_id: int,
    allowed: Callable[[Any, Thread], bool],
    verb: Callable[[Any, Thread], bool],
    done: str,
    unchanged: str,
) -> ResponseReturnValue:
    """Load the thread the member may see, check the rule, act, go back to the thread."""
    thread = thread_or_404(thread_id, current_user)
    require(allowed(current_user, thread))
    path = url_for("threads.show", thread_id=thread.id, slug=thread.slug)
    return _report(verb(current_user, thread), done, unchanged, path)


def _on_post(
    post_id: int,
    allowed: Callable[[Any, Post, Thread], bool],
    verb: Callable[[Any, Post], bool],
    done: str,
    unchanged: str,
) -> ResponseReturnValue:
    """Load the post the member may see, check the rule, act, go back to the post."""
    post = post_or_404(post_id, current_user)
    require(allowed(current_user, post, post.thread))
    return _report(
        verb(current_user, post), done, unchanged, url_for("threads.permalink", post_id=post_id)
    )


def _moderates(user: Actor, post: Post, thread: Thread) -> bool:
    return can_moderate_thread(user, thread)


def _confirm(form: FlaskForm, **page: Any) -> ResponseReturnValue:
    """Show the form of an action (again, with 422 and the messages, when refused)."""
    return render_template("moderation/confirm_action.html", form=form, **page), form_status(form)


# --- thread: pin, highlight, lock --------------------------------------------------------


@bp.post("/t/<int:thread_id>/pin")
@login_required
def pin_thread(thread_id: int) -> ResponseReturnValue:
    return _on_thread(
        thread_id,
        can_curate_thread,
        thread_actions.pin_thread,
        "The thread is pinned to the top of its board.",
        "The thread was already pinned.",
    )


@bp.post("/t/<int:thread_id>/unpin")
@login_required
def unpin_thread(thread_id: int) -> ResponseReturnValue:
    return _on_thread(
        thread_id,
        can_curate_thread,
        thread_actions.unpin_thread,
        "The thread is no longer pinned.",
        "The thread was not pinned.",
    )


@bp.post("/t/<int:thread_id>/highlight")
@login_required
def highlight_thread(thread_id: int) -> ResponseReturnValue:
    return _on_thread(
        thread_id,
        can_curate_thread,
        thread_actions.highlight_thread,
        "The thread is highlighted.",
        "The thread was already highlighted.",
    )


@bp.post("/t/<int:thread_id>/unhighlight")
@login_required
def unhighlight_thread(thread_id: int) -> ResponseReturnValue:
    return _on_thread(
        thread_id,
        can_curate_thread,
        thread_actions.unhighlight_thread,
        "The thread is no longer highlighted.",
        "The thread was not highlighted.",
    )


@bp.route("/t/<int:thread_id>/lock", methods=["GET", "POST"])
@login_required
def lock_thread(thread_id: int) -> ResponseReturnValue:
    thread = thread_or_404(thread_id, current_user)
    require(can_curate_thread(current_user, thread))
    path, form = url_for("threads.show", thread_id=thread.id, slug=thread.slug), LockForm()
    if form.validate_on_submit():
        try:
            changed = thread_actions.lock_thread(current_user, thread, form.reason.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            done, unchanged = "The thread is locked.", "The thread was already locked."
            return _report(changed, done, unchanged, path)
    return _confirm(
        form,
        thread=thread,
        heading=f"Lock “{thread.title}”",
        explanation="Nobody but its moderators and hosts can reply to a locked thread.",
        submit="Lock thread",
    )


@bp.post("/t/<int:thread_id>/unlock")
@login_required
def unlock_thread(thread_id: int) -> ResponseReturnValue:
    return _on_thread(
        thread_id,
        can_curate_thread,
        thread_actions.unlock_thread,
        "The thread is open to replies again.",
        "The thread was not locked.",
    )


# --- thread: hide, restore, withdraw -----------------------------------------------------


@bp.route("/t/<int:thread_id>/hide", methods=["GET", "POST"])
@login_required
def hide_thread(thread_id: int) -> ResponseReturnValue:
    thread = thread_or_404(thread_id, current_user)
    require(can_moderate_thread(current_user, thread))
    path, form = url_for("threads.show", thread_id=thread.id, slug=thread.slug), HideForm()
    if form.validate_on_submit():
        try:
            changed = thread_actions.hide_thread(current_user, thread, form.reason.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            done, unchanged = "The thread is hidden.", "The thread was not visible."
            return _report(changed, done, unchanged, path)
    return _confirm(
        form,
        thread=thread,
        heading=f"Hide “{thread.title}”",
        explanation="Readers will no longer find the thread; its author and the moderators "
        "still see it, with the reason.",
        submit="Hide thread",
    )


@bp.post("/t/<int:thread_id>/restore")
@login_required
def restore_thread(thread_id: int) -> ResponseReturnValue:
    return _on_thread(
        thread_id,
        can_moderate_thread,
        thread_actions.restore_thread,
        "The thread is visible to readers again.",
        "The thread was not hidden.",
    )


@bp.route("/t/<int:thread_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_thread(thread_id: int) -> ResponseReturnValue:
    thread = thread_or_404(thread_id, current_user)
    require(can_withdraw_thread(current_user, thread))
    form = ConfirmForm()
    if form.validate_on_submit():
        board_path = url_for("boards.show", slug=thread.board.slug)
        changed = thread_actions.withdraw_thread(current_user, thread)
        return _report(changed, "Your thread is withdrawn.", "Nothing changed.", board_path)
    return _confirm(
        form,
        thread=thread,
        heading=f"Withdraw “{thread.title}”",
        explanation="The thread will disappear from the board. You can withdraw it only "
        "while nobody has replied.",
        submit="Withdraw thread",
    )


# --- posts -------------------------------------------------------------------------------


@bp.route("/p/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide_post(post_id: int) -> ResponseReturnValue:
    post = post_or_404(post_id, current_user)
    require(can_moderate_thread(current_user, post.thread))
    form = HideForm()
    if form.validate_on_submit():
        try:
            changed = post_actions.hide_post(current_user, post, form.reason.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            return _report(
                changed,
                "The post is hidden.",
                "The post was not visible.",
                url_for("threads.permalink", post_id=post_id),
            )
    return _confirm(
        form,
        thread=post.thread,
        post=post,
        heading=f"Hide post #{post.position}",
        explanation="Readers will see that a moderator removed the post; its author "
        "sees the reason.",
        submit="Hide post",
    )


@bp.post("/p/<int:post_id>/restore")
@login_required
def restore_post(post_id: int) -> ResponseReturnValue:
    return _on_post(
        post_id,
        _moderates,
        post_actions.restore_post,
        "The post is visible again.",
        "The post was not hidden.",
    )


@bp.route("/p/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int) -> ResponseReturnValue:
    post = post_or_404(post_id, current_user)
    require(can_delete_post(current_user, post, post.thread))
    form = ConfirmForm()
    if form.validate_on_submit():
        changed = post_actions.delete_post(current_user, post)
        path = url_for("threads.permalink", post_id=post_id)
        return _report(changed, "Your post is deleted.", "Nothing changed.", path)
    return _confirm(
        form,
        thread=post.thread,
        post=post,
        heading=f"Delete your post #{post.position}",
        explanation="Readers will see that its author deleted the post.",
        submit="Delete post",
    )


@bp.post("/p/<int:post_id>/insight")
@login_required
def mark_insight(post_id: int) -> ResponseReturnValue:
    return _on_post(
        post_id,
        can_mark_insight,
        post_actions.mark_insight,
        "The post is marked as a key insight.",
        "The post was already a key insight.",
    )


@bp.post("/p/<int:post_id>/uninsight")
@login_required
def unmark_insight(post_id: int) -> ResponseReturnValue:
    return _on_post(
        post_id,
        can_mark_insight,
        post_actions.unmark_insight,
        "The post is no longer a key insight.",
        "The post was not a key insight.",
    )


@bp.get("/p/<int:post_id>/revisions")
@login_required
def post_revisions(post_id: int) -> ResponseReturnValue:
    post = post_or_404(post_id, current_user)
    require(can_moderate_thread(current_user, post.thread))
    versions = revisions.post_versions(post)
    return render_template("moderation/revisions.html", post=post, versions=versions)
