"""A request id on every answer, one access log line per request, and JSON log lines.

The standard library's logging with a small formatter, rather than python-json-logger or
structlog: the server needs one flat object a line, which is a dozen lines of json.dumps, and
pytest's log capture, gunicorn's logging and every module's `logging.getLogger` keep working
unchanged.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from server import metrics

HEADER = "X-Request-Id"
# What a proxy or client may hand us to correlate: short, printable, nothing to inject.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Customer links carry their secret in the path; logs must not become a list of keys.
SECRET_PATHS = re.compile(r"^(/api/v1/public/orders/|/c/)[^/]+")
access_log = logging.getLogger("fieldsync.access")


def redact(path: str) -> str:
    """The path with a customer link's token replaced."""
    return SECRET_PATHS.sub(r"\1{token}", path)


def request_id() -> str:
    """This request's id: the caller's when it is a short safe token, else a new uuid4."""
    if "request_id" not in g:
        given = request.headers.get(HEADER, "")
        g.request_id = given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the request id inside a request,
    the access fields of fieldsync.access, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(
                     timespec="milliseconds").replace("+00:00", "Z"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if has_request_context():
            entry["request_id"] = request_id()
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def use_json_logs() -> None:
    """Send the root logger's records to stderr as JSON at INFO (once per process; under
    gunicorn its logconfig_dict has done so already)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def install(app: Flask) -> None:
    """Stamp every answer with its request id and log it once it is answered."""
    if app.config["LOG_FORMAT"] == "json":
        use_json_logs()

    @app.before_request
    def _start():
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def _finish(response):
        response.headers[HEADER] = request_id()
        seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
        metrics.request_finished(request.endpoint, seconds)
        user = g.get("user")
        path = redact(request.path)
        access_log.info("%s %s %s", request.method, path, response.status_code, extra={
            "fields": {"request_id": request_id(), "method": request.method, "path": path,
                       "status": response.status_code,
                       "duration_ms": round(seconds * 1000, 1),
                       "user_id": getattr(user, "id", None)}})
        return response
