"""Flask extensions, created once and bound to the app in create_app()."""

from __future__ import annotations

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from forum.accounts.models import Guest

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.anonymous_user = Guest
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"
# "strong" would log out people whose address changes mid-session (mobile networks).
login_manager.session_protection = "basic"
