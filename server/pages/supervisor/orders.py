"""One order's audit page, its evidence files, and the approve / send-back forms."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from schemas.formats import is_uuid
from server.alerts.listing import list_alerts
from server.clock import utcnow
from server.database import unit_of_work
from server.extensions import db
from server.media_http import rendition_answer, stream_original
from server.media_store import media_store
from server.models import SignoffRow
from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view, supervisors_only
from server.services import audit, candidates, kb_usage, orders, photos
from sync import status as st
from sync.errors import DomainError, NotFound


@bp.get("/orders/<order_id>")
@console_view
def order(order_id):
    row = orders.visible_order(order_id, g.user)
    ranked = (candidates.for_order(row.id, 5, utcnow(), current_app.config["TIMEZONE"])
              if row.status in st.AWAITING_SERVICE else [])
    return render_template("supervisor/order.html", audit=audit.order_audit(row),
                           labels=audit.FLAG_LABELS, alerts=_alerts(row.id),
                           kb_used=kb_usage.used_on_order(row.id), candidates=ranked)


def _alerts(order_id: str) -> list[dict]:
    return list_alerts(db.session, work_order_id=order_id)


@bp.post("/orders/<order_id>/verify")
@console_view
def verify(order_id):
    supervisors_only()
    decision = request.form.get("decision")
    if decision not in st.VERIFY_DECISIONS:
        abort(400)
    comment = request.form.get("comment", "").strip()[:2000] or None
    try:
        with unit_of_work():
            orders.verify(order_id, decision, comment, g.user, utcnow())  # the API's own rule
        flash("Approved." if decision == st.APPROVE else "Sent back for rework.")
    except DomainError as exc:
        flash(f"Not done: {exc.message}")
    return redirect(url_for("supervisor.order", order_id=order_id), code=303)


EVIDENCE = "private, max-age=31536000, immutable"


@bp.get("/photos/<photo_id>/<rendition>")
@console_view
def photo(photo_id, rendition):
    found = photos.visible_photo(photo_id, g.user)
    if rendition == "thumbnail":
        return rendition_answer(photos.rendition(media_store(), found.sha256, "thumbnail"),
                                found.sha256 + "-t", cache_control=EVIDENCE)
    if rendition == "full":  # re-encoded upright for the browser; the original is in the API
        return rendition_answer(photos.rendition(media_store(), found.sha256, "customer"),
                                found.sha256 + "-c", cache_control=EVIDENCE)
    abort(404)


@bp.get("/signoffs/<signoff_id>/signature")
@console_view
def signature(signoff_id):
    signoff = db.session.get(SignoffRow, signoff_id) if is_uuid(signoff_id) else None
    if signoff is None:
        abort(404)
    orders.visible_order(signoff.work_order_id, g.user)
    try:
        return stream_original(media_store(), signoff.signature_sha256, cache_control=EVIDENCE)
    except NotFound:
        abort(404)
