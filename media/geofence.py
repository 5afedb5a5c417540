"""Site geofences: GeoJSON polygon validation and metric distance from a fence."""

from __future__ import annotations

import math
from numbers import Real

import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point, Polygon
from shapely.validation import explain_validity

from sync.errors import ValidationFailed

_GEOD = Geod(ellps="WGS84")
# A site drawn without a polygon is a circle of this radius around its point (the contract).
DEFAULT_RADIUS_M = 200.0


def _invalid(reason: str, **details) -> ValidationFailed:
    return ValidationFailed(
        f"Invalid geofence: {reason}.", code="invalid_geofence", reason=reason, **details
    )


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_position(position: object, ring: int, index: int) -> tuple[float, float]:
    """One GeoJSON [lon, lat] position, checked for type and range."""
    where = {"ring": ring, "position": index}
    if not isinstance(position, (list, tuple)) or len(position) not in (2, 3):
        raise _invalid("each position must be [longitude, latitude]", **where)
    if not all(_is_number(v) for v in position):
        raise _invalid("coordinates must be finite numbers", **where)
    lon, lat = float(position[0]), float(position[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _invalid("coordinates out of range (longitude ±180, latitude ±90)", **where)
    return lon, lat


def _check_ring(ring: object, index: int) -> list[tuple[float, float]]:
    if not isinstance(ring, (list, tuple)):
        raise _invalid("each ring must be a list of positions", ring=index)
    points = [_check_position(p, index, i) for i, p in enumerate(ring)]
    if len(points) < 4:
        raise _invalid("a ring needs at least 4 positions", ring=index)
    if points[0] != points[-1]:
        raise _invalid("a ring must be closed (first position equal to the last)", ring=index)
    return points


def _parse_polygon(geojson: object) -> Polygon:
    if not isinstance(geojson, dict) or geojson.get("type") != "Polygon":
        raise _invalid("a GeoJSON object of type Polygon is required")
    rings = geojson.get("coordinates")
    if not isinstance(rings, (list, tuple)) or not rings:
        raise _invalid("coordinates must be a non-empty list of rings")
    shell, *holes = [_check_ring(ring, i) for i, ring in enumerate(rings)]
    polygon = Polygon(shell, holes)
    if not polygon.is_valid:
        raise _invalid(f"the polygon is not valid ({explain_validity(polygon)})")
    return polygon


def validate_polygon(geojson: dict) -> None:
    """Raise ValidationFailed(invalid_geofence) unless `geojson` is a valid GeoJSON Polygon."""
    _parse_polygon(geojson)


# A fence further than this from its own site point was drawn for another place (a swapped
# lon/lat, the antipode): it would judge every photo against the wrong ground.
MAX_FENCE_DISTANCE_M = 5000.0


def validate_site_fence(geojson: dict, lat: float, lon: float) -> None:
    """Raise ValidationFailed(invalid_geofence) unless `geojson` is a valid polygon that
    covers the site's point or lies within MAX_FENCE_DISTANCE_M of it."""
    polygon = _parse_polygon(geojson)
    if polygon.covers(Point(lon, lat)):
        return
    # Measured in the site's local projection, but only on what lies within about 100 km:
    # projected whole, a ring around the antipode becomes a ring around the site itself.
    half_lon = min(180.0, 1.0 / max(math.cos(math.radians(lat)), 1e-9))
    near = shapely.clip_by_rect(polygon, lon - half_lon, lat - 1.0, lon + half_lon, lat + 1.0)
    if near.is_empty:
        raise _invalid("the polygon lies more than 100 km from the site's location "
                       f"(at most {MAX_FENCE_DISTANCE_M / 1000:g} km allowed)")
    local = shapely.transform(near, _local_transformer(lat, lon).transform, interleaved=False)
    distance = float(local.distance(Point(0.0, 0.0)))
    if distance > MAX_FENCE_DISTANCE_M:
        raise _invalid(f"the polygon lies {distance / 1000:.1f} km from the site's location "
                       f"(at most {MAX_FENCE_DISTANCE_M / 1000:g} km allowed)",
                       distance_m=round(distance))


def _local_transformer(lat: float, lon: float) -> Transformer:
    """WGS84 lon/lat to azimuthal equidistant metres around (lat, lon): true distances from
    the centre and negligible distortion at the scale of a site."""
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def geodesic_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres between two points along the WGS84 ellipsoid."""
    _, _, distance = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(distance)


class Geofence:
    """A site's fence: a polygon if one is drawn, else a circle of `radius_m` around the site."""

    def __init__(self, lat: float, lon: float, polygon: dict | None, radius_m: float):
        if not (_is_number(lat) and _is_number(lon) and abs(lat) <= 90 and abs(lon) <= 180):
            raise _invalid("the site position must be a latitude within ±90, longitude within ±180")
        if polygon is None and not (_is_number(radius_m) and radius_m >= 0):
            raise _invalid("radius_m must be a non-negative number")
        self.lat, self.lon, self.radius_m = float(lat), float(lon), float(radius_m)
        self._to_local = _local_transformer(self.lat, self.lon)
        self._local_fence = None
        if polygon is not None:
            self._local_fence = shapely.transform(
                _parse_polygon(polygon), self._to_local.transform, interleaved=False
            )

    @classmethod
    def for_site(cls, site: dict) -> Geofence:
        """The fence of a site document (`location`, `geofence`, `radius_m`), with the default
        radius where none is set."""
        location = site["location"]
        return cls(location["lat"], location["lon"], site.get("geofence"),
                   float(site.get("radius_m") or DEFAULT_RADIUS_M))

    def to_local(self, lat: float, lon: float) -> tuple[float, float]:
        """(x, y): metres east and north of the site, in the plane distances are taken in."""
        x, y = self._to_local.transform(lon, lat)
        return float(x), float(y)

    def local_outline(self) -> list[tuple[float, float]] | None:
        """The polygon's outer ring in local metres; None when the fence is a circle."""
        if self._local_fence is None:
            return None
        return [(float(x), float(y)) for x, y in self._local_fence.exterior.coords]

    def distance_m(self, lat: float, lon: float) -> float:
        """Metres from the fence to (lat, lon); 0.0 inside or on the border."""
        x, y = self._to_local.transform(lon, lat)
        if self._local_fence is None:
            return max(0.0, math.hypot(x, y) - self.radius_m)
        return float(self._local_fence.distance(Point(x, y)))
