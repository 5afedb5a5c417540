"""Failed visits in the service reports: attempts by reason, engineer and region.

Every attempt counts (an order that failed twice counts twice), in the period when the
engineer reported it (`workorder.fail_visit` in the timeline, applied, by its server time).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from server.extensions import db
from server.models import Site, TimelineEvent, WorkOrderRow
from server.services.reports import NO_REGION, Period, percent

ACTION = "workorder.fail_visit"


@dataclass(frozen=True)
class FailedVisitRow:
    label: str
    failed: int
    share_pct: object


@dataclass(frozen=True)
class FailedVisits:
    by_reason: list[FailedVisitRow]
    by_engineer: list[FailedVisitRow]
    by_region: list[FailedVisitRow]


def failed_visits(window: Period) -> FailedVisits:
    """The period's failed visits counted three ways, largest first."""
    statement = (select(TimelineEvent.details, TimelineEvent.actor, TimelineEvent.actor_id,
                        Site.region)
                 .join(WorkOrderRow, WorkOrderRow.id == TimelineEvent.work_order_id)
                 .join(Site, Site.id == WorkOrderRow.site_id)
                 .where(TimelineEvent.action == ACTION, TimelineEvent.at >= window.start,
                        TimelineEvent.at <= window.end))
    reasons: Counter = Counter()
    engineers: Counter = Counter()
    regions: Counter = Counter()
    for details, actor, actor_id, region in db.session.execute(statement):
        reasons[(details or {}).get("reason", "other")] += 1
        engineers[(actor_id, actor)] += 1
        regions[region or NO_REGION] += 1
    total = sum(reasons.values())

    def rows(counts: Counter, label=lambda key: key) -> list[FailedVisitRow]:
        ordered = sorted(counts.items(), key=lambda item: (-item[1], label(item[0])))
        return [FailedVisitRow(label(key), count, percent(count, total))
                for key, count in ordered]

    return FailedVisits(rows(reasons), rows(engineers, lambda key: key[1]), rows(regions))
