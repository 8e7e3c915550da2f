"""KM4B Forum: discussion boards for the KM4B webinar series."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    from forum import cli, headers, models, routing, schema, templating  # noqa: F401 (models)
    from forum.accounts.views import bp as accounts_bp
    from forum.accounts.views import load_user
    from forum.boards.views import bp as boards_bp
    from forum.config import load_config
    from forum.db import db
    from forum.errors import register_error_handlers
    from forum.extensions import csrf, login_manager
    from forum.health import bp as health_bp
    from forum.moderation.views import bp as moderation_bp
    from forum.ratelimits import limiter
    from forum.resources import resource_dir
    from forum.threads.views import bp as threads_bp

    app = Flask(
        __name__,
        template_folder=resource_dir("templates"),
        static_folder=resource_dir("static"),
        static_url_path="/static",
    )
    load_config(app, config)
    routing.init_app(app)  # before any route is added: the converters apply to all of them
    db.init_app(app)
    schema.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    limiter.init_app(app)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    for bp in (boards_bp, threads_bp, accounts_bp, health_bp, moderation_bp):
        app.register_blueprint(bp)
    register_error_handlers(app)
    templating.init_app(app)
    headers.init_app(app)
    cli.init_app(app)
    return app
