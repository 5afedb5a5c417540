"""Price versions: which catalog price a line quoted offline is charged at.

A line is priced with the version in effect when the device quoted it (the mutation's
client_time), so what the customer saw and signed is what they pay, but only within a grace
window before the server's time: a device clock set far back cannot reach an old price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class PriceVersion:
    unit_price: Decimal
    tax_rate: Decimal
    effective_from: datetime
    effective_to: datetime | None  # None: still in effect

    def covers(self, when: datetime) -> bool:
        return self.effective_from <= when and (self.effective_to is None
                                                or when < self.effective_to)


def pricing_time(claimed: datetime | None, now: datetime, grace: timedelta) -> datetime:
    """The instant whose price applies: the device's claimed time when it lies within `grace`
    before `now`, else `now` (no claim, a clock in the future, or one set back too far)."""
    if claimed is not None and now - grace <= claimed <= now:
        return claimed
    return now


def version_at(versions: list[PriceVersion], when: datetime) -> PriceVersion | None:
    """The version in effect at `when`, or None when none covers it."""
    return next((version for version in versions if version.covers(when)), None)
