"""OpenStreetMap `opening_hours` expressions: whether one is valid, and whether a place is open.

Parsing and evaluation are opening-hours-py's (the Rust `opening-hours` crate): the whole OSM
specification (weekdays, months, weeks, sunrise/sunset, comments, `off`, `unknown`) rather than
a hand-written subset. Given the place's coordinates it also knows the country's public holidays
(`PH off`) and the real sunrise and sunset there.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import opening_hours

MAX_LENGTH = 255  # OpenStreetMap's own limit on a tag value


def problem(text: str) -> str | None:
    """Why `text` is not an opening_hours expression, or None when it is one."""
    if not text.strip():
        return "Empty."
    if len(text) > MAX_LENGTH:
        return f"Longer than {MAX_LENGTH} characters."
    try:
        opening_hours.OpeningHours(text)
    except opening_hours.ParserError:
        return "Not OpenStreetMap opening_hours syntax (e.g. 'Mo-Fr 09:00-18:00; Sa 10:00-16:00')."
    return None


def open_at(text: str | None, zone: str, lat: float, lon: float,
            moment: datetime) -> bool | None:
    """Whether a place at (lat, lon) with these hours in this IANA zone is open at `moment`
    (aware); None when no hours are known or they say `unknown` then."""
    if not text:
        return None
    local_zone = ZoneInfo(zone)
    try:  # the zone is ours to give; the country (for PH) comes from the coordinates
        hours = opening_hours.OpeningHours(text, timezone=local_zone, coords=(lat, lon),
                                           auto_timezone=False)
    except (opening_hours.UnknownCountryError, opening_hours.InvalidCoordinatesError):
        hours = opening_hours.OpeningHours(text, timezone=local_zone)
    state, _comment = hours.state(moment.astimezone(local_zone))
    if state == opening_hours.State.UNKNOWN:
        return None
    return state == opening_hours.State.OPEN
