"""Work orders between the database rows and the sync aggregate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from server.extensions import db
from server.models import (
    ChargeLineRow,
    Customer,
    NoteRow,
    PhotoRow,
    SignoffRow,
    Site,
    WorkOrderRow,
)
from sync.model import ChargeLine, Note, Photo, Signoff, WorkOrder

SCALARS = ("number", "version", "status", "priority", "title", "description", "currency",
           "assigned_engineer_id", "created_at", "assigned_at", "accepted_at", "started_at",
           "completed_at", "verified_at", "cancelled_at", "due_at", "start_location",
           "window_start", "window_end", "failed_at", "failure_reason")
WRITABLE = SCALARS[1:]


def load_row(order_id: str, *, lock: bool = False) -> WorkOrderRow | None:
    """The order's row (locked for update when asked), or None."""
    statement = select(WorkOrderRow).where(WorkOrderRow.id == order_id)
    if lock:
        statement = statement.with_for_update(of=WorkOrderRow).execution_options(
            populate_existing=True)
    return db.session.scalar(statement)


def customer_document(customer) -> dict:
    return {"id": customer.id, "name": customer.name, "phone": customer.phone,
            "address": customer.address, "language": customer.language}


def site_document(site) -> dict:
    return {"id": site.id, "customer_id": site.customer_id, "address": site.address,
            "region": site.region, "location": {"lat": site.lat, "lon": site.lon},
            "geofence": site.geofence, "radius_m": site.radius_m, "timezone": site.timezone}


def to_aggregate(row: WorkOrderRow) -> WorkOrder:
    """The aggregate the rules work on."""
    order = WorkOrder(id=row.id, **{name: getattr(row, name) for name in SCALARS})
    order.customer = customer_document(row.customer)
    order.site = site_document(row.site)
    order.charges = [ChargeLine(
        id=c.id, kind=c.kind, catalog_code=c.catalog_code, description=c.description,
        quantity=c.quantity, unit=c.unit, unit_price=c.unit_price, tax_rate=c.tax_rate,
        amount=c.amount, tax=c.tax) for c in row.charges if c.removed_at is None]
    order.priced_at = {c.id: c.priced_at for c in row.charges if c.priced_at is not None}
    order.notes = [Note(id=n.id, at=n.at, author_id=n.author_id, author=n.author, text=n.text)
                   for n in row.notes]
    order.photos = [Photo(id=p.id, kind=p.kind, sha256=p.sha256, caption=p.caption,
                          taken_at=p.taken_at, location=p.location,
                          verification=p.verification, attached_at=p.attached_at,
                          phash=p.phash) for p in row.photos]
    order.signoffs = [Signoff(id=s.id, signer_name=s.signer_name, signed_at=s.signed_at,
                              charges_digest=s.charges_digest, total=s.total,
                              signature_sha256=s.signature_sha256, valid=s.valid)
                      for s in row.signoffs]
    return order


CUSTOMER_COLUMNS = (Customer.id, Customer.name, Customer.phone, Customer.address,
                    Customer.language)
SITE_COLUMNS = (Site.id, Site.customer_id, Site.address, Site.region, Site.lat, Site.lon,
                Site.geofence, Site.radius_m, Site.timezone)


def load_places(customer_ids, site_ids, session=None) -> tuple[dict[str, dict], dict[str, dict]]:
    """The customer and site documents by id, in two queries."""
    session = session if session is not None else db.session
    customers = {c.id: customer_document(c) for c in session.execute(
        select(*CUSTOMER_COLUMNS).where(Customer.id.in_(set(customer_ids))))}
    sites = {s.id: site_document(s) for s in session.execute(
        select(*SITE_COLUMNS).where(Site.id.in_(set(site_ids))))}
    return customers, sites


