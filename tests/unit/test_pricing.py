"""Which price version a charge quoted at a claimed time is charged at (sync/pricing.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from sync.pricing import PriceVersion, pricing_time, version_at

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GRACE = timedelta(hours=72)
OLD = PriceVersion(D("45"), D("0.13"), NOW - timedelta(days=30), NOW - timedelta(hours=2))
NEW = PriceVersion(D("52"), D("0.13"), NOW - timedelta(hours=2), None)


@pytest.mark.parametrize(("claimed", "expected"), [
    (None, NOW),                                           # no claim: the server's time
    (NOW - timedelta(hours=5), NOW - timedelta(hours=5)),  # offline a while: honoured
    (NOW - GRACE, NOW - GRACE),                            # the window's edge is inside
    (NOW - GRACE - timedelta(seconds=1), NOW),             # a clock set back too far
    (NOW + timedelta(minutes=1), NOW),                     # a clock in the future
])
def test_the_claimed_time_counts_only_within_the_grace_window(claimed, expected):
    assert pricing_time(claimed, NOW, GRACE) == expected


@pytest.mark.parametrize(("when", "expected"), [
    (NOW - timedelta(hours=3), OLD),
    (NOW - timedelta(hours=2), NEW),   # a version starts at its effective_from...
    (NOW - timedelta(hours=2, microseconds=1), OLD),  # ...and the previous one ends there
    (NOW, NEW),
    (NOW - timedelta(days=31), None),  # before the item existed
])
def test_the_version_in_effect_at_an_instant(when, expected):
    assert version_at([OLD, NEW], when) == expected
