"""The alert outbox on /metrics: its depth and overdue age from the database, and each delivery
attempt counted by the state it left."""

from __future__ import annotations

from tests.alerts.helpers import deliver, scan
from tests.metrics_scrape import scrape, value

DELIVERIES = "fieldsync_alert_deliveries_total"


def test_the_outbox_depth_and_delivery_states_follow_a_retried_alert(api, world, team, clock,
                                                                       receiver):
    receiver.script("/wecom/li", "http500")
    start = scrape(api.client)
    assert value(start, "fieldsync_alert_outbox_depth") == 0
    api.create_order(world, assign_to="li")
    clock.advance(hours=5)
    scan(api)
    queued = scrape(api.client)
    assert value(queued, "fieldsync_alert_outbox_depth") == 1
    deliver(api)  # the receiver answers 500: retried later
    failing = scrape(api.client)
    assert value(failing, DELIVERIES, state="retrying") - value(
        start, DELIVERIES, state="retrying") == 1
    assert value(failing, "fieldsync_alert_outbox_depth") == 1
    clock.advance(minutes=10)  # long past the first backoff (15-30 s)
    overdue = value(scrape(api.client), "fieldsync_alert_outbox_oldest_due_seconds")
    assert 9 * 60 - 30 <= overdue <= 10 * 60
    deliver(api)
    done = scrape(api.client)
    assert value(done, DELIVERIES, state="delivered") - value(
        start, DELIVERIES, state="delivered") == 1
    assert value(done, "fieldsync_alert_outbox_depth") == 0
    assert value(done, "fieldsync_alert_outbox_oldest_due_seconds") == 0
