"""Forms of the moderation pages: reporting a post, resolving reports, rejecting a post."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectChoice, StringField, TextAreaField, ValidationError
from wtforms.validators import AnyOf, Length

from forum.forms import ForumForm, strip
from forum.moderation.models import ReportReason
from forum.moderation.reports import COMMENT_MAX, REASON_LABELS, Resolution
from forum.reasons import REASON_REQUIRED, reason_field


class ReportForm(ForumForm):
    reason = RadioField(
        "Why should a moderator look at this post?",
        choices=[SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()],
        invalid_choice_message="Please choose a reason.",
    )
    comment = TextAreaField(
        "Comment for the moderators",
        filters=[strip],
        validators=[
            Length(max=COMMENT_MAX, message=f"A comment has at most {COMMENT_MAX:,} characters.")
        ],
        description="Optional, unless you chose “Something else”. Only moderators read it.",
    )

    def validate_comment(self, field: Any) -> None:
        if self.reason.data == ReportReason.OTHER and not field.data:
            raise ValidationError("Please say what is wrong with the post.")


class ResolveReportsForm(ForumForm):
    """Hide the reported post (with a reason), or close its reports as edited or dismissed."""

    resolution = StringField(
        validators=[AnyOf([r.value for r in Resolution], message="Please choose an action.")]
    )
    reason = reason_field("Reason for hiding, shown to the author")

    def validate_reason(self, field: Any) -> None:
        if self.resolution.data == Resolution.HIDDEN and not field.data:
            raise ValidationError(REASON_REQUIRED)


class RejectPostForm(ForumForm):
    reason = reason_field("Reason, shown to the author", required=True)
