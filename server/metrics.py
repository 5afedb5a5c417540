"""The Prometheus metrics the server counts, and one helper per place that counts.

Labels take bounded values only (outcomes, error codes, states, statuses): never a user, an
order or a device. Under gunicorn the values live in files under PROMETHEUS_MULTIPROC_DIR
(set up by gunicorn.conf.py) so that a scrape of any worker sees every worker's counts; without
it they live in this process. The gauges read from the database at scrape time (alert outbox)
are in server/metrics_endpoint.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from flask import after_this_request, has_request_context
from prometheus_client import Counter, Gauge, Histogram

# Sync is interactive on a phone: most answers well under a second, a bad network far more.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

PUSH_MUTATIONS = Counter(
    "fieldsync_push_mutations",
    "Pushed mutations answered, by status (and error code when rejected or retry)",
    ["status", "code"])
PUSH_SECONDS = Histogram(
    "fieldsync_push_duration_seconds", "Time to answer POST /api/v1/sync/push",
    buckets=LATENCY_BUCKETS)
PULL_SECONDS = Histogram(
    "fieldsync_pull_duration_seconds", "Time to answer GET /api/v1/sync/pull",
    buckets=LATENCY_BUCKETS)
UPLOAD_BYTES = Counter(
    "fieldsync_media_upload_bytes", "Bytes of accepted media uploads, by whether they were new",
    ["stored"])
UPLOADS = Counter(
    "fieldsync_media_uploads", "Accepted media uploads, by whether they were new", ["stored"])
PHOTO_VERDICTS = Counter(
    "fieldsync_photo_verdicts", "Photo verifications in answered pushes, by verdict",
    ["status"])
ALERT_DELIVERIES = Counter(
    "fieldsync_alert_deliveries", "Alert delivery attempts, by the state they left",
    ["state"])
# "max" keeps the value of a worker that has since exited: the newest stamp is still the newest.
FEED_LAST_STAMP = Gauge(
    "fieldsync_feed_last_stamp_timestamp_seconds",
    "Unix time of the newest change feed stamp (feed lag: time() minus this)",
    multiprocess_mode="max")

PUSH_STATUSES = frozenset({"applied", "duplicate", "rejected", "retry"})
SYNC_ENDPOINTS = {"api.sync.push": PUSH_SECONDS, "api.sync.pull": PULL_SECONDS}
_SAFE_CODE_LENGTH = 64


def when_answered(count: Callable[[], None]) -> None:
    """Count once the request is answered with success, so a rolled-back request (503, retried
    by the device) is not counted twice; outside a request, count now."""
    if not has_request_context():
        count()
        return

    @after_this_request
    def _count(response):
        if response.status_code < 400:
            count()
        return response


def _code(value: object) -> str:
    """An error code as a label: the server's own snake_case codes, anything else 'other'."""
    text = value if isinstance(value, str) else ""
    ok = 0 < len(text) <= _SAFE_CODE_LENGTH and text.replace("_", "").isalnum() and text.isascii()
    return text if ok else "other"


def push_answered(answer: Mapping) -> None:
    """Count the mutations of a push answer by status (and error code when not applied)."""
    outcomes = []
    for result in answer.get("results", ()):
        status = result.get("status")
        error = result.get("error") or {}
        outcomes.append((status if status in PUSH_STATUSES else "other",
                         _code(error.get("code")) if status in ("rejected", "retry") else ""))

    def count():
        for status, code in outcomes:
            PUSH_MUTATIONS.labels(status=status, code=code).inc()

    when_answered(count)


def upload_accepted(size: int, created: bool) -> None:
    """Count an accepted upload of `size` bytes (new, or already stored)."""
    stored = "new" if created else "existing"
    UPLOADS.labels(stored=stored).inc()
    UPLOAD_BYTES.labels(stored=stored).inc(size)


def photo_verified(status: str) -> None:
    """Count a photo verdict once the push that made it is answered."""
    when_answered(lambda: PHOTO_VERDICTS.labels(status=_code(status)).inc())


def alert_deliveries(by_state: Mapping[str, int]) -> None:
    """Count a delivery round's attempts by the state each left (delivered, retrying, failed,
    deferred by a rate limit, ...)."""
    for state, count in by_state.items():
        if count:
            ALERT_DELIVERIES.labels(state=_code(state)).inc(count)


def feed_stamped() -> None:
    """Note that the change feed was just stamped."""
    FEED_LAST_STAMP.set(time.time())


def request_finished(endpoint: str | None, seconds: float) -> None:
    """Observe the latency of the requests that have a histogram (push, pull)."""
    histogram = SYNC_ENDPOINTS.get(endpoint or "")
    if histogram is not None:
        histogram.observe(seconds)
