"""The only place that turns exceptions into HTTP status codes and the contract's error JSON."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, jsonify
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from sync.errors import DomainError

log = logging.getLogger(__name__)

STATUS = {
    "bad_request": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404,
    "conflict": 409, "too_large": 413, "unsupported_media_type": 415, "validation": 422,
    "rate_limited": 429, "retry": 409, "precondition_failed": 412,
    "precondition_required": 428, "gone": 410,
}

HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "too_large",
    412: "version_conflict", 415: "unsupported_media_type", 422: "validation_error",
    428: "precondition_required", 429: "rate_limited",
}


def error_response(status: int, code: str, message: str, details: dict | None = None):
    """The contract's error body with its status."""
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return jsonify(body), status


# PostgreSQL's serialization failure and deadlock, SQLite's busy and locked: the transaction was
# rolled back whole, so the same request sent again is safe (a push is exactly-once anyway).
RETRYABLE_SQLSTATES = {"40001", "40P01"}
RETRYABLE_SQLITE_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
RETRY_AFTER_SECONDS = 1


def is_retryable(exc: DBAPIError) -> bool:
    """Whether the database gave up on the transaction for a conflict that a retry resolves."""
    original = exc.orig
    if getattr(original, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    code = getattr(original, "sqlite_errorcode", None)
    return isinstance(original, sqlite3.OperationalError) and code is not None and (
        code & 0xFF) in RETRYABLE_SQLITE_CODES


def register(app: Flask) -> None:
    """Install the handlers on the app."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        response = error_response(STATUS.get(exc.category, 409), exc.code, exc.message,
                                  exc.details)
        if exc.category == "unauthorized":
            response[0].headers["WWW-Authenticate"] = 'Bearer realm="fieldsync"'
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = HTTP_CODES.get(exc.code or 500, "http_error")
        message = {404: "no such resource", 405: "method not allowed",
                   413: "the request body is too large"}.get(exc.code, exc.description)
        body, status = error_response(exc.code or 500, code, message)
        if getattr(exc, "valid_methods", None):
            body.headers["Allow"] = ", ".join(exc.valid_methods)
        return body, status

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        if not is_retryable(exc):
            return unexpected(exc)
        log.warning("transient database conflict, answered 503: %s", type(exc.orig).__name__)
        body, status = error_response(503, "try_again", "the server was busy with a "
                                      "conflicting change; send the same request again")
        body.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return body, status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")
        return error_response(500, "internal_error", "something went wrong on the server")
