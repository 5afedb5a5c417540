"""The server's clock; tests and operators (`--now`) inject another one through config."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Now, timezone-aware UTC, from config["CLOCK"] when one is injected."""
    clock = current_app.config.get("CLOCK") if has_app_context() else None
    return clock() if clock else datetime.now(UTC)
