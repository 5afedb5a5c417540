"""Service reports: completion times by engineer, region and week; ratings and complaints.

Definitions (the figures the console shows and the CSV files carry):

- The period is the last `weeks` ISO weeks in the configured time zone, the current one
  included: from Monday 00:00 local time of the first week up to now.
- An order counts as completed in the period when its `completed_at` falls in it (an order sent
  back for rework has no `completed_at` until it is completed again). Its week is the ISO week
  of `completed_at` in the configured time zone.
- Time to complete is `completed_at - assigned_at` (the latest assignment), in hours. The
  average and the 90th percentile are taken over exact times and rounded half-up to one
  decimal. The percentile is nearest-rank: the ceil(0.9 * n)-th smallest time.
- "Within 4 h" and "within 6 h" are the shares of completed orders with a time of at most
  4 h and 6 h, in percent with one decimal.
- Overdue counts completed orders with `completed_at > due_at`, plus orders not yet completed
  (open to in progress, or a failed visit; not cancelled) whose `due_at` lies in the period
  and has passed; those count in the week of their `due_at`, under their engineer (or
  Unassigned) and region.
- Ratings count when given (`created_at`) in the period. Satisfied is 4 or 5 stars, in percent
  of the engineer's ratings. The unhappy few are ratings of 3 stars or less. Complaint tags are
  counted over every rating in the period (a 4-star rating may still say "late").
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select

from schemas.public import COMPLAINT_TAGS, RATING_TAGS
from server.extensions import db
from server.models import EngineerPreference, Rating, Site, User, WorkOrderRow
from server.services.ratings import UNHAPPY_STARS, is_satisfied
from sync import status as st

WITHIN = (4, 6)  # hours
UNASSIGNED = "Unassigned"
NO_REGION = "(no region)"


@dataclass(frozen=True)
class Period:
    """The report window: [start, now] in UTC, its ISO week labels and the local zone."""

    start: datetime
    end: datetime
    weeks: tuple[str, ...]
    zone: ZoneInfo


@dataclass(frozen=True)
class CompletionRow:
    label: str
    completed: int
    avg_hours: Decimal | None
    p90_hours: Decimal | None
    within_4h_pct: Decimal | None
    within_6h_pct: Decimal | None
    overdue: int


@dataclass(frozen=True)
class RatingRow:
    engineer: str
    ratings: int
    avg_stars: Decimal
    satisfied_pct: Decimal
    tags: dict[str, int]


@dataclass(frozen=True)
class UnhappyRating:
    rated_at: datetime
    order_id: str
    order_number: str
    engineer: str
    stars: int
    tags: tuple[str, ...]
    comment: str
    blocked: bool = False  # the customer has since blocked this engineer


@dataclass(frozen=True)
class TagCount:
    tag: str
    count: int
    share_pct: Decimal
    cumulative_pct: Decimal


@dataclass(frozen=True)
class Reports:
    period: Period
    by_engineer: list[CompletionRow]
    by_region: list[CompletionRow]
    by_week: list[CompletionRow]
    ratings: list[RatingRow]
    unhappy: list[UnhappyRating]
    complaints: list[TagCount]


def period(now: datetime, zone_name: str, weeks: int) -> Period:
    """The last `weeks` ISO weeks in the zone, the current one included, up to `now`."""
    zone = ZoneInfo(zone_name)
    local = now.astimezone(zone)
    monday = (local - timedelta(days=local.weekday())).date()
    first = monday - timedelta(weeks=weeks - 1)
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    labels = tuple(week_label(start + timedelta(weeks=i), zone) for i in range(weeks))
    return Period(start=start.astimezone(UTC), end=now, weeks=labels, zone=zone)


def week_label(moment: datetime, zone: ZoneInfo) -> str:
    """The ISO week of a moment in the zone, as 2026-W48."""
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal:
    return one_decimal(Decimal(100 * part) / whole)


def nearest_rank(sorted_values: list, share: float = 0.9):
    """The nearest-rank percentile of ascending values: the ceil(share * n)-th smallest."""
    return sorted_values[max(math.ceil(share * len(sorted_values)), 1) - 1]


def completion_row(label: str, seconds: list[int], overdue: int) -> CompletionRow:
    """One group's figures from its completion times in seconds and its overdue count."""
    if not seconds:
        return CompletionRow(label, 0, None, None, None, None, overdue)
    times = sorted(seconds)
    hours = [Decimal(s) / 3600 for s in times]
    within = [sum(1 for h in hours if h <= limit) for limit in WITHIN]
    return CompletionRow(
        label=label, completed=len(times), avg_hours=one_decimal(sum(hours) / len(hours)),
        p90_hours=one_decimal(nearest_rank(hours)),
        within_4h_pct=percent(within[0], len(times)),
        within_6h_pct=percent(within[1], len(times)), overdue=overdue)


@dataclass(frozen=True)
class _Order:
    engineer: tuple[str, str]  # (id, name): two engineers may share a name
    region: str
    week: str
    seconds: int | None  # None: not completed (listed only because it is overdue)
    overdue: bool


