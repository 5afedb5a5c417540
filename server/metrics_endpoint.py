"""GET /metrics: the Prometheus text exposition, for a scraper holding FIELDSYNC_METRICS_TOKEN.

Without a token configured only a local scraper is served: a loopback peer whose request came
through no proxy (a proxy on the same host would make every public request look local).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from datetime import datetime

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from server.clock import utcnow
from server.errors import error_response
from server.extensions import db
from server.models import AlertDelivery, Counter

bp = Blueprint("metrics", __name__)
log = logging.getLogger(__name__)
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


class DatabaseGauges:
    """Gauges read from the database at scrape time: the same for every worker."""

    def __init__(self, now: datetime):
        self.now = now

    def collect(self):
        try:
            yield from self._read()
        except SQLAlchemyError:  # the counters above still answer while the database is away
            log.warning("metrics: the database gauges could not be read", exc_info=True)
            db.session.close()  # ends the failed read transaction
            yield GaugeMetricFamily("fieldsync_database_up",
                                    "Whether the scrape could read the database", 0)

    def _read(self):
        pending, oldest_due = db.session.execute(
            select(func.count(), func.min(AlertDelivery.next_attempt_at))
            .where(AlertDelivery.state == "pending")).one()
        yield GaugeMetricFamily("fieldsync_alert_outbox_depth",
                                "Alert deliveries not yet delivered nor given up", pending)
        overdue = max((self.now - oldest_due).total_seconds(), 0.0) if oldest_due else 0.0
        yield GaugeMetricFamily("fieldsync_alert_outbox_oldest_due_seconds",
                                "How long the most overdue pending delivery has been due",
                                overdue)
        head = db.session.scalar(select(Counter.value).where(Counter.name == "feed"))
        yield GaugeMetricFamily("fieldsync_feed_position",
                                "Number of the newest change feed stamp", head or 0)
        yield GaugeMetricFamily("fieldsync_database_up",
                                "Whether the scrape could read the database", 1)


class _Source:
    """Another registry's metrics, as a collector of the per-scrape registry."""

    def __init__(self, registry: CollectorRegistry):
        self.registry = registry

    def collect(self):
        return self.registry.collect()


def _scrape() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every worker's files, live or exited
    else:
        registry.register(_Source(REGISTRY))
    registry.register(DatabaseGauges(utcnow()))
    return generate_latest(registry)


def _local_unforwarded() -> bool:
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
    return loopback and not any(name in request.headers for name in FORWARDING_HEADERS)


def _refusal():
    """None when the scraper may read the metrics, else the error answer."""
    expected = current_app.config["METRICS_TOKEN"]
    if not expected:
        if _local_unforwarded():
            return None
        return error_response(403, "forbidden", "metrics are served only to a local scraper "
                              "unless FIELDSYNC_METRICS_TOKEN is set")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                          expected.encode()):
        return None
    body, status = error_response(401, "invalid_token" if given.strip() else "missing_token",
                                  "send 'Authorization: Bearer <metrics token>'")
    body.headers["WWW-Authenticate"] = 'Bearer realm="fieldsync-metrics"'
    return body, status


@bp.get("/metrics")
def metrics():
    refusal = _refusal()
    if refusal is not None:
        return refusal
    return Response(_scrape(), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})
