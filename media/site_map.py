"""A site map as plain drawing data: geofence, photo positions, start position, scale bar.

Projected by media/geofence.py into its azimuthal equidistant plane centred on the site, so the
picture is true to scale in metres; no map tiles, so the console works on a closed network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from media.geofence import Geofence


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    label: str
    kind: str  # "site" | "start" | a photo's verification status


def _nice_length(max_metres: float) -> float:
    """The largest 1, 2 or 5 x 10^k metres not longer than max_metres."""
    exponent = math.floor(math.log10(max(max_metres, 1e-9)))
    for step in (5, 2, 1):
        if step * 10**exponent <= max_metres:
            return step * 10**exponent
    return 10**exponent


def site_map(site: dict, photos: list[tuple[str, float, float, str]],
             start: tuple[float, float] | None, width: int = 520, height: int = 380) -> dict:
    """Drawing data in SVG pixels for the site, its fence, `photos` (label, lat, lon, status)."""
    # The fence's own parsing and projection: the map shows exactly what the check measured.
    fence = Geofence.for_site(site)
    ring = fence.local_outline()
    radius = None if ring else fence.radius_m
    marks = [(label, *fence.to_local(lat, lon), status) for label, lat, lon, status in photos]
    if start:
        marks.append(("start", *fence.to_local(*start), "start"))
    xs = [0.0] + [x for _, x, _, _ in marks] + ([x for x, _ in ring] if ring else [-radius, radius])
    ys = [0.0] + [y for _, _, y, _ in marks] + ([y for _, y in ring] if ring else [-radius, radius])
    span = max(max(xs) - min(xs), max(ys) - min(ys), 50.0) * 1.2
    scale = min(width, height - 30) / span  # pixels per metre
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def px(x: float, y: float) -> tuple[float, float]:
        return (round(width / 2 + (x - mid_x) * scale, 1),
                round((height - 30) / 2 - (y - mid_y) * scale, 1))

    bar = _nice_length(span / 4)
    bar_label = f"{bar / 1000:g} km" if bar >= 1000 else f"{bar:g} m"
    site_x, site_y = px(0, 0)
    return {
        "width": width, "height": height,
        "fence": None if ring is None else " ".join(f"{a},{b}" for a, b in
                                                    (px(x, y) for x, y in ring)),
        "circle": None if radius is None else {"cx": site_x, "cy": site_y,
                                               "r": round(radius * scale, 1)},
        "site": MapPoint(site_x, site_y, "site", "site"),
        "points": [MapPoint(*px(x, y), label, kind) for label, x, y, kind in marks],
        "scale_bar": {"x1": 10, "x2": round(10 + bar * scale, 1), "y": height - 12,
                      "label": bar_label},
    }
