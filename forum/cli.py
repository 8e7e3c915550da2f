"""`flask forum ...` commands: thin wrappers around services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

import click
from flask import Flask
from flask.cli import AppGroup

from forum.accounts import services as accounts
from forum.accounts.models import Role
from forum.boards import services as boards
from forum.boards.forms import local_to_utc, zone_names
from forum.boards.queries import board_count
from forum.errors import ServiceError
from forum.threads import scheduling
from forum.threads import services as threads

T = TypeVar("T")

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


@forum_cli.command("add-webinar")
@click.option("--number", type=int, required=True, help="The webinar's number in the series.")
@click.option("--title", default="", help="Leave out while the title is to be announced.")
@click.option("--date", "day", help="The day, YYYY-MM-DD, where the webinar is held.")
@click.option("--time", "at", help="The start, HH:MM on a 24-hour clock, in --timezone.")
@click.option("--timezone", default="UTC", show_default=True, help="e.g. Europe/Brussels.")
@click.option("--summary", default="")
@click.option("--presenter", "presenters", multiple=True, help="Once per presenter.")
@click.option("--recording-url", default="")
@click.option("--slides-url", default="")
@click.option("--resources", default="", help="Further reading, in Markdown.")
def add_webinar(
    number: int, title: str, day: str | None, at: str | None, timezone: str, **details: Any
) -> None:
    """Create the board of a new webinar (recorded in the moderation log, by "system")."""
    webinar_date, starts_at = _when(day, at, timezone)
    try:
        board = boards.create_board(
            None,
            number=number,
            title=title,
            webinar_date=webinar_date,
            starts_at=starts_at,
            timezone=timezone,
            **details,
        )
    except ServiceError as error:
        raise click.ClickException(f"{error.field or 'error'}: {error.message}") from None
    click.echo(f"{board.heading}: board created at /b/{board.slug}.")


def _when(day: str | None, at: str | None, zone: str) -> tuple[date | None, datetime | None]:
    """Read --date, --time and --timezone as the board form reads its three fields."""
    if zone not in zone_names():
        message = f"{zone!r} is not a time zone; give one such as Africa/Accra."
        raise click.BadParameter(message, param_hint="--timezone")
    webinar_date = _parsed(date.fromisoformat, day, "--date", "YYYY-MM-DD, e.g. 2026-03-05")
    start = _parsed(time.fromisoformat, at, "--time", "HH:MM on a 24-hour clock, e.g. 14:30")
    if start is None:
        return webinar_date, None
    if webinar_date is None:
        raise click.BadParameter("give --date too.", param_hint="--time")
    try:
        return webinar_date, local_to_utc(webinar_date, start, zone)
    except ValueError as error:  # a time the clocks skip in that zone
        raise click.BadParameter(str(error), param_hint="--time") from None


def _parsed(parse: Callable[[str], T], text: str | None, option: str, form: str) -> T | None:
    if not text:
        return None
    try:
        return parse(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: please give it as {form}.", param_hint=option
        ) from None


@forum_cli.command("rerender")
def rerender() -> None:
    """Render every post's HTML again from its Markdown (after the allowlist changed)."""
    count = threads.rerender_all()
    click.echo(f"{count} posts rendered again.")


@forum_cli.command("recount")
def recount() -> None:
    """Recompute every counter and last-post pointer from the posts."""
    threads.recount_all()
    click.echo("Counters recomputed.")


@forum_cli.command("tick")
def tick() -> None:
    """Announce what became visible by the clock alone (scheduled questions); run every minute."""
    appeared = scheduling.announce_due_questions()
    click.echo(f"{len(appeared)} scheduled question(s) appeared.")


@forum_cli.command("generate")
@click.option("--users", default=200, show_default=True)
@click.option("--threads", "thread_count", default=2000, show_default=True)
@click.option("--posts", default=100_000, show_default=True, help="Including first posts.")
@click.option("--seed", default=1, show_default=True, help="The same seed gives the same forum.")
@click.option(
    "--password",
    envvar="FORUM_GENERATED_PASSWORD",
    prompt=True,
    hide_input=True,
    help="Password of every generated account.",
)
def generate_command(users: int, thread_count: int, posts: int, seed: int, password: str) -> None:
    """Fill the database with realistic KM4B-like content (for benchmarks and demos).

    The generator is benchmark tooling (bench/generator.py), not part of the installed
    package: this command runs from a checkout of the repository.
    """
    try:
        from bench.generator import generate
    except ImportError:
        raise click.ClickException(
            "The generator lives in bench/, which is not installed with the forum: "
            "run this command from a checkout of the repository."
        ) from None

    try:
        made = generate(
            users=users, threads=thread_count, posts=posts, seed=seed, password=password
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Generated {made['users']} users, {made['threads']} threads, {made['posts']} posts."
    )


@forum_cli.command("dump")
@click.argument("file", type=click.Path(dir_okay=False))
def dump(file: str) -> None:
    """Write the whole forum to FILE (JSON lines; gzip-compressed when FILE ends in .gz)."""
    from forum.transfer import services as transfer  # brings Alembic: commands only

    try:
        summary = transfer.dump(file)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    if summary.skipped:
        click.echo(f"Not dumped, no model describes them: {', '.join(summary.skipped)}", err=True)
    click.echo(
        f"{summary.total} rows of {len(summary.rows)} tables written to {file} "
        f"(revision {summary.revision})."
    )


@forum_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Delete every row of the forum's tables first.")
def load(file: str, replace: bool) -> None:
    """Load FILE, made by `flask forum dump`, into this empty database at the same revision."""
    from forum.transfer import services as transfer  # brings Alembic: commands only

    try:
        summary = transfer.load(file, replace=replace)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{summary.total} rows of {len(summary.rows)} tables loaded from {file}.")


@forum_cli.command("grant-role")
@click.argument("username")
@click.argument("role")
@click.option("--board", "board_slug", help="The board's slug (for host and board-moderator).")
def grant_role(username: str, role: str, board_slug: str | None) -> None:
    """Give USERNAME a ROLE: member, moderator, admin, or host / board-moderator with --board.

    Recorded in the moderation log (by "system").
    """
    from forum.moderation import people

    try:
        changed = people.grant_by_name(None, username, role, board_slug)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    where = f" on {board_slug}" if board_slug else ""
    if not changed:
        click.echo(f"{username} already has that role{where}: nothing changed.")
    else:
        click.echo(f"{username} is now {role}{where}.")


@forum_cli.command("revoke-role")
@click.argument("username")
@click.argument("role")
@click.option("--board", "board_slug", help="The board's slug (for host and board-moderator).")
def revoke_role(username: str, role: str, board_slug: str | None) -> None:
    """Take a ROLE from USERNAME: moderator or admin (who becomes a member), or host /
    board-moderator with --board. Recorded in the moderation log (by "system").
    """
    from forum.moderation import people

    try:
        changed = people.revoke_by_name(None, username, role, board_slug)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    where = f" on {board_slug}" if board_slug else ""
    if not changed:
        click.echo(f"{username} did not have that role{where}: nothing changed.")
    else:
        click.echo(f"{username} is no longer {role}{where}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(forum_cli)
