"""What supervisors audit: the queue of completed orders with their flags, and one order whole."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from media.site_map import site_map
from media.verification import (
    DUPLICATE,
    NEAR_DUPLICATE,
    NO_LOCATION,
    OUTSIDE_GEOFENCE,
    TIME_MISMATCH,
)
from schemas.roles import ENGINEER
from server.extensions import db
from server.models import Alert, Site, TimelineEvent, User, WorkOrderRow
from server.services import orders_repo, timeline
from sync import status as st
from sync.document import to_document
from sync.money import money_str, totals

PHOTO_FLAGS = (OUTSIDE_GEOFENCE, TIME_MISMATCH, DUPLICATE, NO_LOCATION)
FLAGS = PHOTO_FLAGS + (NEAR_DUPLICATE, "ad_hoc_charge", "signed_more_than_once",
                       "rejected_mutations", "alerts")
FLAG_LABELS = {
    OUTSIDE_GEOFENCE: "photo outside geofence", TIME_MISMATCH: "photo time mismatch",
    DUPLICATE: "duplicate photo", NO_LOCATION: "photo without location",
    NEAR_DUPLICATE: "near-duplicate photo", "ad_hoc_charge": "ad-hoc charge",
    "signed_more_than_once": "signed more than once",
    "rejected_mutations": "rejected sync actions", "alerts": "overdue alerts",
}


def order_flags(row: WorkOrderRow, rejected: int, alerts: int) -> list[str]:
    """Everything about a completed order that needs a supervisor's attention."""
    flags = {p.verification.get("status") for p in row.photos} & set(PHOTO_FLAGS)
    if any(NEAR_DUPLICATE in p.verification.get("codes", ()) for p in row.photos):
        flags.add(NEAR_DUPLICATE)
    if any(c.catalog_code is None and c.removed_at is None for c in row.charges):
        flags.add("ad_hoc_charge")
    if len(row.signoffs) > 1:
        flags.add("signed_more_than_once")
    if rejected:
        flags.add("rejected_mutations")
    if alerts:
        flags.add("alerts")
    return [flag for flag in FLAGS if flag in flags]


def _rejected_counts(order_ids: list[str]) -> dict[str, int]:
    if not order_ids:
        return {}
    rows = db.session.execute(
        select(TimelineEvent.work_order_id, func.count())
        .where(TimelineEvent.work_order_id.in_(order_ids), TimelineEvent.action == "rejected")
        .group_by(TimelineEvent.work_order_id))
    return dict(rows.all())


def alert_counts(order_ids: list[str]) -> dict[str, int]:
    """Alerts raised per order."""
    if not order_ids:
        return {}
    rows = db.session.execute(select(Alert.work_order_id, func.count())
                              .where(Alert.work_order_id.in_(order_ids))
                              .group_by(Alert.work_order_id))
    return dict(rows.all())


PAGE_SIZE = 100
MAX_PAGE = 1_000_000  # keeps OFFSET inside a BIGINT whatever the query string says
BATCH = 500  # rows read at a time while a flag filter skips non-matching orders


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue; `page` 1 is the newest."""

    items: list[dict]
    page: int
    has_older: bool

    @property
    def has_newer(self) -> bool:
        return self.page > 1


def queue(*, engineer_id: str | None = None, region: str | None = None,
          flag: str | None = None, page: int = 1, per_page: int = PAGE_SIZE) -> QueuePage:
    """Completed orders waiting for verification, newest first, with their flags, a page at a
    time. Engineer and region are filtered in SQL; flags are computed, so with a flag filter
    the rows are read in batches until the page (and one more, to know of older) is full."""
    page = min(max(1, page), MAX_PAGE)
    statement = (select(WorkOrderRow).join(Site, WorkOrderRow.site_id == Site.id)
                 .where(WorkOrderRow.status == st.COMPLETED)
                 .order_by(WorkOrderRow.completed_at.desc(), WorkOrderRow.id.desc()))
    if engineer_id:
        statement = statement.where(WorkOrderRow.assigned_engineer_id == engineer_id)
    if region:
        statement = statement.where(Site.region == region)
    skip, wanted = (page - 1) * per_page, per_page + 1
    offset = 0
    if flag is None:  # every row matches: let the database skip
        offset, skip = skip, 0
    items: list[dict] = []
    while len(items) < wanted:
        batch = BATCH if flag else wanted
        rows = list(db.session.scalars(statement.limit(batch).offset(offset)))
        for item in _items(rows):
            if flag and flag not in item["flags"]:
                continue
            if skip:
                skip -= 1
                continue
            items.append(item)
        if len(rows) < batch:
            break
        offset += batch
    return QueuePage(items=items[:per_page], page=page, has_older=len(items) > per_page)


def _items(rows: list[WorkOrderRow]) -> list[dict]:
    ids = [row.id for row in rows]
    rejected, alerts = _rejected_counts(ids), alert_counts(ids)
    names = _engineer_names({row.assigned_engineer_id for row in rows})
    return [{"id": row.id, "number": row.number, "title": row.title,
             "engineer": names.get(row.assigned_engineer_id, ""),
             "region": row.site.region, "completed_at": row.completed_at,
             "total": _total(row), "currency": row.currency,
             "flags": order_flags(row, rejected.get(row.id, 0), alerts.get(row.id, 0))}
            for row in rows]


def _total(row: WorkOrderRow) -> str:
    """The order's total from its stored, already rounded lines (as the document sums them)."""
    live = [charge for charge in row.charges if charge.removed_at is None]
    return money_str(totals(live, row.currency).total, row.currency)


def _engineer_names(ids) -> dict[str, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def filter_choices() -> dict:
    engineers = db.session.execute(select(User.id, User.name).where(User.role == ENGINEER)
                                   .order_by(User.name)).all()
    regions = db.session.scalars(select(Site.region).where(Site.region.is_not(None))
                                 .distinct().order_by(Site.region)).all()
    return {"engineers": engineers, "regions": regions, "flags": FLAGS}


def order_audit(row: WorkOrderRow) -> dict:
    """One order as a supervisor audits it."""
    document = to_document(orders_repo.to_aggregate(row), office=True)
    located = [(f"{index + 1}", p["location"]["lat"], p["location"]["lon"],
                p["verification"].get("status", "pending"))
               for index, p in enumerate(document["photos"]) if p["location"]]
    start = document["start_location"]
    engineer = db.session.get(User, row.assigned_engineer_id) if row.assigned_engineer_id \
        else None
    events = timeline.entries(row.id)
    rejected = sum(1 for event in events if event["action"] == "rejected")
    return {
        "order": document,
        "engineer": engineer,
        "region": row.site.region,
        "removed_charges": [c for c in row.charges if c.removed_at is not None],
        "map": site_map(document["site"], located,
                        (start["lat"], start["lon"]) if start else None),
        "timeline": events,
        "flags": order_flags(row, rejected, alert_counts([row.id]).get(row.id, 0)),
    }
