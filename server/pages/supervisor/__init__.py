"""The supervisor console: sign-in, the audit queue, order audit pages, reports."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app

from schemas.formats import parse_time
from server.pages import forbid_framing

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor",
               template_folder="../templates")
bp.after_request(forbid_framing)


def console_zone() -> ZoneInfo:
    """The zone every console time is shown in (FIELDSYNC_TIMEZONE)."""
    return ZoneInfo(current_app.config["TIMEZONE"])


@bp.app_template_filter("when")
def when(value) -> str:
    """A time in the console's zone with its UTC offset, e.g. 2026-11-23 10:00 +08:00."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = parse_time(value)
    local = value.astimezone(console_zone())
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M ") + f"{offset[:3]}:{offset[3:]}"


@bp.app_template_filter("local_input")
def local_input(value) -> str:
    """A time as a `datetime-local` input's value in the console's zone."""
    return value.astimezone(console_zone()).strftime("%Y-%m-%dT%H:%M") if value else ""


@bp.app_context_processor
def zone_name() -> dict:
    return {"console_zone": current_app.config["TIMEZONE"]}


@bp.app_template_filter("readable_json")
def readable_json(value) -> str:
    """JSON as people wrote it (Chinese stays Chinese, not \\u escapes); autoescaped."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def register_views() -> None:
    # Imported here, not at the top: each view module imports `bp` from this package.
    from server.pages.supervisor import (  # noqa: F401 - routes
        auth,
        board,
        follow_up,
        kb,
        labels,
        language,
        not_found,
        orders,
        queue,
        reports,
    )
