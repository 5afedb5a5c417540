"""Push: exactly once per (client_id, seq), in order, nothing a device sent is lost."""

from __future__ import annotations

import pytest

from tests.api import new_id


@pytest.fixture
def order(api, world):
    return api.create_order(world)


def test_a_device_accepts_starts_and_charges_an_order(api, world, order):
    device = api.device()
    answer = device.push(
        device.mutation("workorder.accept", work_order_id=order["id"]),
        device.mutation("workorder.start", work_order_id=order["id"],
                        location={"lat": 22.5406, "lon": 113.9531, "accuracy_m": 8}),
        device.mutation("charge.add", work_order_id=order["id"], charge_id=new_id(),
                        quantity="1.5", catalog_code="LAB-1H"),
        device.mutation("workorder.note", work_order_id=order["id"], text="filter was clogged"),
    )
    assert answer["acked_seq"] == 4
    assert [r["status"] for r in answer["results"]] == ["applied"] * 4
    assert [r["version"] for r in answer["results"]] == [3, 4, 5, 6]
    stored = api.order(order["id"])
    assert stored["status"] == "in_progress"
    assert stored["start_location"] == {"lat": 22.5406, "lon": 113.9531, "accuracy_m": 8}
    assert stored["charges"][0] | {"id": None} == {
        "id": None, "kind": "labour", "catalog_code": "LAB-1H", "description": "LAB-1H",
        "quantity": "1.5", "unit": "each", "unit_price": "33.33", "tax_rate": "0.06",
        "amount": "50.00", "tax": "3.00",
        "priced_at": "2026-11-23T02:00:00Z"}  # Wave 2: the price version's instant
    assert stored["totals"] == {"subtotal": "50.00", "tax": "3.00", "total": "53.00"}
    assert stored["notes"][0]["text"] == "filter was clogged"
    assert stored["notes"][0]["author"] == "Engineer"


def test_replaying_a_batch_applies_nothing_twice(api, world, order):
    device = api.device()
    batch = [device.mutation("workorder.accept", work_order_id=order["id"]),
             device.mutation("workorder.start", work_order_id=order["id"]),
             device.mutation("charge.add", work_order_id=order["id"], charge_id=new_id(),
                             quantity=2, catalog_code="AC-FILTER"),
             device.mutation("charge.add", work_order_id=order["id"], charge_id=new_id(),
                             quantity=1, catalog_code="NO-SUCH-CODE")]
    first = device.push(*batch)
    again = device.push(*batch)
    assert again["acked_seq"] == 4
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 4
    assert [r["original_status"] for r in again["results"]] == [
        "applied", "applied", "applied", "rejected"]
    assert [r.get("version") for r in again["results"]] == [
        r.get("version") for r in first["results"]]
    assert again["results"][3]["error"]["code"] == "unknown_catalog_code"
    stored = api.order(order["id"])
    assert len(stored["charges"]) == 1
    assert stored["version"] == 5


def test_a_partly_acknowledged_batch_resumes_after_the_acked_seq(api, world, order):
    device = api.device()
    accept = device.mutation("workorder.accept", work_order_id=order["id"])
    start = device.mutation("workorder.start", work_order_id=order["id"])
    device.push(accept)
    answer = device.push(accept, start)
    assert [r["status"] for r in answer["results"]] == ["duplicate", "applied"]
    assert answer["acked_seq"] == 2


def test_a_seq_past_the_next_one_is_a_gap(api, world, order):
    device = api.device()
    device.push(device.mutation("workorder.accept", work_order_id=order["id"]))
    device.seq = 5
    answer = device.push(device.mutation("workorder.start", work_order_id=order["id"]),
                         expect=409)
    assert answer["error"]["code"] == "seq_gap"
    assert answer["error"]["details"]["acked_seq"] == 1
    assert api.order(order["id"])["status"] == "accepted"


def test_an_acknowledged_seq_with_another_id_is_a_conflict_not_a_retry(api, world, order):
    device = api.device()
    device.push(device.mutation("workorder.accept", work_order_id=order["id"]))
    device.seq = 0
    impostor = device.mutation("workorder.note", work_order_id=order["id"], text="other")
    answer = device.push(impostor, expect=409)
    assert answer["error"]["code"] == "seq_conflict"
    assert api.order(order["id"])["notes"] == []


