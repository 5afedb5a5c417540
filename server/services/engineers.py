"""Engineers' profiles (skills, languages, home, service point) and the latest position they
reported themselves: a start location or a photo's GPS, never tracking in between."""

from __future__ import annotations

from datetime import datetime

from schemas.formats import iso
from schemas.roles import ENGINEER
from server.models import User
from server.services.validation import invalid
from sync.model import WorkOrder

PROFILE_FIELDS = ("skills", "languages", "home", "service_point_id")


def apply_profile(user: User, data: dict) -> None:
    """Set the profile fields present in `data`; 422 naming the field for a non-engineer."""
    given = [name for name in PROFILE_FIELDS if name in data]
    if given and user.role != ENGINEER:
        raise invalid(given[0], "Only engineers have this field.")
    if "skills" in data:
        user.skills = list(dict.fromkeys(data["skills"]))
    if "languages" in data:
        user.languages = list(dict.fromkeys(data["languages"]))
    if "service_point_id" in data:
        user.service_point_id = data["service_point_id"]
    if "home" in data:
        home = data["home"]
        user.home_lat, user.home_lon = (home["lat"], home["lon"]) if home else (None, None)
        _place(user)


def _place(user: User) -> None:
    """The indexed position: the latest reported one, else home."""
    if user.last_lat is not None:
        user.pos_lat, user.pos_lon = user.last_lat, user.last_lon
    else:
        user.pos_lat, user.pos_lon = user.home_lat, user.home_lon


def latest_reported(orders: list[WorkOrder]) -> tuple[datetime, float, float] | None:
    """The newest position among these orders' start locations and photo GPS positions
    (photos attached before the current assignment were another engineer's)."""
    seen = []
    for order in orders:
        if order.start_location and order.started_at:
            seen.append((order.started_at, order.start_location))
        for photo in order.photos:
            at = photo.taken_at or photo.attached_at
            theirs = (order.assigned_at is None or photo.attached_at is None
                      or photo.attached_at >= order.assigned_at)
            if photo.location and at and theirs:
                seen.append((at, photo.location))
    if not seen:
        return None
    at, where = max(seen, key=lambda item: item[0])
    return at, float(where["lat"]), float(where["lon"])


def note_reported_position(user: User, orders: list[WorkOrder]) -> None:
    """Move the engineer's known position if these orders carry a newer one of theirs."""
    if user.role != ENGINEER:
        return
    latest = latest_reported(orders)
    if latest is None:
        return
    at, lat, lon = latest
    if user.last_position_at is None or at > user.last_position_at:
        user.last_position_at, user.last_lat, user.last_lon = at, lat, lon
        _place(user)


def profile_document(user: User) -> dict:
    home = ({"lat": user.home_lat, "lon": user.home_lon}
            if user.home_lat is not None else None)
    if user.last_lat is not None:
        position = {"lat": user.last_lat, "lon": user.last_lon, "source": "reported",
                    "at": iso(user.last_position_at)}
    elif home:
        position = {**home, "source": "home", "at": None}
    else:
        position = None
    return {"skills": list(user.skills or []), "languages": list(user.languages or []),
            "home": home, "service_point_id": user.service_point_id, "position": position}
