"""The facts behind the candidate ranking, gathered in a few queries (sync/candidates.py
decides): the nearest engineers by a bounding box on the indexed position, then exact
geodesic distances, open orders today, ratings and the customer's preferences."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pyproj import Geod
from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import lazyload

from schemas.formats import is_uuid
from schemas.roles import ENGINEER
from server.extensions import db
from server.models import Customer, EngineerPreference, Rating, Site, User, WorkOrderRow
from server.services.ratings import SATISFIED_STARS
from sync import status as st
from sync.candidates import Candidate, EngineerFacts, Job, global_mean, is_eligible, rank
from sync.errors import NotFound

# The box doubles through these radii (km) until it holds enough eligible engineers; None:
# everyone, also those with no position at all.
RADII_KM = (10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, None)
POOL_MIN = 20  # the nearest eligible engineers compared, however few the caller asked for
BUSY = (st.ASSIGNED, st.ACCEPTED, st.IN_PROGRESS)


@dataclass(frozen=True)
class Target:
    """Where and for whom the engineer is wanted."""

    lat: float
    lon: float
    customer_id: str
    job: Job
    timezone: str


@functools.cache
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def target_for(site: Site, customer: Customer, required_skills, default_zone: str) -> Target:
    return Target(lat=site.lat, lon=site.lon, customer_id=customer.id,
                  job=Job(tuple(required_skills or ()), customer.language or "zh-CN"),
                  timezone=site.timezone or default_zone)


def for_order(order_id: str, limit: int, now: datetime, zone: str) -> list[Candidate]:
    """The ranked candidates for an existing order (404 for an unknown one)."""
    # Only the site, the customer and the skills matter: none of the order's children.
    statement = select(WorkOrderRow).where(WorkOrderRow.id == order_id).options(
        lazyload(WorkOrderRow.charges), lazyload(WorkOrderRow.notes),
        lazyload(WorkOrderRow.photos), lazyload(WorkOrderRow.signoffs))
    row = db.session.scalar(statement) if is_uuid(order_id) else None
    if row is None:
        raise NotFound("no such work order", code="not_found")
    return ranked(target_for(row.site, row.customer, row.required_skills, zone), limit, now)


def ranked(target: Target, limit: int, now: datetime) -> list[Candidate]:
    """The best `limit` candidates for the target, best first."""
    preferences = dict(db.session.execute(
        select(EngineerPreference.engineer_id, EngineerPreference.preference)
        .where(EngineerPreference.customer_id == target.customer_id)).all())
    pool, distances = _nearest_pool(target, preferences, max(limit, POOL_MIN))
    favourites = [engineer_id for engineer_id, kind in preferences.items()
                  if kind == "favourite" and engineer_id not in pool]
    if favourites:  # a favourite is compared wherever they are
        extra = _rows(User.id.in_(favourites))
        pool.update(extra)
        distances.update(_distances_km(list(extra.values()), target.lat, target.lon))
    facts = _facts(list(pool.values()), distances, target, preferences, now)
    return rank(facts, target.job, _prior_mean(), limit)


def _rows(condition) -> dict:
    statement = select(User.id, User.name, User.skills, User.languages, User.pos_lat,
                       User.pos_lon).where(User.role == ENGINEER, User.active, condition)
    return {row.id: row for row in db.session.execute(statement)}


def _nearest_pool(target: Target, preferences: dict, wanted: int) -> tuple[dict, dict]:
    """The `wanted` nearest eligible engineers (fewer if there are not as many) and their
    distances: boxes of doubling radius until one holds enough, then exact distances."""
    for radius in RADII_KM:
        rows = _rows(_box(target.lat, target.lon, radius) if radius else true())
        eligible = [row for row in rows.values() if is_eligible(EngineerFacts(
            id=row.id, name=row.name, skills=tuple(row.skills or ()),
            preference=preferences.get(row.id)), target.job)]
        if len(eligible) >= wanted or radius is None:
            break
    distances = _distances_km(eligible, target.lat, target.lon)
    nearest = sorted(eligible, key=lambda row: (distances.get(row.id, float("inf")), row.id))
    chosen = {row.id: row for row in nearest[:wanted]}
    return chosen, {key: distances[key] for key in chosen if key in distances}


def _box(lat: float, lon: float, radius_km: float):
    """Positions inside a lat/lon box holding every point within `radius_km` of the site
    (a prefilter on the index; exact distances come after)."""
    count = 72
    lons, lats, _ = _geod().fwd([lon] * count, [lat] * count,
                                [index * 360 / count for index in range(count)],
                                [radius_km * 1000] * count)
    margin = 1.02  # points between the sampled bearings reach slightly further
    lat_low = lat - (lat - min(lats)) * margin
    lat_high = lat + (max(lats) - lat) * margin
    if lat_high >= 89.5 or lat_low <= -89.5:  # over a pole every longitude is near
        return User.pos_lat.between(max(lat_low, -90), min(lat_high, 90))
    spread = max(abs((other - lon + 180) % 360 - 180) for other in lons) * margin
    latitude = User.pos_lat.between(lat_low, lat_high)
    if spread >= 180:
        return latitude
    west, east = lon - spread, lon + spread
    if west < -180:
        longitude = or_(User.pos_lon >= west + 360, User.pos_lon <= east)
    elif east > 180:
        longitude = or_(User.pos_lon >= west, User.pos_lon <= east - 360)
    else:
        longitude = User.pos_lon.between(west, east)
    return and_(latitude, longitude)


def _distances_km(rows: list, lat: float, lon: float) -> dict[str, float]:
    placed = [row for row in rows if row.pos_lat is not None and row.pos_lon is not None]
    if not placed:
        return {}
    _, _, metres = _geod().inv([lon] * len(placed), [lat] * len(placed),
                               [row.pos_lon for row in placed], [row.pos_lat for row in placed])
    return {row.id: distance / 1000 for row, distance in zip(placed, metres, strict=True)}


def _end_of_today(now: datetime, zone: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                tzinfo=local.tzinfo)
    return midnight


def _open_orders(ids: list[str], now: datetime, zone: str) -> dict[str, int]:
    """Orders on each engineer's plate today: assigned, accepted or in progress, due before
    the end of the site's day (overdue included) or with no due time."""
    end = _end_of_today(now, zone)
    statement = (select(WorkOrderRow.assigned_engineer_id, func.count())
                 .where(WorkOrderRow.assigned_engineer_id.in_(ids),
                        WorkOrderRow.status.in_(BUSY),
                        or_(WorkOrderRow.due_at.is_(None), WorkOrderRow.due_at < end))
                 .group_by(WorkOrderRow.assigned_engineer_id))
    return dict(db.session.execute(statement).all())


