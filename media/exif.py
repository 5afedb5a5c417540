"""Capture facts from EXIF (position, time, orientation); malformed EXIF yields no facts."""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import piexif
from PIL import ExifTags, Image

from media.decode import open_image

_EXIF_HEADER = b"Exif\x00\x00"
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
_SUB_IFDS = (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo, ExifTags.IFD.Interop, ExifTags.IFD.IFD1)


@dataclass(frozen=True)
class CaptureFacts:
    """Where (lat, lon), when (UTC) and in which orientation a photo was taken, when known."""

    location: tuple[float, float] | None
    taken_at: datetime | None
    orientation: int | None


NO_FACTS = CaptureFacts(location=None, taken_at=None, orientation=None)


def read_capture_facts(path: Path, default_tz: str) -> CaptureFacts:
    """Read GPS position, capture time and orientation; anything unreadable becomes None."""
    zone = ZoneInfo(default_tz)
    exif = _load_exif(path)
    if exif is None:
        return NO_FACTS
    return CaptureFacts(
        location=_location(exif.get("GPS") or {}),
        taken_at=_taken_at(exif.get("Exif") or {}, exif.get("GPS") or {}, zone),
        orientation=_orientation(exif.get("0th") or {}),
    )


def _load_exif(path: Path) -> dict | None:
    """The EXIF block as piexif's dict, or None if absent or malformed."""
    try:
        with open_image(path) as im:
            raw = im.info.get("exif")
    # Facts are best-effort: a file we cannot even open simply has none.
    except Exception:
        return None
    if not isinstance(raw, bytes) or not raw.startswith(_EXIF_HEADER) or not _is_sane(raw):
        return None
    try:
        return piexif.load(raw)
    # piexif reports malformed blocks with struct.error, ValueError, KeyError, IndexError...
    except Exception:
        return None


def _is_sane(raw: bytes) -> bool:
    """Whether Pillow's bounded parser reads every IFD piexif will read without complaint."""
    # piexif allocates whatever a tag's count claims: one forged count costs ~8 GB and a minute.
    # Pillow checks counts against the block and warns, so we let it vet the block first.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exif = Image.Exif()
            exif.load(raw)
            for ifd in _SUB_IFDS:
                exif.get_ifd(ifd)
        except Exception:
            return False
    return not caught


def _location(gps: dict) -> tuple[float, float] | None:
    """Decimal (lat, lon) from GPS rationals and N/S/E/W refs, or None if anything is off."""
    lat = _degrees(gps.get(piexif.GPSIFD.GPSLatitude), gps.get(piexif.GPSIFD.GPSLatitudeRef), "NS")
    lon = _degrees(
        gps.get(piexif.GPSIFD.GPSLongitude), gps.get(piexif.GPSIFD.GPSLongitudeRef), "EW"
    )
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    # Phones without a fix often write zeros; nobody services equipment at 0°N 0°E.
    if lat == 0 and lon == 0:
        return None
    return lat, lon


def _degrees(dms: object, ref: object, refs: str) -> float | None:
    """Signed degrees from ((d, 1), (m, 1), (s, 100)) and a ref letter from `refs`."""
    letter = _ascii(ref).upper()
    if len(letter) != 1 or letter not in refs:
        return None
    if not isinstance(dms, tuple) or len(dms) != 3:
        return None
    parts = [_rational(part) for part in dms]
    if any(p is None or p < 0 for p in parts):
        return None
    degrees, minutes, seconds = parts
    # Writers rounding 59.999... may legitimately write 60.
    if minutes > 60 or seconds > 60:
        return None
    value = degrees + minutes / 60 + seconds / 3600
    return -value if letter == refs[1] else value


def _rational(value: object) -> float | None:
    """A finite float from a piexif (numerator, denominator) pair, else None."""
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    num, den = value
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value) or den == 0:
        return None
    result = num / den
    return result if math.isfinite(result) else None


def _ascii(value: object) -> str:
    if not isinstance(value, bytes):
        return ""
    return value.decode("ascii", errors="replace").strip("\x00 ")


def _taken_at(exif_ifd: dict, gps: dict, zone: ZoneInfo) -> datetime | None:
    """DateTimeOriginal in UTC: with OffsetTimeOriginal if valid, else with the offset the GPS
    time stamp (UTC) implies, else in the default zone; the GPS time alone without it."""
    gps_time = _gps_time(gps)
    try:
        local = datetime.strptime(
            _ascii(exif_ifd.get(piexif.ExifIFD.DateTimeOriginal)), "%Y:%m:%d %H:%M:%S"
        )
    except ValueError:
        return gps_time
    offset = _offset(_ascii(exif_ifd.get(piexif.ExifIFD.OffsetTimeOriginal)))
    if offset is None and gps_time is not None:
        offset = _implied_offset(local, gps_time)
    aware = local.replace(tzinfo=offset if offset is not None else zone)
    try:
        return aware.astimezone(UTC)
    except OverflowError:
        return None


def _gps_time(gps: dict) -> datetime | None:
    """GPSDateStamp with GPSTimeStamp as a UTC time, or None if absent or malformed."""
    try:
        day = datetime.strptime(_ascii(gps.get(piexif.GPSIFD.GPSDateStamp)), "%Y:%m:%d")
    except ValueError:
        return None
    stamp = gps.get(piexif.GPSIFD.GPSTimeStamp)
    if not isinstance(stamp, tuple) or len(stamp) != 3:
        return None
    parts = [_rational(part) for part in stamp]
    if any(p is None or p < 0 for p in parts) or parts[0] >= 24 or parts[1] >= 60 \
            or parts[2] > 60:
        return None
    hours, minutes, seconds = parts
    try:
        return day.replace(tzinfo=UTC) + timedelta(hours=hours, minutes=minutes,
                                                   seconds=seconds)
    except OverflowError:
        return None


def _implied_offset(local: datetime, gps_time: datetime) -> timezone | None:
    """The zone offset between the camera's clock and the GPS time, to the quarter hour
    (a GPS fix may lag the shutter by seconds or minutes); None if no zone is that far."""
    quarters = round((local - gps_time.replace(tzinfo=None)) / timedelta(minutes=15))
    delta = quarters * timedelta(minutes=15)
    return timezone(delta) if abs(delta) <= timedelta(hours=14) else None


def _offset(text: str) -> timezone | None:
    """A fixed offset from "+03:00", or None if absent or implausible."""
    match = _OFFSET.fullmatch(text)
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14) or int(minutes) >= 60:
        return None
    return timezone(-delta if sign == "-" else delta)


def _orientation(ifd0: dict) -> int | None:
    value = ifd0.get(piexif.ImageIFD.Orientation)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 8:
        return value
    return None
