"""The JSON API under /api/v1, one blueprint per area."""

from __future__ import annotations

from flask import Blueprint, Flask

from server.api import (
    alerts,
    auth,
    dispatch,
    kb,
    media,
    meta,
    office,
    public,
    service_points,
    sync,
    uploads,
)


def register(app: Flask) -> None:
    """Mount every API blueprint under /api/v1."""
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    for area in (auth, dispatch, office, sync, media, uploads, public, meta, alerts, kb,
                 service_points):
        api.register_blueprint(area.bp)
    app.register_blueprint(api)
