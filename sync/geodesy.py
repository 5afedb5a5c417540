"""Distances along the earth (WGS84 geodesics, pyproj's GeographicLib) and the latitude /
longitude box that holds every point within a distance, for an index to search first."""

from __future__ import annotations

from dataclasses import dataclass

from pyproj import Geod

_GEOD = Geod(ellps="WGS84")
_AZIMUTHS = [float(a) for a in range(360)]
# The box is read off a ring of points one degree apart a little outside the circle: the extra
# reach covers the curve between two of them, so no point within the distance falls outside.
_REACH = 1.02
WHOLE_EARTH_KM = 20_004.0  # half a meridian: farther than any two points on earth


@dataclass(frozen=True)
class Box:
    south: float
    north: float
    longitudes: tuple[tuple[float, float], ...]  # west..east ranges; two across 180°


EVERYWHERE = Box(-90.0, 90.0, ((-180.0, 180.0),))


def distances_km(lat: float, lon: float, points: list[tuple[float, float]]) -> list[float]:
    """The geodesic distance in km from (lat, lon) to each (lat, lon) of `points`."""
    if not points:
        return []
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    _, _, metres = _GEOD.inv([lon] * len(points), [lat] * len(points), lons, lats)
    return [m / 1000 for m in metres]


def box_around(lat: float, lon: float, radius_km: float) -> Box:
    """A box holding every point within `radius_km` of (lat, lon), and a little more."""
    reach_m = radius_km * 1000 * _REACH
    if radius_km >= WHOLE_EARTH_KM / 2:
        return EVERYWHERE
    _, _, to_north = _GEOD.inv(lon, lat, lon, 90.0)
    _, _, to_south = _GEOD.inv(lon, lat, lon, -90.0)
    ring_lons, ring_lats, _ = _GEOD.fwd([lon] * len(_AZIMUTHS), [lat] * len(_AZIMUTHS),
                                        _AZIMUTHS, [reach_m] * len(_AZIMUTHS))
    north = 90.0 if to_north <= reach_m else max(ring_lats)
    south = -90.0 if to_south <= reach_m else min(ring_lats)
    if north == 90.0 or south == -90.0:  # around a pole every longitude is near
        return Box(south, north, ((-180.0, 180.0),))
    offsets = [(ring_lon - lon + 540.0) % 360.0 - 180.0 for ring_lon in ring_lons]
    west, east = lon + min(offsets), lon + max(offsets)
    if max(offsets) - min(offsets) >= 180.0:  # too wide to trust a ring's sampling
        return Box(south, north, ((-180.0, 180.0),))
    if west < -180.0:
        return Box(south, north, ((west + 360.0, 180.0), (-180.0, east)))
    if east > 180.0:
        return Box(south, north, ((west, 180.0), (-180.0, east - 360.0)))
    return Box(south, north, ((west, east),))