def test_a_client_id_belongs_to_its_first_user(api, world, order):
    mine = api.device("engineer")
    mine.push(mine.mutation("workorder.accept", work_order_id=order["id"]))
    stolen = api.device("engineer2")
    stolen.client_id = mine.client_id
    stolen.seq = 1
    answer = stolen.push(stolen.mutation("workorder.note", work_order_id=order["id"],
                                         text="x"), expect=403)
    assert answer["error"]["code"] == "client_not_yours"


def test_a_rejected_mutation_is_final_kept_in_the_timeline_and_does_not_block(api, world,
                                                                             order):
    device = api.device()
    answer = device.push(
        device.mutation("workorder.start", work_order_id=order["id"]),  # not accepted yet
        device.mutation("workorder.accept", work_order_id=order["id"]),
    )
    assert [r["status"] for r in answer["results"]] == ["rejected", "applied"]
    assert answer["results"][0]["error"]["code"] == "invalid_transition"
    assert answer["acked_seq"] == 2
    timeline = api.order(order["id"], as_="supervisor")["timeline"]
    rejected = [e for e in timeline if e["action"] == "rejected"]
    assert len(rejected) == 1
    assert rejected[0]["details"]["mutation"]["name"] == "workorder.start"
    assert rejected[0]["details"]["error"]["code"] == "invalid_transition"
    assert rejected[0]["actor"] == "Engineer"
    assert rejected[0]["client_time"] == "2026-11-23T10:00:00+08:00"


def test_repeating_a_state_is_a_no_op_not_a_rejection(api, world, order):
    phone, tablet = api.device(), api.device()
    phone.do("workorder.accept", work_order_id=order["id"])
    again = tablet.do("workorder.accept", work_order_id=order["id"])
    assert again["status"] == "applied"
    assert api.order(order["id"])["version"] == 3


def test_acting_on_an_order_reassigned_away_is_rejected_not_assigned(api, world, order):
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    api.post(f"/api/v1/workorders/{order['id']}/assign",
             {"engineer_id": world.ids["engineer2"]}, as_="dispatcher", expect=200)
    result = device.do("workorder.start", work_order_id=order["id"])
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "not_assigned"
    stored = api.order(order["id"])
    assert stored["status"] == "assigned"
    assert stored["timeline"][-1]["action"] == "rejected"


def test_acting_on_a_cancelled_order_is_rejected(api, world, order):
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    api.post(f"/api/v1/workorders/{order['id']}/cancel", {"reason": "customer away"},
             as_="dispatcher", expect=200)
    result = device.do("workorder.start", work_order_id=order["id"])
    assert result["error"]["code"] == "order_cancelled"


def test_an_order_never_assigned_to_the_engineer_is_not_found(api, world):
    theirs = api.create_order(world, assign_to="engineer2")
    result = api.device().do("workorder.accept", work_order_id=theirs["id"])
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "not_found"
    timeline = api.order(theirs["id"])["timeline"]
    assert [e["action"] for e in timeline] == ["created", "assign"]


def test_charges_keep_their_catalog_price_when_the_catalog_changes(api, world, order):
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    charge_id = new_id()
    device.do("charge.add", work_order_id=order["id"], charge_id=charge_id, quantity=1,
              catalog_code="CALLOUT")
    removed = device.do("charge.remove", work_order_id=order["id"], charge_id=charge_id)
    assert removed["status"] == "applied"
    ad_hoc = device.do("charge.add", work_order_id=order["id"], charge_id=new_id(),
                       quantity="3", kind="other", description="Ladder hire",
                       unit_price="12.345", tax_rate="0.1")
    assert ad_hoc["status"] == "applied"
    stored = api.order(order["id"])
    assert [(c["catalog_code"], c["amount"], c["tax"]) for c in stored["charges"]] == [
        (None, "37.04", "3.70")]
    actions = [e["action"] for e in stored["timeline"]]
    assert actions.count("charge.add") == 2 and actions.count("charge.remove") == 1


