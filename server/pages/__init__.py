"""Server-rendered HTML: the customer's page and the supervisor console."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from server.pages import customer

    app.register_blueprint(customer.bp)
