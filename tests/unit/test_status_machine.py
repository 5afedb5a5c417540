"""The status machine, checked against the contract's table written out here by hand."""

from __future__ import annotations

import itertools

import pytest

from sync import status as st
from sync.errors import Conflict

STATES = ("open", "assigned", "accepted", "in_progress", "completed", "verified", "cancelled",
          "visit_failed")  # Wave 2: failed visits
ACTIONS = ("assign", "accept", "start", "complete", "approve", "rework", "cancel",
           "fail_visit", "revisit")

# (action, from) -> to: the only moves the contract allows.
ALLOWED = {
    ("assign", "open"): "assigned",
    ("assign", "assigned"): "assigned",        # reassignment...
    ("assign", "accepted"): "assigned",        # ...takes a not-yet-completed order back
    ("assign", "in_progress"): "assigned",
    ("accept", "assigned"): "accepted",
    ("start", "accepted"): "in_progress",
    ("complete", "in_progress"): "completed",
    ("approve", "completed"): "verified",
    ("rework", "completed"): "in_progress",
    ("cancel", "open"): "cancelled",
    ("cancel", "assigned"): "cancelled",
    ("cancel", "accepted"): "cancelled",
    ("cancel", "in_progress"): "cancelled",
    # Wave 2: a visit fails at the door; the office sends someone again, or gives up.
    ("fail_visit", "accepted"): "visit_failed",
    ("fail_visit", "in_progress"): "visit_failed",
    ("revisit", "visit_failed"): "assigned",
    ("assign", "visit_failed"): "assigned",
    ("cancel", "visit_failed"): "cancelled",
}
FORBIDDEN = [pair for pair in itertools.product(ACTIONS, STATES) if pair not in ALLOWED]

# (action, status) pairs an engineer may repeat harmlessly: the order is already there.
NO_OPS = {("accept", "accepted"), ("accept", "in_progress"), ("start", "in_progress"),
          ("complete", "completed")}


def test_the_machine_knows_exactly_the_contracts_states_and_actions():
    assert set(st.STATUSES) == set(STATES)
    assert set(st.TRANSITIONS) == set(ACTIONS)


def test_the_grid_covers_every_state_and_action():
    assert len(ALLOWED) + len(FORBIDDEN) == len(STATES) * len(ACTIONS)


@pytest.mark.parametrize(("action", "source"), sorted(ALLOWED))
def test_an_allowed_action_moves_the_order_to_its_target(action, source):
    assert st.next_status(action, source) == ALLOWED[(action, source)]


@pytest.mark.parametrize(("action", "source"), FORBIDDEN)
def test_a_forbidden_action_is_an_invalid_transition_conflict(action, source):
    with pytest.raises(Conflict) as caught:
        st.next_status(action, source)

    assert caught.value.code == "invalid_transition"
    assert caught.value.details == {"action": action, "status": source}
    assert caught.value.as_dict()["message"] == f"cannot {action} an order that is {source}"


@pytest.mark.parametrize("source", ["completed", "verified", "cancelled"])
@pytest.mark.parametrize("action", ["assign", "cancel"])
def test_a_completed_verified_or_cancelled_order_cannot_be_reassigned_or_cancelled(action,
                                                                                    source):
    with pytest.raises(Conflict):
        st.next_status(action, source)


@pytest.mark.parametrize(("action", "status"), list(itertools.product(ACTIONS, STATES)))
def test_only_repeating_a_reached_state_is_a_no_op(action, status):
    assert st.is_no_op(action, status) is ((action, status) in NO_OPS)


@pytest.mark.parametrize(("action", "status"), sorted(NO_OPS))
def test_a_no_op_is_never_also_a_transition(action, status):
    # A repeat must not be mistaken for a move: the order stays where it is.
    assert (action, status) not in ALLOWED


def test_charges_are_editable_only_while_accepted_or_in_progress():
    assert set(st.CHARGES_EDITABLE) == {"accepted", "in_progress"}


def test_not_yet_completed_means_before_completion():
    assert set(st.NOT_YET_COMPLETED) == {"open", "assigned", "accepted", "in_progress"}
