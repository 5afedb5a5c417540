"""Failed visits awaiting follow-up: oldest first, with the reason and how long ago."""

from __future__ import annotations

from flask import render_template

from server.alerts.messages import duration
from server.clock import utcnow
from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view
from server.services import visits

REASON_LABELS = {
    "customer_absent": "Customer absent", "no_access": "No access",
    "parts_missing": "Parts missing", "customer_declined": "Customer declined",
    "wrong_diagnosis": "Wrong diagnosis", "other": "Other",
}


@bp.get("/follow-up")
@console_view
def follow_up():
    return render_template("supervisor/follow_up.html",
                           items=visits.awaiting_follow_up(utcnow()), labels=REASON_LABELS,
                           age=lambda delta: duration(delta, "en"))