def test_a_retry_answer_stops_the_batch_and_is_not_acknowledged(api, world, order):
    device = api.device()
    answer = device.push(
        device.mutation("workorder.accept", work_order_id=order["id"]),
        device.mutation("photo.attach", work_order_id=order["id"], photo_id=new_id(),
                        sha256="0" * 64, kind="before"),
        device.mutation("workorder.note", work_order_id=order["id"], text="after photo"),
    )
    assert [r["status"] for r in answer["results"]] == ["applied", "retry", "retry"]
    assert answer["results"][1]["error"]["code"] == "media_missing"
    assert answer["acked_seq"] == 1
    assert api.order(order["id"])["notes"] == []


def test_the_timeline_records_who_did_what_from_which_device(api, world, order):
    api.login("engineer", device_id="tablet-7")
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    event = api.order(order["id"])["timeline"][-1]
    assert event["action"] == "workorder.accept"
    assert event["role"] == "engineer"
    assert event["device_id"] == "tablet-7"
    assert event["at"] == "2026-11-23T02:00:00Z"
    assert event["client_time"] == "2026-11-23T10:00:00+08:00"


def test_work_done_offline_keeps_the_devices_time_within_what_the_server_knows(
        api, world, order, clock):
    clock.advance(hours=6)  # the device syncs six hours after the work
    device = api.device()
    accept = device.mutation("workorder.accept", work_order_id=order["id"])
    accept["client_time"] = "2026-11-23T11:00:00+08:00"  # 03:00Z, an hour after assignment
    start = device.mutation("workorder.start", work_order_id=order["id"])
    start["client_time"] = "2026-11-23T01:00:00Z"  # claims a time before the assignment
    note = device.mutation("workorder.note", work_order_id=order["id"], text="x")
    note["client_time"] = "2026-11-24T12:00:00Z"  # claims the future
    device.push(accept, start, note)
    stored = api.order(order["id"])
    assert stored["accepted_at"] == "2026-11-23T03:00:00Z"
    assert stored["started_at"] == "2026-11-23T02:00:00Z"  # clamped to the assignment
    assert stored["notes"][0]["at"] == "2026-11-23T08:00:00Z"  # clamped to the server's now
    assert stored["timeline"][-1]["at"] == "2026-11-23T08:00:00Z"


def test_a_charge_taking_the_total_past_the_limit_is_rejected_not_a_500(api, world, order):
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    huge = dict(kind="other", description="x", unit_price="100000000", tax_rate="1")
    results = [device.do("charge.add", work_order_id=order["id"], charge_id=new_id(),
                         quantity="1000", **huge) for _ in range(6)]
    assert [r["status"] for r in results] == ["applied"] * 5 + ["rejected"]
    assert results[5]["error"]["code"] == "order_total_too_large"
    stored = api.order(order["id"])
    assert len(stored["charges"]) == 5
    assert stored["totals"]["total"] == "1000000000000.00"  # 5 x (1e11 + 100% tax)


def test_a_signoff_total_beyond_any_order_is_a_validation_error(api, world, order):
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    result = device.do("signoff.capture", work_order_id=order["id"], signoff_id=new_id(),
                       signer_name="x", signature_sha256="0" * 64,
                       charges_digest="0" * 64, total="1e30")
    assert result["status"] == "rejected" and result["error"]["code"] == "validation_error"


def test_a_mutation_with_bad_arguments_is_kept_in_its_orders_timeline(api, world, order):
    device = api.device()
    result = device.do("charge.add", work_order_id=order["id"], charge_id=new_id(),
                       quantity="-1", catalog_code="LAB-1H")
    assert result["error"]["code"] == "validation_error"
    [event] = [e for e in api.order(order["id"])["timeline"] if e["action"] == "rejected"]
    assert event["details"]["mutation"]["args"]["quantity"] == "-1"
    theirs = api.create_order(world, assign_to="engineer2")
    device.do("charge.add", work_order_id=theirs["id"], charge_id=new_id(), quantity="-1",
              catalog_code="LAB-1H")
    assert "rejected" not in [e["action"] for e in api.order(theirs["id"])["timeline"]]


def test_reusing_a_note_or_signoff_id_is_rejected_not_silently_dropped(api, world, order):
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    note = device.mutation("workorder.note", work_order_id=order["id"], text="first")
    device.push(note)
    again = dict(note, seq=device.seq + 1, args={**note["args"], "text": "second"})
    device.seq += 1
    result = device.push(again)["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "id_conflict"
    assert [n["text"] for n in api.order(order["id"])["notes"]] == ["first"]
