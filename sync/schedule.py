"""Schedule times a person almost surely mistyped: rejected with a clear 422, never stored."""

from __future__ import annotations

from datetime import datetime

from sync.errors import ValidationFailed


def check_due_at(due_at: datetime | None, created_at: datetime) -> None:
    """A due time before the order existed is a typo (a wrong year or day), not a plan."""
    if due_at is not None and due_at < created_at:
        raise ValidationFailed(
            "due_at lies before the order was created; check the date",
            code="due_before_created",
            fields={"due_at": [f"Before the order's creation ({created_at.isoformat()})."]})
