"""Server-rendered HTML: the customer's page and the supervisor console."""

from __future__ import annotations

from flask import Flask, Response


def register(app: Flask) -> None:
    # Imported here, not at the top: the page modules import forbid_framing from this package.
    from server.pages import customer
    from server.pages.supervisor import bp as supervisor
    from server.pages.supervisor import register_views

    register_views()
    app.register_blueprint(customer.bp)
    app.register_blueprint(supervisor)


def forbid_framing(response: Response) -> Response:
    """No page of ours may be framed by another site (clickjacking of the forms)."""
    response.headers["X-Frame-Options"] = "DENY"
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    elif "frame-ancestors" not in policy:
        response.headers["Content-Security-Policy"] = policy + "; frame-ancestors 'none'"
    return response
