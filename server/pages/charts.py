"""Bar and Pareto charts as SVG geometry for a template to draw.

Only numbers are computed here; labels stay plain strings, so the template's autoescaping is
what puts them into the SVG, never string building.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

WIDTH, HEIGHT = 640, 280
TOP, LEFT, BOTTOM = 18, 48, 34
ROTATED_BOTTOM = 78  # room for slanted labels
RIGHT, PARETO_RIGHT = 16, 52
MAX_LABEL = 16


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    center: float
    label: str  # as drawn (maybe shortened)
    full_label: str  # for the tooltip
    value: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    rotate_labels: bool
    right_ticks: list[Tick] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)

    @property
    def line(self) -> str:
        """The polyline through the points (numbers only)."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def nice_step(top: float, ticks: int = 4) -> float:
    """A 1-2-5 step that covers `top` in about `ticks` steps; at least 1 (counts are whole)."""
    raw = max(top / ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)


def number(value) -> str:
    """A value as shown on a chart: whole numbers without decimals."""
    value = Decimal(str(value))
    return str(value.to_integral_value()) if value == value.to_integral_value() else str(value)


def shorten(label: str, limit: int = MAX_LABEL) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def bar_chart(title: str, series: Sequence[tuple[str, float]], *, right: float = RIGHT,
              width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Vertical bars, one per (label, value), on a 0-based axis with 1-2-5 ticks."""
    rotate = len(series) > 6 or any(len(label) > 10 for label, _ in series)
    bottom = height - (ROTATED_BOTTOM if rotate else BOTTOM)
    plot_width, plot_height = width - right - LEFT, bottom - TOP
    peak = max((float(v) for _, v in series), default=0)
    step = nice_step(peak)
    top_value = max(math.ceil(peak / step), 1) * step
    slot = plot_width / max(len(series), 1)
    bars = []
    for i, (label, value) in enumerate(series):
        bar_height = plot_height * float(value) / top_value
        x = LEFT + i * slot + slot * 0.15
        bars.append(Bar(x=round(x, 1), y=round(bottom - bar_height, 1),
                        width=round(slot * 0.7, 1), height=round(bar_height, 1),
                        center=round(LEFT + (i + 0.5) * slot, 1), label=shorten(label),
                        full_label=label, value=number(value)))
    ticks = [Tick(round(bottom - plot_height * k * step / top_value, 1), number(k * step))
             for k in range(int(top_value / step) + 1)]
    return Chart(title=title, width=width, height=height, left=LEFT, right=width - right,
                 top=TOP, bottom=bottom, bars=bars, ticks=ticks, rotate_labels=rotate)


def pareto_chart(title: str, series: Sequence[tuple[str, float]]) -> Chart:
    """Bars sorted descending with the cumulative percentage as a line on a 0-100 % axis."""
    ordered = sorted(series, key=lambda item: -float(item[1]))  # stable: ties keep order
    chart = bar_chart(title, ordered, right=PARETO_RIGHT)
    total = sum(Decimal(str(v)) for _, v in ordered)
    span = chart.bottom - chart.top
    points, running = [], Decimal(0)
    for bar, (_, value) in zip(chart.bars, ordered, strict=True):
        running += Decimal(str(value))
        share = (100 * running / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        points.append(Point(bar.center, round(chart.bottom - span * float(share) / 100, 1),
                            f"{share} %"))
    right_ticks = [Tick(round(chart.bottom - span * pct / 100, 1), f"{pct} %")
                   for pct in (0, 25, 50, 75, 100)]
    return replace(chart, right_ticks=right_ticks, points=points)