def _ratings(ids: list[str]) -> dict[str, tuple[int, int, int]]:
    statement = (select(Rating.engineer_id, func.count(), func.sum(Rating.stars),
                        func.sum(case((Rating.stars >= SATISFIED_STARS, 1), else_=0)))
                 .where(Rating.engineer_id.in_(ids)).group_by(Rating.engineer_id))
    return {row[0]: (int(row[1]), int(row[2] or 0), int(row[3] or 0))
            for row in db.session.execute(statement)}


def _prior_mean() -> float:
    count, total = db.session.execute(select(func.count(), func.sum(Rating.stars))).one()
    return global_mean(int(total or 0), int(count or 0))


def _facts(rows: list, distances: dict, target: Target, preferences: dict,
           now: datetime) -> list[EngineerFacts]:
    ids = [row.id for row in rows]
    if not ids:
        return []
    load = _open_orders(ids, now, target.timezone)
    ratings = _ratings(ids)
    facts = []
    for row in rows:
        count, total, good = ratings.get(row.id, (0, 0, 0))
        facts.append(EngineerFacts(
            id=row.id, name=row.name, skills=tuple(row.skills or ()),
            languages=tuple(row.languages or ()), distance_km=distances.get(row.id),
            open_orders=load.get(row.id, 0), rating_count=count, rating_total=total,
            rating_good=good, preference=preferences.get(row.id)))
    return facts
