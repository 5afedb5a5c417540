"""Small steps the alert tests share."""

from __future__ import annotations


def scan(api, *now: str) -> str:
    return api.cli("alerts", "scan", *(("--now", now[0]) if now else ()))


def deliver(api, *now: str) -> str:
    return api.cli("alerts", "deliver", *(("--now", now[0]) if now else ()))


def alerts_of(api, order_id: str) -> list[dict]:
    return api.get(f"/api/v1/alerts?work_order_id={order_id}", as_="dispatcher")["alerts"]


def levels(api, order_id: str) -> list[str]:
    return sorted(alert["level"] for alert in alerts_of(api, order_id))
