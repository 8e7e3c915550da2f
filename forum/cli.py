"""`flask forum ...` commands: thin wrappers around services."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from forum.accounts import services as accounts
from forum.accounts.models import Role
from forum.boards import services as boards
from forum.boards.queries import board_count
from forum.errors import ServiceError
from forum.threads import services as threads

forum_cli = AppGroup("forum", help="KM4B Forum administration.")


@forum_cli.command("create-admin")
@click.argument("username")
@click.option("--email", required=True, help="The administrator's email address.")
@click.password_option(help="Asked for (twice, hidden) when not given.")
def create_admin(username: str, email: str, password: str) -> None:
    """Create an administrator account."""
    try:
        user = accounts.register(username=username, email=email, password=password, role=Role.ADMIN)
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'error'}: {error.message}") from None
    click.echo(f"Administrator {user.username} created. Log in at /login.")


@forum_cli.command("load-km4b")
@click.option("--if-empty", is_flag=True, help="Do nothing when any board exists.")
def load_km4b(if_empty: bool) -> None:
    """Create one board per KM4B webinar (idempotent)."""
    if if_empty and board_count():
        click.echo("Boards exist already; nothing loaded.")
        return
    created, updated = boards.load_km4b()
    click.echo(f"KM4B series: {created} boards created, {updated} filled in.")


@forum_cli.command("rerender")
def rerender() -> None:
    """Render every post's HTML again from its Markdown (after the allowlist changed)."""
    count = threads.rerender_all()
    click.echo(f"{count} posts rendered again.")


def init_app(app: Flask) -> None:
    app.cli.add_command(forum_cli)
