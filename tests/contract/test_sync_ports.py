"""The sync ports' contract, run against every store (memory, SQLite, PostgreSQL) without HTTP:
exactly once, seq gaps and conflicts, a retry stops the batch, scope, and a pull never skips."""

from __future__ import annotations

import uuid

import pytest

from sync.errors import Conflict

SHA = "ab" * 32


class Device:
    def __init__(self, harness, engineer: str = "engineer"):
        self.harness, self.engineer = harness, engineer
        self.client_id, self.seq = str(uuid.uuid4()), 0

    def mutation(self, name: str, **args) -> dict:
        self.seq += 1
        return {"seq": self.seq, "id": str(uuid.uuid4()), "name": name, "args": args,
                "client_time": "2026-11-23T10:00:00+08:00"}

    def push(self, *mutations) -> dict:
        return self.harness.push(self.engineer, self.client_id, list(mutations))


def _statuses(answer: dict) -> list[str]:
    return [r["status"] for r in answer["results"]]


def _everything(harness, engineer: str, cursor=None, limit: int = 1000):
    changes = []
    while True:
        page = harness.pull(engineer, cursor, limit)
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor


def _order(harness, engineer: str, order_id: str) -> dict:
    changes, _ = _everything(harness, engineer)
    return {c["id"]: c for c in changes}[order_id]["data"]


def test_a_batch_sent_twice_is_applied_once_and_answered_the_same(harness):
    order = harness.order_for("engineer")
    device = Device(harness)
    batch = [device.mutation("workorder.accept", work_order_id=order),
             device.mutation("workorder.note", work_order_id=order, text="on my way")]
    first = device.push(*batch)
    again = device.push(*batch)
    assert _statuses(first) == ["applied", "applied"] and first["acked_seq"] == 2
    assert _statuses(again) == ["duplicate", "duplicate"] and again["acked_seq"] == 2
    assert [r["version"] for r in again["results"]] == [r["version"] for r in first["results"]]
    stored = _order(harness, "engineer", order)
    assert [n["text"] for n in stored["notes"]] == ["on my way"]
    assert stored["version"] == first["results"][-1]["version"]


def test_a_seq_past_the_next_one_is_a_gap(harness):
    order = harness.order_for("engineer")
    device = Device(harness)
    device.seq = 2
    with pytest.raises(Conflict) as caught:
        device.push(device.mutation("workorder.accept", work_order_id=order))
    assert caught.value.code == "seq_gap" and caught.value.details["acked_seq"] == 0


def test_an_acknowledged_seq_with_another_id_is_a_conflict(harness):
    order = harness.order_for("engineer")
    device = Device(harness)
    device.push(device.mutation("workorder.accept", work_order_id=order))
    device.seq = 0
    with pytest.raises(Conflict) as caught:
        device.push(device.mutation("workorder.accept", work_order_id=order))
    assert caught.value.code == "seq_conflict"


def test_a_mutation_waiting_for_media_stops_the_batch_where_it_is(harness):
    order = harness.order_for("engineer")
    device = Device(harness)
    answer = device.push(
        device.mutation("workorder.accept", work_order_id=order),
        device.mutation("photo.attach", work_order_id=order, photo_id=str(uuid.uuid4()),
                        sha256=SHA, kind="after"),
        device.mutation("workorder.note", work_order_id=order, text="after the photo"))
    assert _statuses(answer) == ["applied", "retry", "retry"]
    assert answer["results"][1]["error"]["code"] == "media_missing"
    assert answer["results"][2]["error"]["code"] == "not_processed"
    assert answer["acked_seq"] == 1
    assert _order(harness, "engineer", order)["notes"] == []


def test_a_rejected_mutation_is_final_and_leaves_the_order_as_it_was(harness):
    order = harness.order_for("engineer")
    device = Device(harness)
    answer = device.push(
        device.mutation("workorder.complete", work_order_id=order),
        device.mutation("workorder.accept", work_order_id=order))
    assert _statuses(answer) == ["rejected", "applied"] and answer["acked_seq"] == 2
    assert answer["results"][0]["error"]["code"] == "completion_incomplete"
    stored = _order(harness, "engineer", order)
    assert stored["status"] == "accepted"
    assert stored["version"] == answer["results"][1]["version"]
    assert device.push()["acked_seq"] == 2  # an empty push only asks where the server is


def test_a_charge_id_used_twice_in_one_batch_is_rejected_the_second_time(harness):
    first, second = harness.order_for("engineer"), harness.order_for("engineer")
    device = Device(harness)
    charge = str(uuid.uuid4())
    line = {"charge_id": charge, "quantity": "1", "kind": "other", "description": "Ladder",
            "unit_price": "45", "tax_rate": "0.13"}
    answer = device.push(
        device.mutation("workorder.accept", work_order_id=first),
        device.mutation("workorder.accept", work_order_id=second),
        device.mutation("charge.add", work_order_id=first, **line),
        device.mutation("charge.add", work_order_id=second, **line))
    assert _statuses(answer) == ["applied", "applied", "applied", "rejected"]
    assert answer["results"][3]["error"]["code"] == "id_conflict"
    assert _order(harness, "engineer", second)["charges"] == []


def test_an_engineer_pulls_only_their_orders_and_a_reassigned_one_as_a_delete(harness):
    mine, theirs = harness.order_for("engineer"), harness.order_for("engineer2")
    changes, cursor = _everything(harness, "engineer")
    orders = {c["id"] for c in changes if c["type"] == "workorder"}
    assert orders == {mine}
    harness.reassign(mine, "engineer2")
    later, _ = _everything(harness, "engineer", cursor)
    assert [(c["id"], c["op"]) for c in later] == [(mine, "delete")]
    theirs_now = {c["id"] for c in _everything(harness, "engineer2")[0]
                  if c["type"] == "workorder"}
    assert theirs_now == {mine, theirs}


def test_a_push_to_someone_elses_order_is_rejected_as_not_found(harness):
    theirs = harness.order_for("engineer2")
    device = Device(harness)
    answer = device.push(device.mutation("workorder.accept", work_order_id=theirs))
    assert _statuses(answer) == ["rejected"]
    assert answer["results"][0]["error"]["code"] == "not_found"


def test_paging_from_a_cursor_never_skips_a_change(harness):
    orders = [harness.order_for("engineer") for _ in range(5)]
    _, cursor = _everything(harness, "engineer")
    device = Device(harness)
    device.push(*[device.mutation("workorder.accept", work_order_id=o) for o in orders[:3]])
    seen, cursor = _everything(harness, "engineer", cursor, limit=1)
    assert sorted(c["id"] for c in seen) == sorted(orders[:3])
    device.push(*[device.mutation("workorder.accept", work_order_id=o) for o in orders[3:]])
    device.push(device.mutation("workorder.note", work_order_id=orders[0], text="again"))
    seen, cursor = _everything(harness, "engineer", cursor, limit=2)
    assert sorted(c["id"] for c in seen) == sorted([orders[0], *orders[3:]])
    assert _everything(harness, "engineer", cursor)[0] == []
