"""Rate limits per client address, read from config at request time (tests change them)."""

from __future__ import annotations

from flask import Response, current_app


def public_limit() -> str:
    """Reads of the customer's page and its JSON (FIELDSYNC_PUBLIC_RATE_LIMIT)."""
    return current_app.config["PUBLIC_RATE_LIMIT"]


def rating_limit() -> str:
    """Rating submissions (FIELDSYNC_RATING_RATE_LIMIT)."""
    return current_app.config["RATING_RATE_LIMIT"]


def login_limit() -> str:
    """Failed sign-ins: console and API tokens (FIELDSYNC_LOGIN_RATE_LIMIT)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def failed_sign_in(response: Response) -> bool:
    """Only failures count against the login limit: a success is not a guess, and many
    engineers signing in from one office address must not lock each other out."""
    return response.status_code not in (200, 303)
