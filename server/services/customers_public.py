"""What a customer sees and does through the private link: the breakdown, photos, a rating."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from schemas.formats import iso as _iso
from server.extensions import db
from server.models import Rating, User, WorkOrderRow
from server.services import orders_repo, preferences, timeline
from server.services.ratings import rating_summary
from sync import status as st
from sync.digest import charges_digest
from sync.document import signoff_document
from sync.errors import Conflict, NotFound
from sync.money import money_str, totals
from sync.mutations import charge_details

RATABLE = (st.COMPLETED, st.VERIFIED)


def public_view(row: WorkOrderRow, token: str) -> dict:
    """The customer's view of the order (JSON and page alike)."""
    order = orders_repo.to_aggregate(row)
    sums = totals(order.charges, order.currency)
    engineer = db.session.get(User, row.assigned_engineer_id) if row.assigned_engineer_id \
        else None
    rating = db.session.scalar(select(Rating).where(Rating.work_order_id == row.id))
    money = partial(money_str, currency=order.currency)
    return {
        "number": order.number, "title": order.title, "status": order.status,
        "currency": order.currency, "language": row.customer.language,
        "customer": {"name": row.customer.name},
        "site": {"address": row.site.address, "timezone": row.site.timezone},
        "completed_at": _iso(order.completed_at), "verified_at": _iso(order.verified_at),
        "engineer": None if engineer is None else {
            "name": engineer.name, "rating": rating_summary(engineer.id)},
        "charges": [charge_details(line, order.currency) | {"ad_hoc": line.ad_hoc}
                    for line in order.charges],
        "totals": {"subtotal": money(sums.subtotal), "tax": money(sums.tax),
                   "total": money(sums.total)},
        "charges_digest": charges_digest(order.currency, order.charges),
        "signoff": _public_signoff(signoff_document(order.signoff, order.currency)),
        "photos": [{"id": p.id, "kind": p.kind, "caption": p.caption,
                    "url": f"/c/{token}/photos/{p.id}.jpg"}
                   for p in order.photos if p.kind == "after"],
        "rating": None if rating is None else {
            "stars": rating.stars, "tags": rating.tags, "comment": rating.comment,
            "created_at": _iso(rating.created_at)},
        "can_rate": rating is None and order.status in RATABLE,
        "engineer_preference": preferences.current(row),
        "can_choose_engineer": rating is not None and preferences.may_choose(row),
    }


def _public_signoff(document: dict | None) -> dict | None:
    if document is None:
        return None
    document.pop("signature_sha256", None)
    return document


def customer_photo(row: WorkOrderRow, photo_id: str):
    """The order's completion photo with this id (404 for any other)."""
    photo = next((p for p in row.photos if p.id == photo_id and p.kind == "after"), None)
    if photo is None:
        raise NotFound("no such photo", code="not_found")
    return photo


def rate(row: WorkOrderRow, data: dict, now: datetime) -> Rating:
    """Record the customer's rating: after completion only, once."""
    if row.status not in RATABLE:
        raise Conflict("the job can be rated once it is completed", code="not_completed",
                       status=row.status)
    rating = Rating(work_order_id=row.id, engineer_id=row.assigned_engineer_id,
                    stars=data["stars"], tags=data.get("tags", []),
                    comment=data.get("comment"), language=row.customer.language,
                    created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError as exc:
        raise Conflict("this job has already been rated", code="already_rated") from exc
    timeline.record(row.id, actor_id=None, actor=row.customer.name, role="customer",
                    action="rated", details={"stars": rating.stars, "tags": rating.tags,
                                             "comment": rating.comment}, now=now)
    return rating
