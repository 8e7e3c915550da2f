"""Account pages: register, log in and out, profiles and settings."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from forum.accounts import queries, services
from forum.accounts.forms import LoginForm, PasswordForm, ProfileForm, RegisterForm
from forum.accounts.models import User
from forum.accounts.redirects import safe_next
from forum.errors import ServiceError
from forum.forms import form_status, show_service_error
from forum.login_attempts import limit_password_checks, login_form_account, signed_in_account
from forum.permissions import can_edit_profile, require
from forum.ratelimits import configured, limiter

bp = Blueprint("accounts", __name__)


def load_user(session_id: str) -> User | None:
    return services.load_by_session_id(session_id)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(configured("RATELIMIT_REGISTER"), methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("boards.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(
                username=form.username.data.strip(),
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data or "",
                approved=current_app.config["REGISTRATION_MODE"] != "approval",
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            login_user(user)
            if user.is_approved:
                flash(f"Welcome, {user.name}! You can now start threads and reply.", "success")
            else:
                flash(
                    f"Welcome, {user.name}! A moderator will approve your account shortly; "
                    "until then you can read every discussion.",
                    "info",
                )
            return redirect(safe_next(request.args.get("next"), url_for("boards.index")))
    return render_template("accounts/register.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@limit_password_checks(account=login_form_account, password_field="password")
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for("boards.index")))
        # One message whether the account exists or not: no user enumeration.
        form.password.errors = ["That username or email and password do not match an account."]
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("boards.index"))


@bp.get("/u/<username>")
def profile(username: str) -> ResponseReturnValue:
    user = queries.user_by_username_or_404(username)
    posts = queries.recent_posts(user)
    post_count = queries.shown_post_count(user)
    return render_template("accounts/profile.html", user=user, posts=posts, post_count=post_count)


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def edit_profile() -> ResponseReturnValue:
    user = current_user._get_current_object()
    require(can_edit_profile(current_user, user))
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        services.update_profile(user, **{name: form[name].data for name in services.PROFILE_FIELDS})
        flash("Your profile is saved.", "success")
        return redirect(url_for("accounts.profile", username=user.username))
    return render_template("accounts/edit_profile.html", form=form), form_status(form)


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
@limit_password_checks(account=signed_in_account, password_field="current_password")
def change_password() -> ResponseReturnValue:
    user = current_user._get_current_object()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                user, current=form.current_password.data, new=form.new_password.data
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            # The session token changed: log in again so this session stays open, and renew
            # this device's remember cookie if it had one (the old one names the old token).
            remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
            login_user(user, remember=remember_cookie in request.cookies)
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.profile", username=user.username))
    return render_template("accounts/change_password.html", form=form), form_status(form)
