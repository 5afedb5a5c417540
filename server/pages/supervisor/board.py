"""The dispatcher board: today's and overdue open work by engineer; create, assign, reschedule.

Every change goes through the same services and schemas as the API, so a form can do nothing
the API would refuse.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from schemas.common import first_errors
from schemas.dispatch import PRIORITIES, WorkOrderInputSchema
from schemas.formats import is_uuid
from schemas.lists import WorkOrderPatchSchema
from server.clock import utcnow
from server.database import unit_of_work
from server.extensions import db
from server.models import Site
from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view
from server.services import board as board_service
from server.services import orders
from sync.errors import DomainError


def _zone() -> str:
    return current_app.config["TIMEZONE"]


@bp.get("/dispatch")
@console_view
def board():
    q = request.args.get("customer_q", "").strip()[:200]
    matches = board_service.customers_with_sites(q) if q and "\x00" not in q else []
    return render_template("supervisor/board.html", board=board_service.board(utcnow(), _zone()),
                           customer_q=q, matches=matches, priorities=PRIORITIES)


def _back():
    return redirect(url_for("supervisor.board"), code=303)


def _local_time(text: str) -> str | None:
    """A `datetime-local` form value read in the console's zone, as RFC 3339; None if empty."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text  # the schema names the field and says why
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(_zone()))
    return moment.isoformat()


def _refused(message: str):
    flash(f"Not done: {message}")
    return _back()


def _fields_message(exc: ValidationError) -> str:
    return "; ".join(f"{name}: {' '.join(map(str, errors))}"
                     for name, errors in first_errors(exc).items())


@bp.post("/dispatch/orders")
@console_view
def create_order():
    form = request.form
    site = db.session.get(Site, form["site_id"]) if is_uuid(form.get("site_id", "")) else None
    raw = {"customer_id": site.customer_id if site else "", "site_id": form.get("site_id", ""),
           "title": form.get("title", "").strip(), "priority": form.get("priority", "normal"),
           "due_at": _local_time(form.get("due_at", "")),
           "assigned_engineer_id": form.get("engineer_id") or None}
    try:
        with unit_of_work():
            data = WorkOrderInputSchema().load({k: v for k, v in raw.items() if v is not None})
            row, token = orders.create_work_order(data, g.user, utcnow(), _zone())
    except ValidationError as exc:
        return _refused(_fields_message(exc))
    except DomainError as exc:
        return _refused(exc.message)
    flash(f"Created {row.number}. Customer link: "
          f"{current_app.config['PUBLIC_URL']}/c/{token}")
    return _back()


@bp.post("/dispatch/orders/<order_id>/assign")
@console_view
def assign(order_id):
    try:
        with unit_of_work():
            row = orders.assign(order_id, request.form.get("engineer_id", ""), g.user, utcnow())
    except DomainError as exc:
        return _refused(exc.message)
    flash(f"{row.number} assigned.")
    return _back()


@bp.post("/dispatch/orders/<order_id>/assign-best")
@console_view
def assign_best(order_id):
    """One click: the order's top candidate (README: How candidates are ranked)."""
    try:
        with unit_of_work():
            row = orders.assign_best(order_id, g.user, utcnow(), _zone())
    except DomainError as exc:
        return _refused(exc.message)
    flash(f"{row.number} assigned to its best candidate.")
    return _back()


@bp.post("/dispatch/orders/<order_id>/schedule")
@console_view
def schedule(order_id):
    try:
        with unit_of_work():
            changes = WorkOrderPatchSchema().load({"due_at": _local_time(
                request.form.get("due_at", ""))})
            version = int(request.form.get("version", ""))
            row = orders.edit(order_id, changes, {version}, g.user, utcnow())
    except ValidationError as exc:
        return _refused(_fields_message(exc))
    except ValueError:
        return _refused("the form is out of date; reload the board")
    except DomainError as exc:
        if exc.code == "version_conflict":
            return _refused("the order changed meanwhile; look again and retry")
        return _refused(exc.message)
    flash(f"{row.number} rescheduled.")
    return _back()
