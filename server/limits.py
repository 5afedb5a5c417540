"""Rate limits, read from config at request time (tests change them)."""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address

from server.extensions import limiter


def public_limit() -> str:
    """Reads of the customer's page and its JSON (FIELDSYNC_PUBLIC_RATE_LIMIT)."""
    return current_app.config["PUBLIC_RATE_LIMIT"]


def rating_limit() -> str:
    """Rating submissions (FIELDSYNC_RATING_RATE_LIMIT)."""
    return current_app.config["RATING_RATE_LIMIT"]


def login_limit() -> str:
    """Failed sign-ins to one account from one client address (FIELDSYNC_LOGIN_RATE_LIMIT)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_account_limit() -> str:
    """Failed sign-ins to one account from anywhere (FIELDSYNC_LOGIN_ACCOUNT_RATE_LIMIT)."""
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def login_address_limit() -> str:
    """Failed sign-ins to any account from one address (FIELDSYNC_LOGIN_ADDRESS_RATE_LIMIT)."""
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def failed_sign_in(response: Response) -> bool:
    """Only failures count against the login limits: a success is not a guess, and many
    engineers signing in from one office address must not lock each other out."""
    return response.status_code not in (200, 303)


def _username() -> str:
    """The account a sign-in names: the JSON body's (API) or the form's (console)."""
    if request.mimetype == "application/json":
        try:  # the view parses the same cached bytes again, and answers bad JSON itself
            body = json.loads(request.get_data(cache=True))
        except (ValueError, RecursionError):
            return ""
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    return name if isinstance(name, str) else ""


def _account() -> str:
    # Hashed: a bounded, plain key in any limiter storage, whatever a client typed.
    name = _username().encode("utf-8", "surrogatepass")
    return "account:" + hashlib.sha256(name).hexdigest()[:32]


def _account_at_address() -> str:
    return f"{_account()}@{get_remote_address()}"


# (limit, key, scope): one person mistyping locks only their own account at their address;
# a guesser spreading over addresses (botnet) or over accounts (one address, many names)
# meets the wider limits. Scopes are shared, so the console and the API count together.
_SIGN_IN_LIMITS = ((login_limit, _account_at_address, "sign-in:account-at-address"),
                   (login_account_limit, _account, "sign-in:account"),
                   (login_address_limit, get_remote_address, "sign-in:address"))


def sign_in_limits(methods: list[str] | None = None):
    """Decorate a sign-in view with the three failed-sign-in limits (over any one, 429)."""

    def decorate(view):
        for limit, key, scope in _SIGN_IN_LIMITS:
            view = limiter.shared_limit(limit, scope=scope, key_func=key, methods=methods,
                                        deduct_when=failed_sign_in)(view)
        return view

    return decorate
