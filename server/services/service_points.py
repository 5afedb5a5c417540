"""Service points: created by the office, found by distance from anywhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select

from schemas.formats import iso
from server.extensions import db
from server.models import ServicePoint
from server.services import lists
from server.services.validation import invalid
from sync import geodesy, opening_hours

# The nearest search widens its box through these radii (km) until enough points lie within
# the radius itself; past the last it reads every active point.
SEARCH_RADII_KM = (10.0, 50.0, 250.0, 1000.0, 5000.0)


def create(data: dict, now: datetime, default_zone: str) -> ServicePoint:
    """A new active service point; its hours must be OpenStreetMap opening_hours syntax."""
    hours = data.get("opening_hours")
    if hours is not None and (problem := opening_hours.problem(hours)):
        raise invalid("opening_hours", problem)
    location = data.pop("location")
    point = ServicePoint(lat=location["lat"], lon=location["lon"],
                         timezone=data.pop("timezone", default_zone), active=True,
                         created_at=now, **data)
    db.session.add(point)
    db.session.flush()
    return point


def listing(query: dict) -> dict:
    """The office's page of service points by name."""
    statement = select(ServicePoint)
    if "active" in query:
        statement = statement.where(ServicePoint.active.is_(query["active"]))
    if "q" in query:
        pattern = lists.contains(query["q"])
        statement = statement.where(or_(ServicePoint.name.ilike(pattern, escape="\\"),
                                        ServicePoint.address.ilike(pattern, escape="\\")))
    return lists.page(statement, (ServicePoint.name, ServicePoint.id), query)


def nearest(lat: float, lon: float, limit: int) -> list[tuple[ServicePoint, float]]:
    """The `limit` active points nearest (lat, lon), nearest first, with their km."""
    for radius in SEARCH_RADII_KM:
        found = _measured(lat, lon, geodesy.box_around(lat, lon, radius))
        within = [pair for pair in found if pair[1] <= radius]
        if len(within) >= limit:  # anything outside the box is farther than the radius
            return within[:limit]
    return _measured(lat, lon, geodesy.EVERYWHERE)[:limit]


def _measured(lat: float, lon: float, box: geodesy.Box) -> list[tuple[ServicePoint, float]]:
    statement = select(ServicePoint).where(ServicePoint.active.is_(True))
    if box != geodesy.EVERYWHERE:
        statement = statement.where(
            ServicePoint.lat.between(box.south, box.north),
            or_(*(and_(ServicePoint.lon >= west, ServicePoint.lon <= east)
                  for west, east in box.longitudes)))
    points = list(db.session.scalars(statement))
    kms = geodesy.distances_km(lat, lon, [(p.lat, p.lon) for p in points])
    return sorted(zip(points, kms, strict=True), key=lambda pair: (pair[1], pair[0].id))


def open_now(point: ServicePoint, now: datetime) -> bool | None:
    """Whether the point is open at `now` by its hours in its own zone (None: not known)."""
    return opening_hours.open_at(point.opening_hours, point.timezone, point.lat, point.lon, now)


def document(point: ServicePoint) -> dict:
    """The office's view of a point."""
    return {"id": point.id, "name": point.name, "address": point.address,
            "location": {"lat": point.lat, "lon": point.lon}, "phone": point.phone,
            "opening_hours": point.opening_hours, "timezone": point.timezone,
            "active": point.active, "created_at": iso(point.created_at)}


def public_document(point: ServicePoint, distance_km: float, now: datetime) -> dict:
    """What anyone may read about an active point, measured from where they asked."""
    return {"name": point.name, "address": point.address,
            "location": {"lat": point.lat, "lon": point.lon}, "phone": point.phone,
            "opening_hours": point.opening_hours, "timezone": point.timezone,
            "distance_km": round(distance_km, 3), "open_now": open_now(point, now)}


def nearest_documents(lat: float, lon: float, limit: int, now: datetime) -> list[dict]:
    """The public view of the `limit` active points nearest (lat, lon), nearest first."""
    return [public_document(point, km, now) for point, km in nearest(lat, lon, limit)]
