"""Every order's stored pull document must equal one rendered afresh from its rows: a writer
of order state that bypasses the session (and so is never re-rendered) fails here."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import WorkOrderDocument, WorkOrderRow
from server.services import order_documents, orders_repo


def stale_documents(app) -> dict[str, str]:
    """Orders whose stored body is missing or differs from a fresh render: id -> why."""
    with app.app_context():
        ids = list(db.session.scalars(select(WorkOrderRow.id)))
        stored = dict(db.session.execute(select(WorkOrderDocument.work_order_id,
                                                WorkOrderDocument.body)).all())
        fresh = {order_id: order_documents.render(order) for order_id, order in
                 orders_repo.load_aggregates(ids).items()}
        db.session.rollback()
    return {order_id: "missing" if order_id not in stored else "stale"
            for order_id in ids if stored.get(order_id) != fresh[order_id]}
