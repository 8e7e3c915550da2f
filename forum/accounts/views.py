"""Account pages: register, log in and out, profiles and settings."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from forum.accounts import queries, services, sessions
from forum.accounts.forms import LoginForm, PasswordForm, ProfileForm, RegisterForm
from forum.accounts.models import User
from forum.accounts.redirects import safe_next
from forum.db import utcnow
from forum.errors import ServiceError
from forum.forms import form_status, show_service_error
from forum.login_attempts import limit_password_checks, login_form_account, signed_in_account
from forum.permissions import can_edit_profile, require
from forum.ratelimits import configured, limiter

bp = Blueprint("accounts", __name__)


def load_user(session_key: str) -> User | None:
    now, lifetime = utcnow(), _lifetime()
    user = services.load_by_session_key(session_key, now=now, lifetime=lifetime)
    if user is not None and user.current_session is not None:
        if sessions.needs_touch(user.current_session, now, lifetime):
            g.session_to_touch = user.current_session.id
    return user


@bp.after_app_request
def touch_session(response: Response) -> Response:
    # After the page is made, once every few minutes per device (sessions.needs_touch): an
    # ordinary page adds no statement, and the write never runs inside a view's transaction.
    session_id = g.pop("session_to_touch", None)
    if session_id is not None and response.status_code < 500:
        sessions.touch(session_id, now=utcnow())
    return response


def _lifetime() -> sessions.Lifetime:
    return sessions.lifetime_from(current_app.config)


def _log_in(user: User, *, remember: bool) -> None:
    """Open a server-side session for `user` on this device and give the browser its cookies."""
    device = sessions.describe_device(request.user_agent.string)
    sessions.open_session(user, now=utcnow(), lifetime=_lifetime(), device=device)
    _new_csrf_token()
    login_user(user, remember=remember)


def _log_out() -> None:
    """End this device's server-side session (which voids every copy of its cookies)."""
    if current_user.is_authenticated:
        sessions.end_session(current_user.session_key)
    _forget_login()


def _forget_login() -> None:
    """Clear this browser's cookies of a login whose server-side session is already gone."""
    logout_user()
    _new_csrf_token()


def _new_csrf_token() -> None:
    # A token seen before the login (or logout) must not work after it: Flask-WTF makes a
    # new one when the raw token is missing from the session.
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


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
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            _log_in(user, remember=False)
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
            _log_in(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for("boards.index")))
        # One message whether the account exists or not: no user enumeration.
        form.password.errors = ["That username or email and password do not match an account."]
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    _log_out()
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
                user,
                current=form.current_password.data,
                new=form.new_password.data,
                keep_session=user.current_session.id if user.current_session else None,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.profile", username=user.username))
    return render_template("accounts/change_password.html", form=form), form_status(form)


@bp.get("/settings/sessions")
@login_required
def list_sessions() -> ResponseReturnValue:
    user = current_user._get_current_object()
    lifetime = _lifetime()
    found = sessions.active_sessions(user.id, now=utcnow(), lifetime=lifetime)
    return render_template(
        "accounts/list_sessions.html",
        sessions=found,
        this_one=user.current_session.id if user.current_session else None,
        idle=_in_words(lifetime.idle),
        longest=_in_words(lifetime.absolute),
    )


def _in_words(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


@bp.post("/settings/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int) -> ResponseReturnValue:
    user = current_user._get_current_object()
    if user.current_session is not None and session_id == user.current_session.id:
        _log_out()
        flash("You are logged out.", "info")
        return redirect(url_for("boards.index"))
    if not sessions.end_one_session(user.id, session_id):
        abort(404)
    flash("That device has been logged out.", "success")
    return redirect(url_for("accounts.list_sessions"))


@bp.post("/settings/sessions/end-all")
@login_required
def end_every_session() -> ResponseReturnValue:
    sessions.end_every_session(current_user.id)
    _forget_login()
    flash("You are logged out on every device, this one included.", "info")
    return redirect(url_for("accounts.login"))
