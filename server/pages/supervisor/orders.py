"""One order's audit page, its evidence files, and the approve / send-back forms."""

from __future__ import annotations

from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from media.store import MediaStore
from schemas.formats import is_uuid
from server.alerts.listing import list_alerts
from server.clock import utcnow
from server.extensions import db
from server.models import SignoffRow
from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view, supervisors_only
from server.services import audit, candidates, kb_usage, orders, photos
from sync import status as st
from sync.errors import DomainError


def _store() -> MediaStore:
    return MediaStore(Path(current_app.config["MEDIA_DIR"]))


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
    if decision not in ("approve", "rework"):
        abort(400)
    comment = request.form.get("comment", "").strip()[:2000] or None
    try:
        orders.verify(order_id, decision, comment, g.user, utcnow())  # the API's own rule
        db.session.commit()
        flash("Approved." if decision == "approve" else "Sent back for rework.")
    except DomainError as exc:
        db.session.rollback()
        flash(f"Not done: {exc.message}")
    return redirect(url_for("supervisor.order", order_id=order_id), code=303)


def _evidence(path: Path, mimetype: str):
    response = send_file(path, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/photos/<photo_id>/<rendition>")
@console_view
def photo(photo_id, rendition):
    found = photos.visible_photo(photo_id, g.user)
    if rendition == "thumbnail":
        return _evidence(photos.derived(_store(), found.sha256, "thumbnail"), "image/jpeg")
    if rendition == "full":  # re-encoded upright for the browser; the original is in the API
        return _evidence(photos.derived(_store(), found.sha256, "customer"), "image/jpeg")
    abort(404)


@bp.get("/signoffs/<signoff_id>/signature")
@console_view
def signature(signoff_id):
    signoff = db.session.get(SignoffRow, signoff_id) if is_uuid(signoff_id) else None
    if signoff is None:
        abort(404)
    orders.visible_order(signoff.work_order_id, g.user)
    path = _store().path_for(signoff.signature_sha256)
    if not path.exists():
        abort(404)
    return _evidence(path, "image/png")