def load_aggregates(order_ids: list[str], session=None) -> dict[str, WorkOrder]:
    """Many orders at once, as aggregates, from plain column reads: one query for the orders,
    one for their customers and sites, one per kind of child, whatever the number of orders.
    `session` may be a Session or a bare Connection (the migration's backfill)."""
    if not order_ids:
        return {}
    session = session if session is not None else db.session
    orders = {}
    columns = [getattr(WorkOrderRow, name) for name in SCALARS]
    rows = session.execute(select(WorkOrderRow.id, WorkOrderRow.customer_id,
                                  WorkOrderRow.site_id, *columns)
                           .where(WorkOrderRow.id.in_(order_ids))).all()
    customers, sites = load_places([r[1] for r in rows], [r[2] for r in rows], session)
    for order_id, customer_id, site_id, *values in rows:
        order = WorkOrder(id=order_id, **dict(zip(SCALARS, values, strict=True)))
        order.customer, order.site = customers[customer_id], sites[site_id]
        orders[order_id] = order
    for model, attribute, make in CHILD_READERS:
        charges = model is ChargeLineRow
        statement = select(model.work_order_id, *[getattr(model, f) for f in make.fields],
                           *([ChargeLineRow.priced_at] if charges else []))
        statement = statement.where(model.work_order_id.in_(order_ids))
        if charges:
            statement = statement.where(ChargeLineRow.removed_at.is_(None))
        for order_id, *values in session.execute(
                statement.order_by(model.work_order_id, model.position)):
            if charges:
                *values, priced_at = values
                if priced_at is not None:  # the price version, kept beside the line
                    orders[order_id].priced_at[values[0]] = priced_at
            getattr(orders[order_id], attribute).append(make.build(*values))
    return orders


class _Reader:
    """Which columns of a child table make which aggregate part."""

    def __init__(self, build, fields: tuple[str, ...]):
        self.build, self.fields = build, fields


CHILD_READERS = (
    (ChargeLineRow, "charges", _Reader(ChargeLine, (
        "id", "kind", "catalog_code", "description", "quantity", "unit", "unit_price",
        "tax_rate", "amount", "tax"))),
    (NoteRow, "notes", _Reader(Note, ("id", "at", "author_id", "author", "text"))),
    (PhotoRow, "photos", _Reader(Photo, (
        "id", "kind", "sha256", "caption", "taken_at", "location", "verification",
        "attached_at", "phash"))),
    (SignoffRow, "signoffs", _Reader(Signoff, (
        "id", "signer_name", "signed_at", "charges_digest", "total", "signature_sha256",
        "valid"))),
)


def save(row: WorkOrderRow, order: WorkOrder, now: datetime) -> None:
    """Write the aggregate back; removed charge lines keep their rows, marked removed."""
    for name in WRITABLE:
        if getattr(row, name) != getattr(order, name):
            setattr(row, name, getattr(order, name))
    _save_charges(row, order, now)
    _append_new(row.notes, order.notes, lambda n, position: NoteRow(
        id=n.id, position=position, at=n.at, author_id=n.author_id, author=n.author,
        text=n.text))
    _append_new(row.photos, order.photos, lambda p, position: PhotoRow(
        id=p.id, position=position, kind=p.kind, sha256=p.sha256, caption=p.caption,
        taken_at=p.taken_at, location=p.location, verification=p.verification,
        phash=p.phash, attached_at=p.attached_at))
    _append_new(row.signoffs, order.signoffs, lambda s, position: SignoffRow(
        id=s.id, position=position, signer_name=s.signer_name, signed_at=s.signed_at,
        charges_digest=s.charges_digest, total=s.total,
        signature_sha256=s.signature_sha256, valid=s.valid))
    validity = {s.id: s.valid for s in order.signoffs}
    for signoff_row in row.signoffs:
        if signoff_row.valid != validity.get(signoff_row.id, signoff_row.valid):
            signoff_row.valid = validity[signoff_row.id]


