"""Failed visits: the engineer reports why a visit failed; the office sends someone again."""

from __future__ import annotations

from datetime import datetime

from schemas.mutations import FAILURE_REASONS as REASONS  # noqa: F401 - the rule's vocabulary
from sync import status as st
from sync.errors import ValidationFailed
from sync.model import WorkOrder
from sync.mutations import MutationContext, Outcome


def fail_visit(order: WorkOrder, args: dict, mutation_id: str, ctx: MutationContext) -> Outcome:
    """`workorder.fail_visit`: an accepted or started order goes to `visit_failed`; the
    attempt (reason, note, where) stays in the timeline through the outcome's details."""
    order.status = st.next_status("fail_visit", order.status)
    order.failed_at = ctx.event_time(order)
    order.failure_reason = args["reason"]
    details = {"status": order.status, "reason": args["reason"]}
    for name in ("note", "location"):
        if args.get(name) is not None:
            details[name] = args[name]
    return Outcome("workorder.fail_visit", details)


def check_window(window_start: datetime, window_end: datetime, now: datetime) -> None:
    """A visit window must end after it starts, and not be over already (a mistyped date)."""
    if window_end <= window_start:
        raise ValidationFailed("window_end must be after window_start",
                               fields={"window_end": ["Must be after window_start."]})
    if window_end <= now:
        raise ValidationFailed("the visit window is already over",
                               fields={"window_end": ["Must be in the future."]})


def revisit(order: WorkOrder, window_start: datetime, window_end: datetime,
            engineer_id: str | None, now: datetime) -> Outcome:
    """Schedule another visit to a failed one: back to `assigned` (to the same engineer unless
    another is named) with a new window; the assignment clock and the alerts restart."""
    order.status = st.next_status("revisit", order.status)
    previous = order.assigned_engineer_id
    order.assigned_engineer_id = engineer_id or previous
    order.assigned_at = now
    order.accepted_at = order.started_at = None
    order.start_location = None
    order.window_start, order.window_end = window_start, window_end
    order.version += 1
    return Outcome("revisit", {"engineer_id": order.assigned_engineer_id,
                               "previous_engineer_id": previous,
                               "window_start": window_start.isoformat(),
                               "window_end": window_end.isoformat()})
