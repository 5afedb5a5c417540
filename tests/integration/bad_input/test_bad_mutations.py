"""One bad mutation never fails the batch; it is rejected alone and kept."""

from __future__ import annotations

import pytest

from tests.api import new_id
from tests.integration.bad_input.helpers import UNKNOWN_ID, notes, push


def _args(order_id, **args):
    return {"work_order_id": order_id, **args}


BAD_MUTATIONS = {
    "unknown_name": ("workorder.teleport", lambda oid: _args(oid), None, "unknown_mutation",
                     None),
    "name_in_other_case": ("Workorder.Note", lambda oid: _args(oid, text="x"), None,
                           "unknown_mutation", None),
    "args_a_list": ("workorder.note", lambda oid: [oid, "x"], None, "validation_error",
                    "args"),
    "args_a_string": ("workorder.note", lambda oid: "x", None, "validation_error", "args"),
    "no_order_id": ("workorder.note", lambda oid: {"text": "x"}, None, "validation_error",
                    "work_order_id"),
    "order_id_not_uuid": ("workorder.note", lambda oid: {"work_order_id": "WO-000001",
                                                         "text": "x"},
                          None, "validation_error", "work_order_id"),
    "empty_text": ("workorder.note", lambda oid: _args(oid, text=""), None,
                   "validation_error", "text"),
    "text_not_string": ("workorder.note", lambda oid: _args(oid, text=5), None,
                        "validation_error", "text"),
    "unknown_arg": ("workorder.note", lambda oid: _args(oid, text="x", colour="red"), None,
                    "validation_error", "colour"),
    "price_with_catalog_code": ("charge.add", lambda oid: _args(
        oid, charge_id=new_id(), quantity="1", catalog_code="LAB-1H", unit_price="0.01"),
        None, "validation_error", "unit_price"),
    "zero_quantity": ("charge.add", lambda oid: _args(
        oid, charge_id=new_id(), quantity="0", catalog_code="LAB-1H"),
        None, "validation_error", "quantity"),
    "location_out_of_range": ("workorder.start", lambda oid: _args(
        oid, location={"lat": 200, "lon": 0}), None, "validation_error", "location"),
    "bad_sha256": ("photo.attach", lambda oid: _args(
        oid, photo_id=new_id(), sha256="XYZ", kind="after"),
        None, "validation_error", "sha256"),
    "client_time_not_a_time": ("workorder.note", lambda oid: _args(oid, text="x"),
                               "yesterday", "validation_error", "client_time"),
    "client_time_without_offset": ("workorder.note", lambda oid: _args(oid, text="x"),
                                   "2026-11-23T10:00:00", "validation_error", "client_time"),
    "unknown_order": ("workorder.note", lambda oid: _args(UNKNOWN_ID, text="x"), None,
                      "not_found", None),
    "too_early_to_complete": ("workorder.complete", lambda oid: _args(oid), None,
                              "completion_incomplete", None),
    "charge_before_accepting": ("charge.add", lambda oid: _args(
        oid, charge_id=new_id(), quantity="1", catalog_code="LAB-1H"),
        None, "order_not_editable", None),
}


@pytest.mark.parametrize("case", sorted(BAD_MUTATIONS))
def test_a_bad_mutation_is_rejected_alone_and_later_ones_still_apply(api, world, order, case):
    name, make_args, client_time, code, field = BAD_MUTATIONS[case]
    device = api.device()
    bad = {"seq": 1, "id": new_id(), "name": name, "args": make_args(order["id"]),
           "client_time": client_time}
    good = {"seq": 2, "id": new_id(), "name": "workorder.note",
            "args": {"work_order_id": order["id"], "text": "after the bad one"}}

    answer = push(api, device.client_id, [bad, good]).get_json()

    assert answer["acked_seq"] == 2
    rejected, applied = answer["results"]
    assert (rejected["seq"], rejected["id"], rejected["status"]) == (1, bad["id"], "rejected")
    assert set(rejected["error"]) == {"code", "message", "details"}
    assert rejected["error"]["code"] == code
    if field is not None:
        assert field in rejected["error"]["details"]["fields"]
    assert (applied["status"], applied["version"]) == ("applied", order["version"] + 1)
    after = api.order(order["id"])
    assert [note["text"] for note in after["notes"]] == ["after the bad one"]
    assert after["version"] == order["version"] + 1


def test_null_args_reject_only_that_mutation(api, world, order):
    bad = {"seq": 1, "id": new_id(), "name": "workorder.note", "args": None}
    good = {**notes(order)[0], "seq": 2}

    response = push(api, new_id(), [bad, good])

    assert response.status_code == 200, response.get_json()
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]


def test_a_note_with_a_nul_character_is_rejected_alone(api, world, order):
    bad = {"seq": 1, "id": new_id(), "name": "workorder.note",
           "args": {"work_order_id": order["id"], "text": "a\u0000b"}}
    good = {**notes(order)[0], "seq": 2}

    response = push(api, new_id(), [bad, good])

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]


def test_a_rejected_mutation_is_kept_in_the_orders_timeline(api, world, order):
    device = api.device()
    mutation = device.mutation("charge.add", work_order_id=order["id"], charge_id=new_id(),
                               quantity="1", catalog_code="LAB-1H")

    device.push(mutation)

    [entry] = [e for e in api.order(order["id"], as_="supervisor")["timeline"]
               if e["action"] == "rejected"]
    assert entry["details"]["mutation"]["id"] == mutation["id"]
    assert entry["details"]["mutation"]["args"]["catalog_code"] == "LAB-1H"
    assert entry["details"]["error"]["code"] == "order_not_editable"
