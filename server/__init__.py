"""The FieldSync server: create_app() is the only place that reads config or connects."""

from __future__ import annotations

import json
import math
import os
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from server import cli, errors, metrics_endpoint, request_log
from server import config as config_module
from server.alerts.scheduler import start_in_web_process
from server.api import register as register_api
from server.database import configure_engine, writes_expected
from server.extensions import babel, compress, csrf, db, limiter, migrate
from server.media_store import check_media_settings
from server.pages import register as register_pages
from server.services import feed, order_documents


def _json_default(value):
    if isinstance(value, Decimal):
        # Bodies are parsed with exact Decimals; a device's payload is kept as it sent it, so
        # a JSON number goes back as a number (shortest float repr round-trips its digits).
        number = float(value)
        return number if math.isfinite(number) else format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _json_dumps(value) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _secret_key(app: Flask) -> str:
    """FIELDSYNC_SECRET_KEY, or one generated once and kept beside the SQLite file."""
    key_file = Path(app.config["MEDIA_DIR"]).parent / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    temp = key_file.with_name(f".secret_key.{os.getpid()}")
    with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(secrets.token_hex(32))
    try:  # link, not rename: of several workers starting at once, exactly one key wins
        os.link(temp, key_file)
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    return key_file.read_text().strip()


def _locale() -> str:
    """The page's language, set by the view (the customer's), English otherwise."""
    return g.get("locale", "en")


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from the environment (and `overrides`, for tests and tools)."""
    app = Flask(__name__)
    app.config.update(config_module.from_environment())
    app.config.update(overrides or {})
    check_media_settings(app)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _secret_key(app)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_JSON_BYTES"]
    app.json.sort_keys = False
    request_log.install(app)  # first: its before_request hook times everything after it
    if app.config["TRUSTED_PROXIES"]:  # the client's address as the nearest trusted proxy saw it
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = {"json_serializer": _json_dumps, "pool_pre_ping": True}
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).update(options)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.ROOT / "migrations"),
                     render_as_batch=True)
    with app.app_context():
        configure_engine(db.engine)
    limiter.init_app(app)
    # Only views decorated with compress.compressed() answer gzip; JSON only, level 5 (most
    # of level 9's saving on JSON for a fraction of its CPU).
    app.config.update(COMPRESS_REGISTER=False, COMPRESS_ALGORITHM=["gzip"],
                      COMPRESS_MIMETYPES=["application/json"], COMPRESS_LEVEL=5)
    compress.init_app(app)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # tied to the session, which expires itself
    csrf.init_app(app)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=app.config["PUBLIC_URL"].startswith("https://"),
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=12))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES",
                          str(config_module.ROOT / "server" / "translations"))
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    babel.init_app(app, locale_selector=_locale)

    order_documents.install()
    feed.install()
    errors.register(app)
    register_api(app)
    register_pages(app)
    app.register_blueprint(metrics_endpoint.bp)
    from server.webapp import bp as webapp  # the engineer's web app at /app/
    app.register_blueprint(webapp)
    cli.register(app)
    if app.config["SCHEDULER"] and not app.testing:
        start_in_web_process(app)  # only where requests are served: not the reloader parent

    @app.before_request
    def _mark_read_only():
        writes_expected.set(request.method not in ("GET", "HEAD"))

    @app.before_request
    def _read_json_body_first():
        # Before any query: on SQLite a write request's first query takes the write lock, and
        # a phone trickling its push must not hold it while the (bounded) body arrives.
        if request.mimetype == "application/json":
            request.get_data(cache=True)

    @app.teardown_request
    def _reset(exc):
        writes_expected.set(True)

    return app
