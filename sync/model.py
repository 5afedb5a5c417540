"""The work-order aggregate as plain data: what the rules read and change, on server and device."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass
class ChargeLine:
    id: str
    kind: str
    catalog_code: str | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_rate: Decimal
    amount: Decimal
    tax: Decimal
    @property
    def ad_hoc(self) -> bool:
        return self.catalog_code is None


@dataclass
class Note:
    id: str
    at: datetime
    author_id: str
    author: str
    text: str


@dataclass
class Photo:
    id: str
    kind: str
    sha256: str
    caption: str | None
    taken_at: datetime | None
    location: dict | None
    verification: dict
    attached_at: datetime | None = None
    phash: str | None = None  # server-side only: near-duplicate search, not in the document


@dataclass
class Signoff:
    id: str
    signer_name: str
    signed_at: datetime
    charges_digest: str
    total: Decimal
    signature_sha256: str
    valid: bool = True


@dataclass
class WorkOrder:
    id: str
    number: str
    status: str
    title: str
    currency: str
    version: int = 1
    priority: str = "normal"
    description: str = ""
    assigned_engineer_id: str | None = None
    created_at: datetime | None = None
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    verified_at: datetime | None = None
    cancelled_at: datetime | None = None
    due_at: datetime | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    failed_at: datetime | None = None  # the latest failed visit; the timeline keeps them all
    failure_reason: str | None = None
    start_location: dict | None = None
    customer: dict = field(default_factory=dict)
    site: dict = field(default_factory=dict)
    charges: list[ChargeLine] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    signoffs: list[Signoff] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # charge id -> the instant whose catalog price version the line carries (the quote's time
    # within the grace window, else the push's). Kept beside the lines, not in them: it is
    # not part of what the customer signs (the charges digest).
    priced_at: dict[str, datetime] = field(default_factory=dict)

    @property
    def signoff(self) -> Signoff | None:
        """The latest sign-off; earlier ones stay in `signoffs` as evidence."""
        return self.signoffs[-1] if self.signoffs else None

    def charge(self, charge_id: str) -> ChargeLine | None:
        return next((line for line in self.charges if line.id == charge_id), None)


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    kind: str
    description: str
    unit: str
    unit_price: Decimal
    tax_rate: Decimal
    currency: str = "CNY"
    active: bool = True
    priced_at: datetime | None = None  # which instant's price version this entry carries


@dataclass(frozen=True)
class KbArticleRef:
    """What the `kb.used` rule needs to know of an article."""

    id: str
    title: str
    version: int
    retired: bool = False
