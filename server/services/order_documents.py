"""Each order's pull document, rendered once when the order changes and read as text by pull.

The body is the engineer's document (`sync.document.to_document`, which is the same for every
engineer) without its customer and site: those are joined at read time, so a change to a
customer or a site can never leave an order's stored document stale. The body is written in
the transaction that changes the order, just before it commits (and before the feed takes its
numbers, so the feed counter's lock is not held while rendering); every writer of order state
goes through the session, so no writer has to remember to render.
"""

from __future__ import annotations

import json

from flask_sqlalchemy.session import Session
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from server.extensions import db
from server.models import (
    ChargeLineRow,
    Customer,
    NoteRow,
    PhotoRow,
    SignoffRow,
    Site,
    WorkOrderDocument,
    WorkOrderRow,
)
from server.services import orders_repo
from sync.document import to_document

CHANGED = "documents_changed"
WRITTEN = "documents_written"
CHILDREN = (ChargeLineRow, NoteRow, PhotoRow, SignoffRow)
PLACES = ("customer", "site")
BACKFILL_CHUNK = 500


def install() -> None:
    """Listen on Flask-SQLAlchemy sessions (idempotent). Rendering is inserted ahead of the
    other before_commit listeners, so it runs before the feed stamp locks the counter."""
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "before_commit", _render_changed, insert=True)
        event.listen(Session, "after_transaction_end", _forget)


def encode(document: dict) -> str:
    """JSON text as the API writes it (compact, ASCII-escaped, keys in document order)."""
    return json.dumps(document, separators=(",", ":"))


def render(order) -> str:
    """An aggregate's stored body: its engineer document without customer and site."""
    document = to_document(order)
    for name in PLACES:
        document.pop(name)
    return encode(document)


def compose(body: str, customer: str, site: str) -> str:
    """The whole document's JSON text from a stored body and its encoded customer and site."""
    return f'{body[:-1]},"customer":{customer},"site":{site}}}'


def load_json(order_ids: list[str]) -> dict[str, str]:
    """The engineer's documents of these orders as JSON text, by id, in one query (stored
    body, customer and site columns). An order without a stored body (written outside the
    application, e.g. by a bulk load) is rendered on the spot."""
    if not order_ids:
        return {}
    customer_columns = orders_repo.CUSTOMER_COLUMNS
    rows = db.session.execute(
        select(WorkOrderRow.id, WorkOrderDocument.body, *customer_columns,
               *orders_repo.SITE_COLUMNS)
        .join(Customer, Customer.id == WorkOrderRow.customer_id)
        .join(Site, Site.id == WorkOrderRow.site_id)
        .outerjoin(WorkOrderDocument, WorkOrderDocument.work_order_id == WorkOrderRow.id)
        .where(WorkOrderRow.id.in_(order_ids))).all()
    missing = [row[0] for row in rows if row[1] is None]
    rendered = ({order_id: render(order) for order_id, order in
                 orders_repo.load_aggregates(missing).items()} if missing else {})
    places: dict[tuple[str, str], tuple[str, str]] = {}  # a page shares few customers and sites
    found = {}
    for order_id, body, *columns in rows:
        key = (columns[0], columns[len(customer_columns)])  # the customer's and site's ids
        if key not in places:
            customer = Place(customer_columns, columns[:len(customer_columns)])
            site = Place(orders_repo.SITE_COLUMNS, columns[len(customer_columns):])
            places[key] = (encode(orders_repo.customer_document(customer)),
                           encode(orders_repo.site_document(site)))
        found[order_id] = compose(body if body is not None else rendered[order_id],
                                  *places[key])
    return found


class Place:
    """Named column values of one customer or site, read as attributes."""

    def __init__(self, columns, values):
        self.__dict__.update(zip((c.key for c in columns), values, strict=True))


def written(session, orders) -> None:
    """The push's unit of work wrote these aggregates as they are: render them from memory
    at commit instead of reading them back (the tests' teardown check compares every stored
    body with a render from the rows, so a difference between the two cannot go unseen)."""
    session.info.setdefault(WRITTEN, {}).update({order.id: order for order in orders})


def store(session, order_ids, known: dict | None = None) -> None:
    """Render these orders and replace their stored bodies (a Session or a Connection);
    `known` aggregates, by id, are rendered as given instead of being loaded."""
    order_ids = sorted(set(order_ids))
    if not order_ids:
        return
    known = {key: value for key, value in (known or {}).items() if key in order_ids}
    orders = {**orders_repo.load_aggregates([i for i in order_ids if i not in known],
                                            session), **known}
    bodies = [{"work_order_id": order_id, "body": render(order)}
              for order_id, order in sorted(orders.items())]
    if not bodies:
        return
    bind = session if isinstance(session, Connection) else session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(WorkOrderDocument)
    session.execute(statement.on_conflict_do_update(
        index_elements=[WorkOrderDocument.work_order_id],
        set_={"body": statement.excluded.body}), bodies)


def backfill(connection) -> int:
    """Render every order that has no stored body yet (the migration, bulk loads); how many."""
    done, last = 0, ""
    while True:
        ids = list(connection.scalars(select(WorkOrderRow.id).where(WorkOrderRow.id > last)
                                      .order_by(WorkOrderRow.id).limit(BACKFILL_CHUNK)))
        if not ids:
            return done
        last = ids[-1]
        stored = set(connection.scalars(select(WorkOrderDocument.work_order_id).where(
            WorkOrderDocument.work_order_id.in_(ids))))
        missing = [order_id for order_id in ids if order_id not in stored]
        store(connection, missing)
        done += len(missing)


def _collect(session, flush_context, instances) -> None:
    changed = session.info.setdefault(CHANGED, {})
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, WorkOrderRow):
            if obj in session.new or session.is_modified(obj):
                changed[id(obj)] = obj  # a new row gets its primary key only at INSERT
        elif isinstance(obj, CHILDREN) and obj.work_order_id is not None:
            changed[("order", obj.work_order_id)] = obj.work_order_id
        # A child appended to its order's collection has no work_order_id before the
        # flush, but then its order is modified too and is collected above.


def _render_changed(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint "commits" too; render once, at the outermost COMMIT
    session.flush()
    changed = session.info.pop(CHANGED, None)
    known = session.info.pop(WRITTEN, None)
    if not changed:
        return
    updated = {value.id for value in changed.values() if isinstance(value, WorkOrderRow)}
    children_only = sorted({value for value in changed.values()
                            if isinstance(value, str)} - updated)
    if children_only:
        # Their order rows are not locked by this transaction's UPDATE: lock them (in id
        # order, as the push does), so two writers of one order render one after the other.
        session.execute(select(WorkOrderRow.id).where(WorkOrderRow.id.in_(children_only))
                        .order_by(WorkOrderRow.id).with_for_update())
    store(session, updated | set(children_only), known)


def _forget(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(CHANGED, None)
        session.info.pop(WRITTEN, None)
