"""A photo's verdict names another order only to the office: engineers read "another order"."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from tests.api import SHENZHEN, new_id
from tests.console import Console
from tests.flows import new_job, upload
from tests.media.photos import exif_bytes, make_photo, sha256_of


@pytest.fixture
def first(api, world, tmp_path):
    """engineer's started job with one photo attached."""
    job = new_job(api, world, tmp_path).start()
    path = make_photo(tmp_path / "first.jpg", SHENZHEN["lat"], SHENZHEN["lon"], seed=11)
    photo_id = new_id()
    assert job.do("photo.attach", photo_id=photo_id, kind="before",
                  sha256=upload(api, path.read_bytes(), "image/jpeg"))["status"] == "applied"
    return job, path, photo_id


def second_job(api, world, tmp_path, path):
    """engineer2's started job on the same site, attaching the bytes at `path`."""
    order = api.create_order(world, assign_to="engineer2")
    device = api.device("engineer2")
    device.do("workorder.accept", work_order_id=order["id"])
    device.do("workorder.start", work_order_id=order["id"],
              location={**SHENZHEN, "accuracy_m": 5})
    data = path.read_bytes()
    upload(api, data, "image/jpeg", as_="engineer2")
    photo_id = new_id()
    assert device.do("photo.attach", work_order_id=order["id"], photo_id=photo_id,
                     sha256=sha256_of(data), kind="after")["status"] == "applied"
    return order, photo_id


def photo_in(document: dict, photo_id: str) -> dict:
    return next(p for p in document["photos"] if p["id"] == photo_id)


def pulled_order(api, username: str, order_id: str) -> dict:
    changes, _ = api.pull_all(username)
    return next(c["data"] for c in changes if c["type"] == "workorder" and c["id"] == order_id)


def test_the_engineer_reads_that_the_same_bytes_were_used_on_another_order(
        api, world, tmp_path, first):
    job, path, _ = first
    order, photo_id = second_job(api, world, tmp_path, path)
    for document in (api.order(order["id"], as_="engineer2"),
                     pulled_order(api, "engineer2", order["id"])):
        verification = photo_in(document, photo_id)["verification"]
        assert verification["status"] == "duplicate"
        assert verification["reasons"] == ["same image already used on another order"]
        assert job.order["number"] not in json.dumps(document)
        assert job.id not in json.dumps(document)


def test_the_engineers_timeline_does_not_name_the_other_order_either(
        api, world, tmp_path, first):
    job, path, _ = first
    order, _ = second_job(api, world, tmp_path, path)
    timeline = api.order(order["id"], as_="engineer2")["timeline"]
    [attached] = [e for e in timeline if e["action"] == "photo.attach"]
    assert attached["details"]["verification"]["reasons"] == [
        "same image already used on another order"]
    assert job.order["number"] not in json.dumps(timeline)


@pytest.mark.parametrize("reader", ["supervisor", "dispatcher"])
def test_the_office_reads_which_order_has_the_same_bytes(api, world, tmp_path, first, reader):
    job, path, _ = first
    order, photo_id = second_job(api, world, tmp_path, path)
    document = api.order(order["id"], as_=reader)
    assert photo_in(document, photo_id)["verification"]["reasons"] == [
        f"same image already attached to order {job.order['number']}"]
    [attached] = [e for e in document["timeline"] if e["action"] == "photo.attach"]
    assert attached["details"]["verification"]["reasons"] == [
        f"same image already attached to order {job.order['number']}"]
    listed = api.get(f"/api/v1/workorders?engineer_id={world.ids['engineer2']}", as_=reader)
    assert photo_in(listed["items"][0], photo_id)["verification"]["reasons"] == [
        f"same image already attached to order {job.order['number']}"]


def test_the_console_shows_the_supervisor_which_order_has_the_same_bytes(
        app, api, world, tmp_path, first):
    job, path, _ = first
    order, _ = second_job(api, world, tmp_path, path)
    console = Console(app)
    assert console.login("supervisor").status_code == 303
    page = console.html(f"/supervisor/orders/{order['id']}")
    assert f"same image already attached to order {job.order['number']}" in page


def test_a_near_duplicate_of_another_orders_photo_names_it_only_to_the_office(
        api, world, tmp_path, first):
    _, original, first_photo = first
    resized = tmp_path / "resized.jpg"
    with Image.open(original) as image:
        image.resize((600, 450)).save(resized, "JPEG", quality=60,
                                      exif=exif_bytes(SHENZHEN["lat"], SHENZHEN["lon"]))
    order, photo_id = second_job(api, world, tmp_path, resized)
    engineer_view = photo_in(api.order(order["id"], as_="engineer2"), photo_id)
    assert engineer_view["verification"]["reasons"] == [
        "looks like a photo used on another order, re-encoded or resized"]
    pulled = photo_in(pulled_order(api, "engineer2", order["id"]), photo_id)
    assert first_photo not in json.dumps(pulled)
    office_view = photo_in(api.order(order["id"], as_="supervisor"), photo_id)
    assert office_view["verification"]["reasons"] == [
        f"looks like photo {first_photo} re-encoded or resized"]


def test_the_audit_queue_flags_a_near_duplicate_by_its_code(app, api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    original = make_photo(tmp_path / "o.jpg", SHENZHEN["lat"], SHENZHEN["lon"], seed=5)
    job.do("photo.attach", photo_id=new_id(), kind="before",
           sha256=upload(api, original.read_bytes(), "image/jpeg"))
    resized = tmp_path / "r.jpg"
    with Image.open(original) as image:
        image.resize((600, 450)).save(resized, "JPEG", quality=60,
                                      exif=exif_bytes(SHENZHEN["lat"], SHENZHEN["lon"]))
    job.do("photo.attach", photo_id=new_id(), kind="after",
           sha256=upload(api, resized.read_bytes(), "image/jpeg"))
    job.charge()
    assert job.sign()["status"] == "applied"
    assert job.complete()["status"] == "applied"
    console = Console(app)
    assert console.login("supervisor").status_code == 303
    assert job.order["number"] in console.html("/supervisor/?flag=near_duplicate")
