"""Photo verification on attach: duplicate, geofence, job window and GPS checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from media.exif import CaptureFacts
from media.geofence import Geofence, geodesic_distance_m

# The verdict codes: the photo's status is the first failed check of STATUS_ORDER, else VERIFIED.
VERIFIED = "verified"
DUPLICATE, OUTSIDE_GEOFENCE = "duplicate", "outside_geofence"
TIME_MISMATCH, NO_LOCATION = "time_mismatch", "no_location"
NEAR_DUPLICATE, FAR_FROM_START = "near_duplicate", "far_from_start"
STATUS_ORDER = (DUPLICATE, OUTSIDE_GEOFENCE, TIME_MISMATCH, NO_LOCATION)
ADVISORIES = (NEAR_DUPLICATE, FAR_FROM_START)  # named, but the photo stays verified
ELSEWHERE = "used on another order"
_UNITS = (("day", 1440), ("hour", 60), ("minute", 1))


@dataclass(frozen=True)
class Finding:
    """One failed check or advisory: a stable `code` to branch on and two wordings."""

    code: str  # a status of STATUS_ORDER, or an advisory of ADVISORIES
    reason: str  # for supervisors: may name another order or its photo
    engineer_reason: str  # for the engineer: the same without another order's number or photo


@dataclass(frozen=True)
class Verification:
    """A photo's verification: the first failed check (or "verified") and every finding."""

    status: str
    distance_m: float | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [finding.reason for finding in self.findings]

    @property
    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]

    def as_dict(self) -> dict:
        """The JSON shape a supervisor reads."""
        distance = None if self.distance_m is None else round(self.distance_m, 1)
        return {"status": self.status, "distance_m": distance, "reasons": list(self.reasons)}

    def as_record(self) -> dict:
        """What is stored with the photo: the supervisor's shape plus the codes and the
        engineer's wording (sync.document.verification_view picks one per audience)."""
        return self.as_dict() | {
            "codes": self.codes,
            "engineer_reasons": [finding.engineer_reason for finding in self.findings]}


def verify_photo(
    *,
    facts: CaptureFacts,
    fence: Geofence,
    window_start: datetime,
    window_end: datetime,
    duplicate_of_order: str | None,
    near_duplicate_of_photo: str | None,
    start_location: tuple[float, float] | None,
    near_duplicate_on_other_order: bool = True,
    far_from_start_m: float = 1000.0,
) -> Verification:
    """Check a photo's capture facts against its order; `status` follows STATUS_ORDER."""
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("window_start and window_end must be timezone-aware")
    failed: dict[str, Finding] = {}
    advisories: list[Finding] = []
    if duplicate_of_order is not None:
        failed[DUPLICATE] = Finding(
            DUPLICATE, f"same image already attached to order {duplicate_of_order}",
            f"same image already {ELSEWHERE}")
    distance = None
    if facts.location is None:
        failed[NO_LOCATION] = _plain(NO_LOCATION, "no GPS position in EXIF")
    else:
        distance = round(fence.distance_m(*facts.location), 1)
        if distance > 0:
            failed[OUTSIDE_GEOFENCE] = _plain(
                OUTSIDE_GEOFENCE, f"taken {_metres(distance)} outside the site geofence")
    time_problem = _time_problem(facts.taken_at, window_start, window_end)
    if time_problem is not None:
        failed[TIME_MISMATCH] = _plain(TIME_MISMATCH, time_problem)
    if near_duplicate_of_photo is not None:
        reason = f"looks like photo {near_duplicate_of_photo} re-encoded or resized"
        advisories.append(Finding(
            NEAR_DUPLICATE, reason,
            f"looks like a photo {ELSEWHERE}, re-encoded or resized"
            if near_duplicate_on_other_order else reason))
    if facts.location is not None and start_location is not None:
        from_start = geodesic_distance_m(*facts.location, *start_location)
        if from_start > far_from_start_m:
            advisories.append(_plain(
                FAR_FROM_START, f"taken {_metres(from_start)} from where the job was started"))
    statuses = [s for s in STATUS_ORDER if s in failed]
    return Verification(
        status=statuses[0] if statuses else VERIFIED,
        distance_m=distance,
        findings=[failed[s] for s in statuses] + advisories,
    )


def _plain(code: str, reason: str) -> Finding:
    """A finding that names nothing of another order: both audiences read the same words."""
    return Finding(code, reason, reason)


def _time_problem(taken_at: datetime | None, start: datetime, end: datetime) -> str | None:
    if taken_at is None:
        return "no capture time in EXIF"
    stamp = taken_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if taken_at < start:
        return f"taken {stamp}, {_duration(start - taken_at)} before the job window"
    if taken_at > end:
        return f"taken {stamp}, {_duration(taken_at - end)} after the job window"
    return None


def _metres(distance: float) -> str:
    if distance < 1:
        return "less than 1 m"
    if round(distance) < 1000:
        return f"{distance:.0f} m"
    return f"{distance / 1000:.1f} km"


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    count, unit = next((minutes // size, unit) for unit, size in _UNITS if minutes >= size)
    return f"{count} {unit}{'' if count == 1 else 's'}"
