"""A console address that leads nowhere answers an HTML page, not the API's error JSON."""

from __future__ import annotations

from flask import render_template

from server.pages.supervisor import bp
from sync.errors import NotFound


@bp.errorhandler(404)
@bp.errorhandler(NotFound)
def not_found(_error=None):
    """Also for an order, photo or report a console view could not find."""
    return render_template("supervisor/not_found.html"), 404


@bp.get("/<path:unknown>")
def unknown_page(unknown):
    # Routing 404s never reach a blueprint's handler; this rule catches the console's own.
    return not_found()