def save_in_bulk(rows: dict[str, WorkOrderRow], orders: list[WorkOrder], now: datetime,
                 inserted: dict[tuple[str, type], list[str]] | None = None,
                 dropped: list[tuple[str, ChargeLine]] = ()) -> None:
    """Write many aggregates back at once: each changed order is one UPDATE (its row is
    dirty, so the feed stamps it), and their new children are one INSERT per table.
    `inserted` remembers the children written by earlier calls on the same rows (their ORM
    collections do not list bulk-inserted rows), so a unit of work may save more than once."""
    inserted = {} if inserted is None else inserted
    removed_earlier = inserted.setdefault(("removed", ChargeLineRow), set())
    new: dict[type, list[dict]] = {ChargeLineRow: [], NoteRow: [], PhotoRow: [],
                                   SignoffRow: []}
    for order in orders:
        row = rows[order.id]
        for name in WRITABLE:
            if getattr(row, name) != getattr(order, name):
                setattr(row, name, getattr(order, name))
        current = {line.id for line in order.charges}
        for charge_row in row.charges:
            if charge_row.removed_at is None and charge_row.id not in current:
                charge_row.removed_at = now
        gone = set(inserted.get((order.id, ChargeLineRow), ())) - current - removed_earlier
        if gone:  # written by an earlier save of this unit of work, removed since
            db.session.execute(update(ChargeLineRow).where(ChargeLineRow.id.in_(gone))
                               .values(removed_at=now))
            removed_earlier |= gone
        validity = {s.id: s.valid for s in order.signoffs}
        for signoff_row in row.signoffs:
            if signoff_row.valid != validity.get(signoff_row.id, signoff_row.valid):
                signoff_row.valid = validity[signoff_row.id]
        for model, stored, items, to_row in (
                (ChargeLineRow, row.charges, order.charges, _charge_columns),
                (NoteRow, row.notes, order.notes, _note_columns),
                (PhotoRow, row.photos, order.photos, _photo_columns),
                (SignoffRow, row.signoffs, order.signoffs, _signoff_columns)):
            earlier = inserted.setdefault((order.id, model), [])
            known = {r.id for r in stored} | set(earlier)
            fresh = [item for item in items if item.id not in known]
            new[model] += [dict(to_row(item), work_order_id=order.id,
                                position=len(stored) + len(earlier) + n,
                                **_priced(model, order, item))
                           for n, item in enumerate(fresh)]
            earlier += [item.id for item in fresh]
    for order_id, line in dropped:
        earlier = inserted.setdefault((order_id, ChargeLineRow), [])
        new[ChargeLineRow].append(dict(
            _charge_columns(line), work_order_id=order_id, removed_at=now,
            position=len(rows[order_id].charges) + len(earlier)))
        earlier.append(line.id)
        removed_earlier.add(line.id)
    for model, values in new.items():
        if values:
            db.session.execute(insert(model), values)


def _priced(model: type, order: WorkOrder, item) -> dict:
    """A new charge line's price version (kept beside the lines, out of the digest)."""
    return {"priced_at": order.priced_at.get(item.id)} if model is ChargeLineRow else {}


def _charge_columns(c: ChargeLine) -> dict:
    return dict(id=c.id, kind=c.kind, catalog_code=c.catalog_code, description=c.description,
                quantity=c.quantity, unit=c.unit, unit_price=c.unit_price,
                tax_rate=c.tax_rate, amount=c.amount, tax=c.tax, removed_at=None)


def _note_columns(n: Note) -> dict:
    return dict(id=n.id, at=n.at, author_id=n.author_id, author=n.author, text=n.text)


def _photo_columns(p: Photo) -> dict:
    return dict(id=p.id, kind=p.kind, sha256=p.sha256, caption=p.caption,
                taken_at=p.taken_at, location=p.location, verification=p.verification,
                phash=p.phash, attached_at=p.attached_at)


def _signoff_columns(s: Signoff) -> dict:
    return dict(id=s.id, signer_name=s.signer_name, signed_at=s.signed_at,
                charges_digest=s.charges_digest, total=s.total,
                signature_sha256=s.signature_sha256, valid=s.valid)


def _append_new(rows, items, make_row) -> None:
    known = {r.id for r in rows}
    for item in items:
        if item.id not in known:
            rows.append(make_row(item, len(rows)))


def _save_charges(row: WorkOrderRow, order: WorkOrder, now: datetime) -> None:
    current = {line.id for line in order.charges}
    for charge_row in row.charges:
        if charge_row.removed_at is None and charge_row.id not in current:
            charge_row.removed_at = now
    _append_new(row.charges, order.charges, lambda c, position: ChargeLineRow(
        id=c.id, position=position, kind=c.kind, catalog_code=c.catalog_code,
        description=c.description, quantity=c.quantity, unit=c.unit,
        unit_price=c.unit_price, tax_rate=c.tax_rate, amount=c.amount, tax=c.tax,
        priced_at=order.priced_at.get(c.id)))
