"""Push batches: seqs, ids, envelopes, sizes and the exactly-once conflicts."""

from __future__ import annotations

import pytest

from tests.api import new_id
from tests.integration.bad_input.helpers import (
    UNKNOWN_ID,
    assert_error,
    assert_field_error,
    notes,
    push,
)


@pytest.mark.parametrize(("seqs", "code"), [
    ([1, 3], "seq_not_consecutive"),
    ([2, 1], "seq_not_consecutive"),
    ([1, 1], "seq_not_consecutive"),
    ([1, 2, 4], "seq_not_consecutive"),
])
def test_a_push_with_non_consecutive_seqs_is_422_and_applies_nothing(api, world, order, seqs,
                                                                     code):
    device = api.device()
    mutations = [{**mutation, "seq": seq}
                 for mutation, seq in zip(notes(order, len(seqs)), seqs, strict=True)]

    assert_error(push(api, device.client_id, mutations), 422, code)

    assert api.order(order["id"])["notes"] == []
    assert device.push(*notes(order, 1))["results"][0]["status"] == "applied"


def test_a_push_with_two_mutations_sharing_an_id_is_422(api, world, order):
    first, second = notes(order, 2)

    response = push(api, new_id(), [first, {**second, "id": first["id"]}])

    assert_error(response, 422, "duplicate_mutation_id")
    assert api.order(order["id"])["notes"] == []


@pytest.mark.parametrize(("patch", "field"), [
    ({"seq": 0}, "seq"), ({"seq": -1}, "seq"), ({"seq": "1"}, "seq"), ({"seq": 1.5}, "seq"),
    ({"seq": True}, "seq"), ({"id": "not-a-uuid"}, "id"), ({"id": None}, "id"),
    ({"name": 5}, "name"), ({"name": ""}, "name"),
])
def test_a_bad_mutation_envelope_is_422_naming_the_field(api, world, order, patch, field):
    [mutation] = notes(order)

    response = push(api, new_id(), [{**mutation, **patch}])

    assert_field_error(response, f"mutations.0.{field}")


@pytest.mark.parametrize(("body", "field"), [
    ({"client_id": "not-a-uuid", "mutations": []}, "client_id"),
    ({"mutations": []}, "client_id"),
    ({"client_id": UNKNOWN_ID}, "mutations"),
    ({"client_id": UNKNOWN_ID, "mutations": "all of them"}, "mutations"),
    ({"client_id": UNKNOWN_ID, "mutations": [7]}, "mutations"),
])
def test_a_bad_push_body_is_422_naming_the_field(api, world, body, field):
    response = api.request("POST", "/api/v1/sync/push", body, as_="engineer")

    assert_field_error(response, field)


def test_a_push_of_more_than_500_mutations_is_422_and_applies_nothing(api, world, order):
    response = push(api, new_id(), notes(order, 501))

    assert_field_error(response, "mutations")
    assert api.order(order["id"])["notes"] == []


def test_a_push_of_exactly_500_mutations_is_accepted(api, world, order):
    answer = push(api, new_id(), notes(order, 500)).get_json()

    assert answer["acked_seq"] == 500
    assert {result["status"] for result in answer["results"]} == {"applied"}


def test_a_push_that_skips_ahead_is_409_seq_gap_with_the_acked_seq(api, world, order):
    device = api.device()
    device.push(*notes(order, 2))

    response = push(api, device.client_id, [{**notes(order)[0], "seq": 4}])

    error = assert_error(response, 409, "seq_gap")
    assert error["details"] == {"acked_seq": 2}
    assert len(api.order(order["id"])["notes"]) == 2


def test_an_acknowledged_seq_sent_with_another_id_is_409_seq_conflict(api, world, order):
    device = api.device()
    [first] = notes(order)
    device.push(first)

    response = push(api, device.client_id, [{**first, "id": new_id()}])

    assert_error(response, 409, "seq_conflict")
    assert [note["text"] for note in api.order(order["id"])["notes"]] == ["note 1"]


def test_a_client_id_used_by_another_engineer_is_403_client_not_yours(api, world, order):
    device = api.device("engineer")
    device.push(*notes(order, 1))
    other_order = api.create_order(world, assign_to="engineer2")
    [intruding] = notes(other_order)

    response = push(api, device.client_id, [{**intruding, "seq": 2}], as_="engineer2")

    assert_error(response, 403, "client_not_yours")
    assert api.order(other_order["id"])["notes"] == []
    assert device.push(*[{**m, "seq": 2} for m in notes(order)])["acked_seq"] == 2
