"""The supervisor console: sign-in, the audit queue, order audit pages, reports."""

from __future__ import annotations

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


def register_views() -> None:
    from server.pages.supervisor import auth, kb, orders, queue, reports  # noqa: F401 - routes
