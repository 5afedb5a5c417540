"""Configuration from the environment, read once by create_app()."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(raw: str | None) -> str:
    """The SQLAlchemy URL; plain postgresql:// URLs get the psycopg 3 driver we ship."""
    if not raw:
        return f"sqlite:///{ROOT / 'var' / 'fieldsync.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def from_environment(env=os.environ) -> dict:
    """Flask config keys from FIELDSYNC_* and DATABASE_URL."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL")),
        "MEDIA_DIR": env.get("FIELDSYNC_MEDIA_DIR", str(ROOT / "var" / "media")),
        # s3://bucket/prefix keeps media in object storage (uploads still stage in MEDIA_DIR).
        "MEDIA_URL": env.get("FIELDSYNC_MEDIA_URL") or None,
        "SECRET_KEY": env.get("FIELDSYNC_SECRET_KEY"),
        "TIMEZONE": env.get("FIELDSYNC_TIMEZONE", "Asia/Shanghai"),
        "SCHEDULER": env.get("FIELDSYNC_SCHEDULER", "0") == "1",
        "PUBLIC_URL": env.get("FIELDSYNC_PUBLIC_URL", "http://127.0.0.1:5000"),
        # werkzeug's method string; scrypt unless a test suite trades strength for speed.
        "PASSWORD_HASH_METHOD": env.get("FIELDSYNC_PASSWORD_HASH_METHOD", "scrypt"),
        "TOKEN_TTL_HOURS": int(env.get("FIELDSYNC_TOKEN_TTL_HOURS", 24 * 30)),
        "MAX_JSON_BYTES": int(env.get("FIELDSYNC_MAX_JSON_BYTES", 2 * 1024 * 1024)),
        "MAX_MEDIA_BYTES": int(env.get("FIELDSYNC_MAX_MEDIA_BYTES", 25 * 1024 * 1024)),
        "MAX_MEDIA_PIXELS": int(env.get("FIELDSYNC_MAX_MEDIA_PIXELS", 50_000_000)),
        # An unfinished upload nobody holds open is deleted after this long without a byte.
        "MEDIA_STALE_UPLOAD_MINUTES": float(env.get("FIELDSYNC_MEDIA_STALE_UPLOAD_MINUTES", 60)),
        # Longest side of an uploaded image: bounds decode memory where the pixel count cannot.
        "MAX_MEDIA_SIDE": int(env.get("FIELDSYNC_MAX_MEDIA_SIDE", 16_384)),
        # tus uploads: where unfinished ones wait (default: `uploads` beside the media dir),
        # and how long after their last byte they are kept.
        "UPLOAD_DIR": env.get("FIELDSYNC_UPLOAD_DIR"),
        "UPLOAD_EXPIRY_HOURS": float(env.get("FIELDSYNC_UPLOAD_EXPIRY_HOURS", 24)),
        "RATELIMIT_STORAGE_URI": env.get("FIELDSYNC_RATELIMIT_STORAGE_URI", "memory://"),
        "PUBLIC_RATE_LIMIT": env.get("FIELDSYNC_PUBLIC_RATE_LIMIT", "120 per minute"),
        "RATING_RATE_LIMIT": env.get("FIELDSYNC_RATING_RATE_LIMIT", "10 per minute"),
        # Failed sign-ins (console and POST /api/v1/auth/token, counted together): to one
        # account from one address, to one account from anywhere, to any account from one
        # address. Over any of them, 429.
        "LOGIN_RATE_LIMIT": env.get("FIELDSYNC_LOGIN_RATE_LIMIT", "10 per minute"),
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get("FIELDSYNC_LOGIN_ACCOUNT_RATE_LIMIT",
                                            "100 per hour"),
        "LOGIN_ADDRESS_RATE_LIMIT": env.get("FIELDSYNC_LOGIN_ADDRESS_RATE_LIMIT",
                                            "100 per minute"),
        # Reverse proxies in front that append to X-Forwarded-For (and set X-Forwarded-Proto);
        # 0 trusts none, so a client cannot choose the address its limits count against.
        "TRUSTED_PROXIES": int(env.get("FIELDSYNC_TRUSTED_PROXIES", 0)),
        # Console sessions end this long after sign-in, however busy.
        "CONSOLE_SESSION_MAX_HOURS": float(env.get("FIELDSYNC_CONSOLE_SESSION_MAX_HOURS", 12)),
        "AUDIT_PAGE_SIZE": int(env.get("FIELDSYNC_AUDIT_PAGE_SIZE", 100)),
        # How far outside [accepted, completed or now] a photo's capture time may be.
        "PHOTO_WINDOW_SLACK_MINUTES": int(env.get("FIELDSYNC_PHOTO_WINDOW_SLACK_MINUTES", 30)),
        # Overdue alerts: hours per priority as JSON, e.g. {"urgent": {"warning": 1}}.
        "ALERT_RULES": json.loads(env.get("FIELDSYNC_ALERT_RULES") or "{}"),
        "ALERT_MAX_ATTEMPTS": int(env.get("FIELDSYNC_ALERT_MAX_ATTEMPTS", 8)),
        "ALERT_BACKOFF_SECONDS": float(env.get("FIELDSYNC_ALERT_BACKOFF_SECONDS", 30)),
        "ALERT_BACKOFF_MAX_SECONDS": float(env.get("FIELDSYNC_ALERT_BACKOFF_MAX_SECONDS", 3600)),
        "ALERT_HTTP_TIMEOUT": float(env.get("FIELDSYNC_ALERT_HTTP_TIMEOUT", 10)),
        "ALERT_LEASE_SECONDS": int(env.get("FIELDSYNC_ALERT_LEASE_SECONDS", 300)),
        "ALERT_DELIVER_INTERVAL_SECONDS": int(env.get("FIELDSYNC_ALERT_DELIVER_INTERVAL_SECONDS",
                                                      15)),
        # None: derived from SECRET_KEY by server/alerts/adapters/webhook.py.
        "WEBHOOK_SECRET": env.get("FIELDSYNC_WEBHOOK_SECRET"),
        # Off: messaging URLs resolving to loopback, private, link-local and other
        # non-public addresses are refused at send time (no probing of internal services).
        "ALERT_ALLOW_PRIVATE_URLS": env.get("FIELDSYNC_ALERT_ALLOW_PRIVATE_URLS", "0") == "1",
        # `0`: no assignment messages (the overdue alerts still go out).
        "ASSIGNMENT_MESSAGES": env.get("FIELDSYNC_ASSIGNMENT_MESSAGES", "1") == "1",
        # How far back a device's client_time may reach for the price it quoted offline.
        "PRICE_GRACE_HOURS": float(env.get("FIELDSYNC_PRICE_GRACE_HOURS", 72)),
        # Unset: GET /metrics answers only a local scraper (loopback, no proxy headers).
        "METRICS_TOKEN": env.get("FIELDSYNC_METRICS_TOKEN") or None,
        # `json`: one JSON object a line on stderr (gunicorn.conf.py makes it the default there).
        "LOG_FORMAT": env.get("FIELDSYNC_LOG_FORMAT", "text"),
    }
