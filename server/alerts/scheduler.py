"""The APScheduler jobs (scan, deliver), run in the web process or in a process of their own."""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, datetime

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from flask.cli import get_debug_flag

from server.alerts.deliver import deliver
from server.alerts.scan import scan
from server.clock import utcnow
from server.extensions import db

log = logging.getLogger(__name__)
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
_started: dict[int, BaseScheduler] = {}
_start_lock = threading.Lock()


def scan_job(app: Flask) -> None:
    """One scan (skipped at once if another process is scanning)."""
    with app.app_context():
        result = scan(db.session, utcnow(), app.config)
        if result.raised:
            log.info("raised %d alert(s), %d deliveries", result.raised, result.deliveries)


def deliver_job(app: Flask) -> None:
    """One delivery round."""
    with app.app_context():
        summary = deliver(db.session, utcnow, app.config)
        if summary:
            log.info("alert deliveries: %s", dict(summary))


def configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Add both jobs, each first run at once."""
    now = datetime.now(UTC)
    scheduler.configure(job_defaults=JOB_DEFAULTS, timezone=UTC)
    scheduler.add_job(scan_job, "interval", args=[app], id="alerts-scan", minutes=1,
                      next_run_time=now, replace_existing=True)
    scheduler.add_job(deliver_job, "interval", args=[app], id="alerts-deliver",
                      seconds=app.config["ALERT_DELIVER_INTERVAL_SECONDS"], next_run_time=now,
                      replace_existing=True)
    return scheduler


def serves_requests_here(app: Flask) -> bool:
    """True in a process that serves the app: a WSGI server's worker, or `flask run` (in the
    reloader's child only); never in other CLI commands or under TESTING."""
    if app.testing:
        return False
    context = click.get_current_context(silent=True)
    if context is None:
        return True  # gunicorn and other WSGI servers import wsgi.py without click
    if context.command.name != "run":
        return False  # `flask alerts scan`, `flask scheduler`, `flask shell`, ...
    reload = context.params.get("reload")
    if reload is None:
        reload = get_debug_flag()
    # With the reloader, the parent only watches files; the child it starts serves.
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def start_in_web_process(app: Flask) -> BaseScheduler | None:
    """Start the background scheduler once per process where the app serves requests."""
    if not serves_requests_here(app):
        return None
    with _start_lock:
        if os.getpid() not in _started:
            scheduler = configure(BackgroundScheduler(daemon=True), app)
            scheduler.start()
            _started[os.getpid()] = scheduler
            log.info("alert scheduler started in process %d", os.getpid())
        return _started[os.getpid()]


def run_forever(app: Flask) -> None:
    """The production scheduler process: blocks until stopped."""
    configure(BlockingScheduler(), app).start()
