"""Account forms: what each accepts and the messages shown beside its fields."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from forum.accounts.models import DISPLAY_NAME_MAX, USERNAME_MAX
from forum.accounts.services import PASSWORD_MAX, PASSWORD_MIN
from forum.forms import ForumForm

_required = DataRequired(message="Please fill this in.")


class RegisterForm(ForumForm):
    username = StringField(
        "Username",
        validators=[_required, Length(max=USERNAME_MAX)],
        description="3 to 30 letters, digits, dots, dashes or underscores. Shown publicly.",
    )
    email = EmailField(
        "Email",
        validators=[_required, Email(message="Please enter a valid email address.")],
        description="Never shown to other members.",
    )
    display_name = StringField(
        "Display name (optional)", validators=[Optional(), Length(max=DISPLAY_NAME_MAX)]
    )
    password = PasswordField(
        "Password",
        validators=[_required, Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=f"At least {PASSWORD_MIN} characters.",
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[_required, EqualTo("password", message="The two passwords differ.")],
    )


class LoginForm(ForumForm):
    login = StringField("Username or email", validators=[_required, Length(max=254)])
    password = PasswordField("Password", validators=[_required, Length(max=PASSWORD_MAX)])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class ProfileForm(ForumForm):
    display_name = StringField("Display name", validators=[Length(max=DISPLAY_NAME_MAX)])
    country = StringField("Country", validators=[Length(max=60)])
    organisation = StringField("Organisation", validators=[Length(max=120)])
    network_role = StringField(
        "Role in the network",
        validators=[Length(max=120)],
        description="For example: national focal point, CHM focal point, network coordinator.",
    )
    bio = TextAreaField("About you", validators=[Length(max=2000)])


class PasswordForm(ForumForm):
    current_password = PasswordField("Current password", validators=[_required])
    new_password = PasswordField(
        "New password",
        validators=[_required, Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=f"At least {PASSWORD_MIN} characters.",
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[_required, EqualTo("new_password", message="The two passwords differ.")],
    )
