"""Server-rendered HTML: the customer's page and the supervisor console."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from server.pages import customer
    from server.pages.supervisor import bp as supervisor
    from server.pages.supervisor import register_views

    register_views()
    app.register_blueprint(customer.bp)
    app.register_blueprint(supervisor)
