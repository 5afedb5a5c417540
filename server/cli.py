"""Command-line operations: `flask --app wsgi init-db | user ... | demo | alerts | scheduler`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from schemas.auth import LANGUAGES
from schemas.roles import ROLES
from server.alerts.commands import alerts, scheduler_command
from server.clock import utcnow
from server.database import unit_of_work
from server.demo import load_demo
from server.media_store import media_store
from server.services import users
from sync.errors import DomainError


def register(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(user)
    app.cli.add_command(demo)
    app.cli.add_command(alerts)
    app.cli.add_command(scheduler_command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the schema (safe to run again)."""
    upgrade()
    click.echo("database is at the latest schema")


@click.group(cls=AppGroup)
def user():
    """Manage users."""


@user.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", required=True)
@click.option("--name", default=None, help="display name (default: the username)")
@click.option("--region", default=None)
@click.option("--language", default="zh-CN", type=click.Choice(LANGUAGES))
def create_user(username, role, password, name, region, language):
    """Create a user."""
    try:
        with unit_of_work():
            created = users.create_user(username=username, password=password, role=role,
                                        name=name or username, region=region, language=language,
                                        now=utcnow(),
                                        hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created {created.role} {created.username} ({created.id})")


@user.command("revoke-tokens")
@click.argument("username")
def revoke_tokens(username):
    """Revoke every token of a user (lost device, staff leaving)."""
    try:
        with unit_of_work():
            count = users.revoke_all_tokens(username, utcnow())
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"revoked {count} token(s) of {username}")


@user.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="the new password (asked for, hidden, when not given)")
def set_password(username, password):
    """Set a user's password (at least 8 characters); their existing tokens stay valid."""
    from server.services import accounts
    from sync.errors import DomainError

    try:
        with unit_of_work():
            accounts.set_password(username, password, current_app.config["PASSWORD_HASH_METHOD"])
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"password of {username} changed")


@click.command("demo")
@with_appcontext
@click.option("--url", default="http://127.0.0.1:5000", help="where the server will listen")
def demo(url):
    """Load the demo data (once) and print the logins and URLs."""
    config = current_app.config
    for line in load_demo(url, config["PASSWORD_HASH_METHOD"], store=media_store(),
                          timezone=config["TIMEZONE"], secret_key=config["SECRET_KEY"]):
        click.echo(line)
