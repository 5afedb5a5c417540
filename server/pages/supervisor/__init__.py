"""The supervisor console: sign-in, the audit queue, order audit pages, reports."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from flask import Blueprint

from server.pages import forbid_framing, parse_time

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor",
               template_folder="../templates")
bp.after_request(forbid_framing)


@bp.app_template_filter("when")
def when(value) -> str:
    """An RFC 3339 time (or datetime) as a short UTC time for the console; '—' for none."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = parse_time(value)
    return value.strftime("%Y-%m-%d %H:%M UTC")


@bp.app_template_filter("local")
def local(value, zone_name: str) -> str:
    """A datetime in the reader's zone, naming the zone; '—' for none."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = parse_time(value)
    return value.astimezone(ZoneInfo(zone_name)).strftime("%Y-%m-%d %H:%M ") + zone_name


@bp.app_template_filter("local_input")
def local_input(value, zone_name: str) -> str:
    """A datetime as a `datetime-local` input's value in the reader's zone."""
    return value.astimezone(ZoneInfo(zone_name)).strftime("%Y-%m-%dT%H:%M") if value else ""


@bp.app_template_filter("readable_json")
def readable_json(value) -> str:
    """JSON as people wrote it (Chinese stays Chinese, not \\u escapes); autoescaped."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def register_views() -> None:
    from server.pages.supervisor import auth, board, orders, queue, reports  # noqa: F401 - routes
