"""One delivery round: claim due messages, send them outside any transaction, record results."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import httpx
from sqlalchemy.orm import Session

from server import metrics
from server.alerts import messages, outbox
from server.alerts.adapters import SendResult, adapter_for
from server.database import unit_of_work
from server.models import Alert, AlertDelivery, User, WorkOrderRow

log = logging.getLogger(__name__)
MAX_BATCHES = 1000  # a round ends anyway; the next one picks up what is left


def deliver(session: Session, clock: Callable[[], datetime], config: dict) -> Counter:
    """Send every delivery due now; counts of delivered, retrying, failed and deferred."""
    summary: Counter = Counter()
    with httpx.Client(timeout=config["ALERT_HTTP_TIMEOUT"]) as client:
        for _ in range(MAX_BATCHES):
            with unit_of_work(session):
                claimed = outbox.claim(session, clock(), config)
            summary["deferred"] += claimed.deferred
            if not claimed.ids and not claimed.deferred:
                break  # deferred rows moved past now, so every batch makes progress
            for delivery_id in claimed.ids:
                summary[_deliver_one(session, client, delivery_id, clock, config)] += 1
    metrics.alert_deliveries(summary)
    return summary


def _deliver_one(session: Session, client: httpx.Client, delivery_id: int,
                 clock: Callable[[], datetime], config: dict) -> str:
    """Send and record one delivery; a bug in one row never ends the round for the rest."""
    try:
        outcome = _send(session, client, delivery_id, clock(), config)
    except Exception as exc:  # a bug, not the endpoint: recorded as a retry, logged
        log.exception("alert delivery %s failed unexpectedly", delivery_id)
        outcome = SendResult("retry", f"unexpected error: {type(exc).__name__}")
    try:
        with unit_of_work(session):
            state = outbox.record(session, delivery_id, outcome, clock(), config)
    except Exception:  # the lease runs out and the row is sent again
        log.exception("recording alert delivery %s failed", delivery_id)
        return "error"
    return state


def _send(session: Session, client: httpx.Client, delivery_id: int, now: datetime,
          config: dict):
    with unit_of_work(session):  # ended before the send: no transaction (nor SQLite lock)
        delivery = session.get(AlertDelivery, delivery_id)  # is held while the network waits
        kind, url = delivery.kind, delivery.url
        message = render(session, delivery, now, config)
    return adapter_for(kind, config).send(client, url, message)


def render(session: Session, delivery: AlertDelivery, now: datetime,
           config: dict) -> messages.Message:
    """The message of one delivery, in its recipient's language."""
    alert = session.get(Alert, delivery.alert_id)
    order = session.get(WorkOrderRow, alert.work_order_id)
    engineer = (session.get(User, order.assigned_engineer_id)
                if order.assigned_engineer_id else None)
    return messages.build(alert=alert, order=order, address=order.site.address,
                          engineer_name=engineer.name if engineer else None,
                          recipient=session.get(User, delivery.recipient_id), now=now,
                          public_url=config["PUBLIC_URL"])
