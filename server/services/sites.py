"""Sites: where a customer's work is done, a point and a geofence each."""

from __future__ import annotations

from datetime import datetime

from media.geofence import DEFAULT_RADIUS_M, validate_site_fence
from server.extensions import db
from server.models import Customer, Site
from server.services.validation import invalid
from sync.errors import ValidationFailed


def create_site(data: dict, now: datetime, default_zone: str) -> Site:
    """A site with a point and either a GeoJSON polygon or a radius (default 200 m), in its
    IANA time zone (`default_zone` unless given)."""
    data.setdefault("timezone", default_zone)
    if db.session.get(Customer, data["customer_id"]) is None:
        raise invalid("customer_id", "No such customer.")
    if data.get("geofence") is not None:
        try:
            validate_site_fence(data["geofence"], data["location"]["lat"],
                                data["location"]["lon"])
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code="invalid_geofence",
                                   fields={"geofence": [exc.message]}) from exc
    location = data.pop("location")
    site = Site(lat=location["lat"], lon=location["lon"], created_at=now,
                radius_m=data.pop("radius_m", DEFAULT_RADIUS_M), **data)
    db.session.add(site)
    db.session.flush()
    return site
