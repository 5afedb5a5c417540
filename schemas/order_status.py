"""The words of a work order's life: its states, and the supervisor's two verdicts on a
completed one.

Here, at the bottom layer, so schemas validate with them; the machine that moves an order
between them is `sync/status.py`, which reads the same names.
"""

from __future__ import annotations

OPEN, ASSIGNED, ACCEPTED, IN_PROGRESS = "open", "assigned", "accepted", "in_progress"
COMPLETED, VERIFIED, CANCELLED = "completed", "verified", "cancelled"
VISIT_FAILED = "visit_failed"
STATUSES = (OPEN, ASSIGNED, ACCEPTED, IN_PROGRESS, VISIT_FAILED, COMPLETED, VERIFIED,
            CANCELLED)
NOT_YET_COMPLETED = (OPEN, ASSIGNED, ACCEPTED, IN_PROGRESS)
# A failed visit is not completed either: the office may reassign, revisit or cancel it.
AWAITING_SERVICE = (*NOT_YET_COMPLETED, VISIT_FAILED)

# What a supervisor decides about a completed order (each is also the machine's action).
APPROVE, REWORK = "approve", "rework"
VERIFY_DECISIONS = (APPROVE, REWORK)
