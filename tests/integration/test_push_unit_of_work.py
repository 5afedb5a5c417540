"""A batch is one unit of work: its later mutations see its earlier ones, on both databases."""

from __future__ import annotations

from server.extensions import db
from server.models import ChargeLineRow
from tests.api import SHENZHEN, new_id
from tests.media.photos import make_photo, sha256_of


def test_the_same_photo_on_two_orders_in_one_batch_is_a_duplicate_the_second_time(
        api, world, tmp_path):
    data = make_photo(tmp_path / "same.jpg", SHENZHEN["lat"], SHENZHEN["lon"]).read_bytes()
    api.request("PUT", f"/api/v1/media/{sha256_of(data)}", as_="engineer", expect=201,
                data=data, content_type="image/jpeg")
    first, second = api.create_order(world), api.create_order(world)
    device = api.device()
    mutations = []
    for order in (first, second):
        mutations += [device.mutation("workorder.accept", work_order_id=order["id"]),
                      device.mutation("workorder.start", work_order_id=order["id"], location={
                          "lat": SHENZHEN["lat"], "lon": SHENZHEN["lon"], "accuracy_m": 5}),
                      device.mutation("photo.attach", work_order_id=order["id"],
                                      photo_id=new_id(), sha256=sha256_of(data), kind="after")]
    answer = device.push(*mutations)
    assert {r["status"] for r in answer["results"]} == {"applied"}
    assert api.order(first["id"])["photos"][0]["verification"]["status"] == "verified"
    assert api.order(second["id"])["photos"][0]["verification"]["status"] == "duplicate"


def test_a_charge_removed_and_added_again_in_one_batch_keeps_both_rows_apart(app, api, world):
    order = api.create_order(world)
    device = api.device()
    line = {"quantity": "1", "catalog_code": "CALLOUT"}
    kept, dropped = new_id(), new_id()
    answer = device.push(
        device.mutation("workorder.accept", work_order_id=order["id"]),
        device.mutation("charge.add", work_order_id=order["id"], charge_id=dropped, **line),
        device.mutation("charge.remove", work_order_id=order["id"], charge_id=dropped),
        device.mutation("charge.add", work_order_id=order["id"], charge_id=dropped, **line),
        device.mutation("charge.add", work_order_id=order["id"], charge_id=kept, **line))
    assert [r["status"] for r in answer["results"]] == [
        "applied", "applied", "applied", "rejected", "applied"]
    assert answer["results"][3]["error"]["code"] == "id_conflict"
    assert answer["results"][-1]["version"] == 6
    stored = api.order(order["id"])
    assert [c["id"] for c in stored["charges"]] == [kept]
    assert stored["version"] == 6
    assert _removed_at(app, dropped) is not None  # kept as evidence, as every removed line
    assert _removed_at(app, kept) is None


def test_a_line_written_before_a_photo_and_removed_after_it_is_marked_removed(
        app, api, world, tmp_path):
    data = make_photo(tmp_path / "site.jpg", SHENZHEN["lat"], SHENZHEN["lon"]).read_bytes()
    api.request("PUT", f"/api/v1/media/{sha256_of(data)}", as_="engineer", expect=201,
                data=data, content_type="image/jpeg")
    order = api.create_order(world)
    device = api.device()
    line = new_id()
    answer = device.push(
        device.mutation("workorder.accept", work_order_id=order["id"]),
        device.mutation("charge.add", work_order_id=order["id"], charge_id=line,
                        quantity="1", catalog_code="CALLOUT"),
        device.mutation("photo.attach", work_order_id=order["id"], photo_id=new_id(),
                        sha256=sha256_of(data), kind="before"),
        device.mutation("charge.remove", work_order_id=order["id"], charge_id=line))
    assert [r["status"] for r in answer["results"]] == ["applied"] * 4
    stored = api.order(order["id"])
    assert stored["charges"] == [] and len(stored["photos"]) == 1
    assert _removed_at(app, line) is not None


def _removed_at(app, charge_id: str):
    with app.app_context():
        row = db.session.get(ChargeLineRow, charge_id)
        assert row is not None
        return row.removed_at
