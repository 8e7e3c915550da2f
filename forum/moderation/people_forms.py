"""Forms of the person page: roles (administrators) and sanctions (moderators).

Several forms share the page, so each has its own prefix: field names and ids never clash
("suspend-reason", "ban-reason").
"""

from __future__ import annotations

from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import DataRequired

from forum.accounts.forms import ProfileForm
from forum.forms import ForumForm
from forum.reasons import reason_field

SITE_ROLE_CHOICES = [
    SelectChoice("member", "Member"),
    SelectChoice("moderator", "Moderator (everywhere)"),
    SelectChoice("admin", "Administrator"),
]
BOARD_ROLE_CHOICES = [
    SelectChoice("host", "Host of the webinar"),
    SelectChoice("moderator", "Moderator of the board"),
]


class ReasonForm(ForumForm):
    """A button with an optional reason: withdraw a board role, lift a suspension, unban."""

    reason = reason_field("Reason (optional)", description="Recorded in the moderation log.")


class SiteRoleForm(ForumForm):
    role = SelectField("Site role", choices=SITE_ROLE_CHOICES)
    reason = reason_field("Reason (optional)", description="Recorded in the moderation log.")


class BoardRoleForm(ForumForm):
    board = SelectField("Board", coerce=int, choices=[])
    role = SelectField("Role on that board", choices=BOARD_ROLE_CHOICES)
    reason = reason_field("Reason (optional)", description="Recorded in the moderation log.")


class SuspendForm(ForumForm):
    until = DateField(
        "Suspended until",
        validators=[DataRequired(message="Please choose the day the suspension ends.")],
        description="A day after today. The suspension ends at 00:00 UTC that day.",
    )
    reason = reason_field(
        "Reason",
        required=True,
        multiline=True,
        description="Shown to the person, with the end date, until the suspension ends.",
    )


class BanForm(ForumForm):
    reason = reason_field(
        "Reason",
        required=True,
        multiline=True,
        description="Recorded in the moderation log. The account can no longer log in.",
    )


class ModerateProfileForm(ProfileForm):
    """Someone else's public profile, as a moderator changes it: the fields and why."""

    reason = reason_field(
        "Reason",
        required=True,
        multiline=True,
        description="Recorded in the moderation log, with the fields you changed.",
    )
