"""Images that would be costly to decode are refused at upload (413), never a 500 later."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from media.stores.directory import DirectoryStore
from tests.api import SHENZHEN, new_id
from tests.media.hostile import flat_png, heic_claiming, jpeg_without_its_data, long_png
from tests.media.photos import exif_bytes, make_photo, sha256_of

HOSTILE = [
    ("png 1 x 50,000,000", lambda p: long_png(p / "a.png", 1, 50_000_000), "image/png",
     "side_too_long"),
    ("png of one colour", lambda p: flat_png(p / "a.png", (2500, 2000)), "image/png",
     "too_many_pixels_for_size"),
    ("jpeg headers claiming 7000 x 7000", lambda p: jpeg_without_its_data(p / "a.jpg",
                                                                          (7000, 7000)),
     "image/jpeg", "too_many_pixels_for_size"),
    ("heic claiming 7000 x 7000", lambda p: heic_claiming(p / "a.heic", (7000, 7000)),
     "image/heic", "too_many_pixels_for_size"),
]


def upload(api, data: bytes, content_type: str, expect: int):
    return api.request("PUT", f"/api/v1/media/{sha256_of(data)}", as_="engineer",
                       expect=expect, data=data, content_type=content_type).get_json()


def stored_files(app) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("make, content_type, code", [h[1:] for h in HOSTILE],
                         ids=[h[0] for h in HOSTILE])
def test_a_small_file_claiming_a_costly_decode_is_refused_with_nothing_stored(
        api, world, app, tmp_path, make, content_type, code):
    data = make(tmp_path).read_bytes()
    answer = upload(api, data, content_type, expect=413)
    assert answer["error"]["code"] == code
    assert {"width", "height"} <= set(answer["error"]["details"])
    assert stored_files(app) == []


def test_the_longest_side_is_a_setting(api, world, app, tmp_path):
    app.config["MAX_MEDIA_SIDE"] = 1000
    data = make_photo(tmp_path / "a.jpg", size=(1200, 900)).read_bytes()
    answer = upload(api, data, "image/jpeg", expect=413)
    assert answer["error"] == {
        "code": "side_too_long",
        "message": "The image is 1200x900 pixels; at most 1000 pixels a side are accepted.",
        "details": {"width": 1200, "height": 900, "max_side": 1000}}
    app.config["MAX_MEDIA_SIDE"] = 1200
    assert upload(api, data, "image/jpeg", expect=201)["width"] == 1200


def test_attaching_bytes_stored_before_the_limits_is_refused_and_the_batch_goes_on(
        api, world, app, tmp_path):
    # Bytes accepted under older, looser limits: attaching them must not cost the worker its
    # memory (nor answer 500 and block the device's outbox); the mutation is refused instead.
    old = long_png(tmp_path / "old.png", 20_000, 1)
    sha256 = sha256_of(old)
    DirectoryStore(Path(app.config["MEDIA_DIR"])).ingest(
        [old.read_bytes()], sha256, max_bytes=10**8, max_pixels=10**9, max_side=10**9)
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    device.do("workorder.start", work_order_id=order["id"],
              location={**SHENZHEN, "accuracy_m": 5})
    answer = device.push(
        device.mutation("photo.attach", work_order_id=order["id"], photo_id=new_id(),
                        sha256=sha256, kind="after"),
        device.mutation("workorder.note", work_order_id=order["id"], text="after the photo"))
    assert [r["status"] for r in answer["results"]] == ["rejected", "applied"]
    assert answer["results"][0]["error"]["code"] == "side_too_long"
    assert api.order(order["id"])["photos"] == []


def test_an_upload_keeps_the_thumbnail_its_decode_made(api, world, app, tmp_path):
    data = make_photo(tmp_path / "a.jpg", size=(2400, 1800)).read_bytes()
    upload(api, data, "image/jpeg", expect=201)
    kept = Path(app.config["MEDIA_DIR"]) / "derived" / "thumbnail" / f"{sha256_of(data)}.jpg"
    assert kept.is_file()


def test_a_photo_stored_before_hashes_were_kept_is_still_found_as_a_near_duplicate(
        api, world, app, tmp_path):
    # Bytes stored by an older release have no kept pHash: attach computes it from the file.
    original = make_photo(tmp_path / "old.jpg", SHENZHEN["lat"], SHENZHEN["lon"], seed=7,
                          size=(2400, 1800))
    DirectoryStore(Path(app.config["MEDIA_DIR"])).ingest(
        [original.read_bytes()], sha256_of(original), max_bytes=10**8, max_pixels=10**8)
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    before_id, after_id = new_id(), new_id()
    assert device.do("photo.attach", work_order_id=order["id"], photo_id=before_id,
                     sha256=sha256_of(original), kind="before")["status"] == "applied"
    copy = tmp_path / "copy.jpg"
    with Image.open(original) as image:
        image.resize((800, 600)).save(copy, "JPEG", quality=60,
                                      exif=exif_bytes(SHENZHEN["lat"], SHENZHEN["lon"]))
    upload(api, copy.read_bytes(), "image/jpeg", expect=201)
    assert device.do("photo.attach", work_order_id=order["id"], photo_id=after_id,
                     sha256=sha256_of(copy), kind="after")["status"] == "applied"
    after = {p["id"]: p for p in api.order(order["id"])["photos"]}[after_id]
    assert after["verification"]["reasons"] == [
        f"looks like photo {before_id} re-encoded or resized"]


def test_an_upload_whose_renditions_cannot_be_kept_is_still_stored_and_attachable(
        api, world, app, tmp_path):
    media = Path(app.config["MEDIA_DIR"])
    media.mkdir(parents=True, exist_ok=True)
    (media / "derived").write_text("a file where the renditions' folder would go")
    path = make_photo(tmp_path / "a.jpg", SHENZHEN["lat"], SHENZHEN["lon"])
    upload(api, path.read_bytes(), "image/jpeg", expect=201)
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    result = device.do("photo.attach", work_order_id=order["id"], photo_id=new_id(),
                       sha256=sha256_of(path), kind="after")
    assert result["status"] == "applied"
    assert api.order(order["id"])["photos"][0]["verification"]["status"] == "verified"
