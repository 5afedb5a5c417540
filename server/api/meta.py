"""Health and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from server.api.openapi import build_spec

bp = Blueprint("meta", __name__)


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec(current_app))
