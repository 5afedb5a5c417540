"""`flask --app wsgi alerts scan|deliver [--now TIME]` and `flask --app wsgi scheduler`."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from schemas.formats import parse_time
from server.alerts import scheduler
from server.alerts.deliver import deliver
from server.alerts.scan import scan
from server.clock import utcnow
from server.extensions import db


class Rfc3339(click.ParamType):
    """An RFC 3339 time with its offset, e.g. 2026-11-23T07:00:00Z."""

    name = "rfc3339"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            parsed = parse_time(value)
        except ValueError:
            self.fail(f"{value!r} is not an RFC 3339 time", param, ctx)
        if parsed.tzinfo is None:
            self.fail(f"{value!r} has no offset (add Z or +08:00)", param, ctx)
        return parsed


@contextmanager
def _clock(now: datetime | None):
    """Inject `now` as the app's clock for one command, then put the old one back."""
    config = current_app.config
    previous = config.get("CLOCK")
    if now is not None:
        config["CLOCK"] = lambda: now
    try:
        yield
    finally:
        config["CLOCK"] = previous


@click.group("alerts", cls=AppGroup)
def alerts():
    """Overdue alerts."""


@alerts.command("scan")
@click.option("--now", type=Rfc3339(), help="scan as if it were this time")
def scan_command(now):
    """Raise the alerts due now and queue their messages (once)."""
    try:
        with _clock(now):
            result = scan(db.session, utcnow(), current_app.config)
    except ValueError as exc:  # a bad ALERT_RULES
        raise click.ClickException(str(exc)) from exc
    if result.skipped:
        click.echo("skipped: another scan holds the lock")
    else:
        click.echo(f"raised {result.raised} alert(s), queued {result.deliveries} message(s)")


@alerts.command("deliver")
@click.option("--now", type=Rfc3339(), help="deliver as if it were this time")
def deliver_command(now):
    """Send the messages due now."""
    with _clock(now):
        summary = deliver(db.session, utcnow, current_app.config)
    click.echo(", ".join(f"{summary[k]} {k}"
                         for k in ("delivered", "retrying", "failed", "deferred")))


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the alert jobs (scan every minute, deliver) until stopped."""
    click.echo("alert scheduler running; Ctrl-C stops it")
    scheduler.run_forever(current_app._get_current_object())
