"""What dispatchers and supervisors do to an order: assign, cancel, verify."""

from __future__ import annotations

from datetime import datetime

from sync import status as st
from sync.errors import Conflict
from sync.model import WorkOrder
from sync.mutations import Outcome
from sync.schedule import check_due_at
from sync.visits import check_window


def assign(order: WorkOrder, engineer_id: str, now: datetime) -> Outcome:
    """Assign or reassign; reassignment takes a not-yet-completed order back to `assigned`."""
    # Assigning a failed visit to the same engineer again is a real move: back to assigned.
    if order.assigned_engineer_id == engineer_id and order.status not in (st.OPEN,
                                                                          st.VISIT_FAILED):
        st.next_status("assign", order.status)  # still rejects completed/cancelled orders
        return Outcome("already_assigned", {"engineer_id": engineer_id}, changed=False)
    order.status = st.next_status("assign", order.status)
    previous = order.assigned_engineer_id
    order.assigned_engineer_id = engineer_id
    order.assigned_at = now
    order.accepted_at = order.started_at = None
    order.start_location = None
    order.version += 1
    return Outcome("assign", {"engineer_id": engineer_id, "previous_engineer_id": previous})


def cancel(order: WorkOrder, reason: str, now: datetime) -> Outcome:
    """Cancel an order that is not yet completed."""
    order.status = st.next_status("cancel", order.status)
    order.cancelled_at = now
    order.version += 1
    return Outcome("cancel", {"reason": reason})


def review(order: WorkOrder, decision: str, comment: str | None, now: datetime) -> Outcome:
    """A supervisor approves a completed order or sends it back for rework."""
    order.status = st.next_status(decision, order.status)
    if decision == "approve":
        order.verified_at = now
    else:
        order.completed_at = None
    order.version += 1
    return Outcome(decision, {"comment": comment})


EDITABLE_FIELDS = ("title", "description", "priority", "due_at", "window_start", "window_end")
NOT_EDITABLE = (st.COMPLETED, st.VERIFIED, st.CANCELLED)


def edit(order: WorkOrder, changes: dict, now: datetime) -> Outcome:
    """The office edits what an order asks for; work already done is not rewritten."""
    if order.status in NOT_EDITABLE:
        raise Conflict(f"a {order.status} order cannot be edited", code="order_not_editable",
                       status=order.status)
    if order.created_at is not None:
        check_due_at(changes.get("due_at"), order.created_at)
    if "window_start" in changes or "window_end" in changes:
        start = changes.get("window_start", order.window_start)
        end = changes.get("window_end", order.window_end)
        if start is not None and end is not None:
            check_window(start, end, now)
    changed = {name: value for name, value in changes.items()
               if name in EDITABLE_FIELDS and getattr(order, name) != value}
    if not changed:
        return Outcome("edit", {}, changed=False)
    details = {name: {"from": _plain(getattr(order, name)), "to": _plain(value)}
               for name, value in changed.items()}
    for name, value in changed.items():
        setattr(order, name, value)
    order.version += 1
    return Outcome("edit", {"changes": details})


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value