def _orders(window: Period) -> list[_Order]:
    """Orders completed in the period, and open ones whose due time passed in it."""
    columns = select(WorkOrderRow.created_at, WorkOrderRow.assigned_at,
                     WorkOrderRow.completed_at, WorkOrderRow.due_at, User.id, User.name,
                     Site.region) \
        .join(Site, Site.id == WorkOrderRow.site_id) \
        .outerjoin(User, User.id == WorkOrderRow.assigned_engineer_id)
    # Two queries, so each can seek on the status-led indexes.
    done = db.session.execute(columns.where(
        WorkOrderRow.status.in_((st.COMPLETED, st.VERIFIED)),
        WorkOrderRow.completed_at >= window.start, WorkOrderRow.completed_at <= window.end))
    late = db.session.execute(columns.where(
        WorkOrderRow.status.in_(st.AWAITING_SERVICE),  # a failed visit is still owed
        WorkOrderRow.due_at >= window.start, WorkOrderRow.due_at < window.end))
    orders = []
    for created_at, assigned_at, completed_at, due_at, user_id, name, region in done:
        # Completion needs an accepted assignment; creation time only guards legacy rows.
        seconds = round((completed_at - (assigned_at or created_at)).total_seconds())
        orders.append(_Order((user_id or "", name or UNASSIGNED), region or NO_REGION,
                             week_label(completed_at, window.zone), seconds,
                             due_at is not None and completed_at > due_at))
    for _, _, _, due_at, user_id, name, region in late:
        orders.append(_Order((user_id or "", name or UNASSIGNED), region or NO_REGION,
                             week_label(due_at, window.zone), None, True))
    return orders


def _grouped(orders: Iterable[_Order], key: Callable[[_Order], tuple[str, str]],
             keys: Iterable[tuple[str, str]] = ()) -> list[CompletionRow]:
    seconds: dict[tuple[str, str], list[int]] = {k: [] for k in keys}
    overdue: Counter[tuple[str, str]] = Counter()
    for order in orders:
        group = seconds.setdefault(key(order), [])
        if order.seconds is not None:
            group.append(order.seconds)
        overdue[key(order)] += order.overdue
    return [completion_row(label, times, overdue[(k, label)])
            for (k, label), times in seconds.items()]


def _by_name(rows: list[CompletionRow]) -> list[CompletionRow]:
    return sorted(rows, key=lambda row: (row.label.casefold(), row.label))


def _ratings(window: Period) -> list:
    return list(db.session.execute(
        select(Rating.created_at, Rating.stars, Rating.tags, Rating.comment,
               WorkOrderRow.id.label("order_id"), WorkOrderRow.number,
               User.id.label("engineer_id"), User.name,
               EngineerPreference.preference)
        .join(WorkOrderRow, WorkOrderRow.id == Rating.work_order_id)
        .join(User, User.id == Rating.engineer_id)
        .outerjoin(EngineerPreference, and_(
            EngineerPreference.customer_id == WorkOrderRow.customer_id,
            EngineerPreference.engineer_id == Rating.engineer_id))
        .where(Rating.created_at >= window.start, Rating.created_at <= window.end)
        .order_by(Rating.created_at.desc(), Rating.id)))


def rating_rows(ratings: list) -> list[RatingRow]:
    """Per engineer: count, average stars (two decimals), satisfied share, tag counts."""
    by_engineer: dict[tuple[str, str], list] = defaultdict(list)
    for rating in ratings:
        by_engineer[(rating.engineer_id, rating.name)].append(rating)
    rows = []
    for (_, engineer), given in by_engineer.items():
        stars = [r.stars for r in given]
        tags = Counter(tag for r in given for tag in r.tags or ())
        rows.append(RatingRow(
            engineer=engineer, ratings=len(given),
            avg_stars=(Decimal(sum(stars)) / len(stars)).quantize(Decimal("0.01"),
                                                                  rounding=ROUND_HALF_UP),
            satisfied_pct=percent(sum(1 for s in stars if is_satisfied(s)), len(stars)),
            tags={tag: tags[tag] for tag in RATING_TAGS if tags[tag]}))
    return sorted(rows, key=lambda row: (row.engineer.casefold(), row.engineer))


def complaint_counts(tag_lists: Iterable[Iterable[str]]) -> list[TagCount]:
    """Complaint tags by count, descending (vocabulary order on ties), with cumulative share."""
    counts = Counter(tag for tags in tag_lists for tag in tags or () if tag in COMPLAINT_TAGS)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], COMPLAINT_TAGS.index(item[0])))
    total, running, rows = sum(counts.values()), 0, []
    for tag, count in ordered:
        running += count
        rows.append(TagCount(tag, count, percent(count, total), percent(running, total)))
    return rows


def build(window: Period) -> Reports:
    """Every report over the period."""
    orders = _orders(window)
    ratings = _ratings(window)
    unhappy = [UnhappyRating(r.created_at.astimezone(window.zone), r.order_id, r.number, r.name,
                             r.stars, tuple(r.tags or ()), r.comment or "",
                             r.preference == "blocked")
               for r in ratings if r.stars <= UNHAPPY_STARS]
    return Reports(
        period=window,
        by_engineer=_by_name(_grouped(orders, lambda o: o.engineer)),
        by_region=_by_name(_grouped(orders, lambda o: (o.region, o.region))),
        by_week=_grouped(orders, lambda o: (o.week, o.week), ((w, w) for w in window.weeks)),
        ratings=rating_rows(ratings),
        unhappy=sorted(unhappy, key=lambda r: r.stars),  # stable: newest first per star
        complaints=complaint_counts(r.tags for r in ratings))
