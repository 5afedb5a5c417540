"""The work-order status machine: which action moves an order from which states to which."""

from __future__ import annotations

# The states live with the schemas (the bottom layer, which validates with them); the machine
# that moves between them is here, and sync's callers read both from this module.
from schemas.order_status import (  # noqa: F401
    ACCEPTED,
    APPROVE,
    ASSIGNED,
    AWAITING_SERVICE,
    CANCELLED,
    COMPLETED,
    IN_PROGRESS,
    NOT_YET_COMPLETED,
    OPEN,
    REWORK,
    STATUSES,
    VERIFIED,
    VERIFY_DECISIONS,
    VISIT_FAILED,
)
from sync.errors import Conflict

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "assign": (AWAITING_SERVICE, ASSIGNED),
    "accept": ((ASSIGNED,), ACCEPTED),
    "start": ((ACCEPTED,), IN_PROGRESS),
    "complete": ((IN_PROGRESS,), COMPLETED),
    APPROVE: ((COMPLETED,), VERIFIED),
    REWORK: ((COMPLETED,), IN_PROGRESS),
    "cancel": (AWAITING_SERVICE, CANCELLED),
    "fail_visit": ((ACCEPTED, IN_PROGRESS), VISIT_FAILED),
    "revisit": ((VISIT_FAILED,), ASSIGNED),
}

# Repeating these by the engineer who holds the order is a harmless no-op, never a rejection:
# two devices of one engineer, or a retried tap, must not produce an error to review.
ALREADY_DONE = {
    "accept": (ACCEPTED, IN_PROGRESS),
    "start": (IN_PROGRESS,),
    "complete": (COMPLETED,),
}

# States in which the engineer may change charges, and attach photos.
CHARGES_EDITABLE = (ACCEPTED, IN_PROGRESS)
PHOTOS_ALLOWED = (ACCEPTED, IN_PROGRESS)


def is_no_op(action: str, status: str) -> bool:
    """True when the order is already in (or past) the state the action leads to."""
    return status in ALREADY_DONE.get(action, ())


def next_status(action: str, status: str) -> str:
    """The state `action` leads to from `status`, or Conflict(invalid_transition)."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise Conflict(
            f"cannot {action} an order that is {status}",
            code="invalid_transition", action=action, status=status,
        )
    return target
