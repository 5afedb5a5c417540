"""The supervisor console: sign-in, the audit queue, order audit pages, reports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor",
               template_folder="../templates")


def register_views() -> None:
    from server.pages.supervisor import auth, orders, queue, reports  # noqa: F401 - routes
