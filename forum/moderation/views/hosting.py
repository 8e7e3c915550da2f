"""A host's scheduled discussion question: change the time it appears at, or publish it now.

The thread page shows both forms (templates/threads/_thread_tools.html) to whoever
forum.permissions.can_schedule_question allows, on a question that has not appeared yet.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.boards.forms import in_zone, offered_zone
from forum.db import utcnow
from forum.errors import ServiceError
from forum.forms import form_status, show_service_error
from forum.moderation.views.blueprint import bp
from forum.permissions import can_schedule_question, require
from forum.threads import scheduling
from forum.threads.forms import RescheduleForm
from forum.threads.models import Thread, ThreadKind
from forum.threads.queries import thread_or_404


def _hosted_question(thread_id: int) -> Thread:
    """Load the question (404 if the viewer may not see it); 403 unless they may schedule it."""
    thread = thread_or_404(thread_id, current_user)
    # The same predicate shows the forms in templates/threads/_thread_tools.html.
    require(
        thread.kind == ThreadKind.QUESTION
        and can_schedule_question(current_user, thread.board, utcnow())
    )
    return thread


@bp.route("/t/<int:thread_id>/schedule", methods=["GET", "POST"])
@login_required
def reschedule_question(thread_id: int) -> ResponseReturnValue:
    thread = _hosted_question(thread_id)
    zone = offered_zone(thread.board.timezone)
    local = in_zone(thread.publish_at, zone) if thread.publish_at else None
    form = RescheduleForm(
        data={
            "appear_date": local.date() if local else None,
            "appear_time": local.time().replace(second=0, microsecond=0) if local else None,
            "appear_timezone": zone,
        }
    )
    if form.validate_on_submit() and form.publish_at is not None:
        path = url_for("threads.show", thread_id=thread.id, slug=thread.slug)
        try:
            moved = scheduling.reschedule(thread, actor=current_user, publish_at=form.publish_at)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash("The question will appear at the new time." if moved else "Nothing changed.")
            return redirect(path)
    scheduled = scheduling.is_scheduled(thread, utcnow())
    page = render_template(
        "moderation/reschedule_question.html", thread=thread, form=form, scheduled=scheduled
    )
    return page, form_status(form)


@bp.post("/t/<int:thread_id>/publish")
@login_required
def publish_question(thread_id: int) -> ResponseReturnValue:
    thread = _hosted_question(thread_id)
    path = url_for("threads.show", thread_id=thread.id, slug=thread.slug)
    if scheduling.publish_now(thread, actor=current_user):
        flash("The question is now public.", "success")
    else:
        flash("The question had already appeared.", "info")
    return redirect(path)
