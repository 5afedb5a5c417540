"""Overdue alerts and where their messages stand."""

from __future__ import annotations

from flask import Blueprint

from schemas.alerts import AlertListOutputSchema, AlertListQuerySchema
from schemas.roles import OFFICE
from server.alerts.listing import list_alerts
from server.api.endpoint import endpoint
from server.extensions import db

bp = Blueprint("alerts", __name__)


@endpoint(bp, "/alerts", methods=["GET"], roles=OFFICE,
          query=AlertListQuerySchema, response=AlertListOutputSchema,
          summary="Alerts (of one order, or the latest) with each delivery's state")
def get_alerts(query):
    return {"alerts": list_alerts(db.session, work_order_id=query.get("work_order_id"),
                                  state=query.get("state"), limit=query.get("limit", 100))}
