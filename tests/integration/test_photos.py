"""Photo evidence through HTTP: uploads, verification on attach, serving, authorization."""

from __future__ import annotations

import io
from pathlib import Path

import piexif
import pytest
from PIL import Image

from tests import samples
from tests.api import SHENZHEN, new_id
from tests.media.photos import exif_bytes, make_photo, make_png_bomb, scene, sha256_of

FIVE_KM_NORTH = (SHENZHEN["lat"] + 0.045, SHENZHEN["lon"])  # 0.045 deg latitude ~ 4.98 km


def upload(api, data: bytes, *, as_="engineer", content_type="image/jpeg", name=None,
           expect=None):
    return api.request("PUT", f"/api/v1/media/{name or sha256_of(data)}", as_=as_,
                       expect=expect, data=data, content_type=content_type)


@pytest.fixture
def job(api, world):
    """An order the engineer has accepted and started on site; its device."""
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    device.do("workorder.start", work_order_id=order["id"],
              location={"lat": SHENZHEN["lat"], "lon": SHENZHEN["lon"], "accuracy_m": 5})
    return order, device


def attach(api, job, path: Path, kind="after", content_type="image/jpeg"):
    order, device = job
    data = path.read_bytes()
    upload(api, data, content_type=content_type)
    photo_id = new_id()
    result = device.do("photo.attach", work_order_id=order["id"], photo_id=photo_id,
                       sha256=sha256_of(data), kind=kind)
    assert result["status"] == "applied", result
    photos = {p["id"]: p for p in api.order(order["id"])["photos"]}
    return photos[photo_id]


def test_a_photo_taken_on_site_during_the_job_is_verified(api, job, tmp_path):
    photo = attach(api, job, make_photo(tmp_path / "a.jpg", SHENZHEN["lat"] + 0.0003,
                                        SHENZHEN["lon"]))
    assert photo["verification"] == {"status": "verified", "distance_m": 0.0, "reasons": []}
    assert photo["taken_at"] == "2026-11-23T02:00:00Z"
    assert photo["location"] == pytest.approx({"lat": SHENZHEN["lat"] + 0.0003,
                                               "lon": SHENZHEN["lon"]}, abs=1e-6)
    assert photo["kind"] == "after"


def test_a_photo_five_km_away_is_outside_the_geofence_with_its_distance(api, job, tmp_path):
    photo = attach(api, job, make_photo(tmp_path / "far.jpg", *FIVE_KM_NORTH))
    verification = photo["verification"]
    assert verification["status"] == "outside_geofence"
    assert verification["distance_m"] == pytest.approx(4983 - 150, rel=0.02)
    assert any("km outside the site geofence" in r for r in verification["reasons"])
    assert any("from where the job was started" in r for r in verification["reasons"])


def test_inside_the_radius_but_outside_the_site_polygon_is_outside(api, world, tmp_path):
    lat, lon = SHENZHEN["lat"], SHENZHEN["lon"]
    square = [[lon - 0.0005, lat - 0.0005], [lon + 0.0005, lat - 0.0005],
              [lon + 0.0005, lat + 0.0005], [lon - 0.0005, lat + 0.0005],
              [lon - 0.0005, lat - 0.0005]]
    site = api.post("/api/v1/sites", {"customer_id": world.customer_id, "address": "Block 8",
                                      "location": SHENZHEN,
                                      "geofence": {"type": "Polygon", "coordinates": [square]}},
                    as_="dispatcher", expect=201)
    order = api.create_order(world, site_id=site["id"])
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    photo = attach(api, (order, device), make_photo(tmp_path / "p.jpg", lat + 0.0012, lon))
    assert photo["verification"]["status"] == "outside_geofence"
    assert photo["verification"]["distance_m"] == pytest.approx(78, abs=3)


def test_a_photo_without_exif_has_no_location_and_no_time(api, job, tmp_path):
    path = tmp_path / "plain.jpg"
    scene((800, 600)).save(path, "JPEG")
    verification = attach(api, job, path)["verification"]
    assert verification["status"] == "time_mismatch"
    assert verification["distance_m"] is None
    assert verification["reasons"] == ["no capture time in EXIF", "no GPS position in EXIF"]


def test_a_three_day_old_photo_is_a_time_mismatch(api, job, tmp_path):
    path = make_photo(tmp_path / "old.jpg", SHENZHEN["lat"], SHENZHEN["lon"],
                      taken_local="2026:11:20 10:00:00")
    verification = attach(api, job, path)["verification"]
    assert verification["status"] == "time_mismatch"
    assert verification["reasons"] == [
        "taken 2026-11-20 02:00 UTC, 2 days before the job window"]  # window opens 30 min early


def test_local_time_without_an_offset_is_read_in_the_configured_zone(api, job, tmp_path):
    # 10:20 in Shanghai is 02:20 UTC, inside the job window; read as UTC it would be 8 h late.
    path = make_photo(tmp_path / "local.jpg", SHENZHEN["lat"], SHENZHEN["lon"],
                      taken_local="2026:11:23 10:20:00")
    photo = attach(api, job, path)
    assert photo["taken_at"] == "2026-11-23T02:20:00Z"
    assert photo["verification"]["status"] == "verified"


def test_an_explicit_offset_wins_over_the_configured_zone(api, job, tmp_path):
    path = make_photo(tmp_path / "utc.jpg", SHENZHEN["lat"], SHENZHEN["lon"],
                      taken_local="2026:11:23 10:00:00", offset="+00:00")
    photo = attach(api, job, path)
    assert photo["taken_at"] == "2026-11-23T10:00:00Z"
    assert photo["verification"]["status"] == "time_mismatch"


def test_the_same_bytes_on_a_second_order_are_a_duplicate(api, world, job, tmp_path):
    path = make_photo(tmp_path / "same.jpg", SHENZHEN["lat"], SHENZHEN["lon"])
    first = attach(api, job, path)
    assert first["verification"]["status"] == "verified"
    other = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=other["id"])
    second = attach(api, (other, device), path)
    assert second["verification"]["status"] == "duplicate"
    assert second["verification"]["reasons"][0] == (
        f"same image already attached to order {job[0]['number']}")


def test_the_same_scene_resized_is_flagged_as_a_near_duplicate(api, job, tmp_path):
    original = make_photo(tmp_path / "b.jpg", SHENZHEN["lat"], SHENZHEN["lon"], seed=7)
    before = attach(api, job, original, kind="before")
    resized = tmp_path / "r.jpg"
    with Image.open(original) as image:
        image.resize((600, 450)).save(resized, "JPEG", quality=60,
                                      exif=exif_bytes(SHENZHEN["lat"], SHENZHEN["lon"]))
    after = attach(api, job, resized)
    assert after["verification"]["status"] == "verified"
    assert after["verification"]["reasons"] == [
        f"looks like photo {before['id']} re-encoded or resized"]
    different = attach(api, job, make_photo(tmp_path / "d.jpg", SHENZHEN["lat"],
                                            SHENZHEN["lon"], seed=8))
    assert different["verification"]["reasons"] == []


def test_a_heic_photo_from_a_phone_is_accepted_and_verified(api, job, tmp_path):
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path = tmp_path / "phone.heic"
    scene((1024, 768)).save(path, format="HEIF",
                            exif=exif_bytes(SHENZHEN["lat"], SHENZHEN["lon"]))
    photo = attach(api, job, path, content_type="image/heic")
    assert photo["verification"]["status"] == "verified"
    content = api.request("GET", f"/api/v1/photos/{photo['id']}/content", as_="engineer",
                          expect=200)
    assert content.mimetype == "image/heic"


def test_garbage_gps_in_exif_means_no_location(api, job, tmp_path):
    garbage = {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((200, 1), (0, 1),
                                                                               (0, 1)),
               piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((1, 0), (0, 0),
                                                                                 (0, 0))}
    verification = attach(api, job, make_photo(tmp_path / "g.jpg", gps=garbage))["verification"]
    assert verification["status"] == "no_location"
    assert verification["reasons"] == ["no GPS position in EXIF"]


@pytest.mark.parametrize("sample", ["image00971.jpg", "image01551.jpg", "45-gps_ifd.jpg",
                                    "DSCN0010.jpg", "landscape_6.jpg"])
def test_real_camera_photos_with_odd_exif_are_accepted(api, job, sample):
    path = samples.sample(sample)
    verification = attach(api, job, path)["verification"]
    assert verification["status"] in ("time_mismatch", "no_location", "outside_geofence")
    assert verification["reasons"]


def test_each_attach_is_in_the_timeline_with_its_verdict(api, job, tmp_path):
    photo = attach(api, job, make_photo(tmp_path / "t.jpg", *FIVE_KM_NORTH))
    event = api.order(job[0]["id"], as_="supervisor")["timeline"][-1]
    assert event["action"] == "photo.attach"
    assert event["details"]["photo_id"] == photo["id"]
    assert event["details"]["verification"]["status"] == "outside_geofence"


def test_attach_waits_for_the_bytes_and_then_applies(api, job, tmp_path):
    order, device = job
    data = make_photo(tmp_path / "late.jpg", SHENZHEN["lat"], SHENZHEN["lon"]).read_bytes()
    mutation = device.mutation("photo.attach", work_order_id=order["id"], photo_id=new_id(),
                               sha256=sha256_of(data), kind="after")
    assert device.push(mutation)["results"][0]["error"]["code"] == "media_missing"
    upload(api, data, expect=201)
    assert device.push(mutation)["results"][0]["status"] == "applied"


# --- uploads -------------------------------------------------------------------------------

def test_an_upload_is_stored_once_and_head_finds_it(api, world, tmp_path):
    data = make_photo(tmp_path / "u.jpg", SHENZHEN["lat"], SHENZHEN["lon"]).read_bytes()
    name = sha256_of(data)
    api.request("HEAD", f"/api/v1/media/{name}", as_="engineer", expect=404)
    first = upload(api, data, expect=201).get_json()
    assert first == {"sha256": name, "size": len(data), "mime": "image/jpeg", "width": 1200,
                     "height": 900}
    upload(api, data, expect=200)
    api.request("HEAD", f"/api/v1/media/{name}", as_="engineer", expect=200)


def stored_files(app) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def truncated_jpeg(tmp_path) -> bytes:
    data = make_photo(tmp_path / "whole.jpg").read_bytes()
    return data[: len(data) // 2]


def html() -> bytes:
    return b"<!doctype html><html><script>alert(1)</script></html>"


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'


@pytest.mark.parametrize("make, content_type, status, code", [
    (lambda tmp: html(), "image/jpeg", 415, "unsupported_media_type"),
    (lambda tmp: svg(), "image/svg+xml", 415, "unsupported_media_type"),
    (truncated_jpeg, "image/jpeg", 422, "invalid_image"),
    (lambda tmp: make_png_bomb(tmp / "bomb.png").read_bytes(), "image/png", 413,
     "too_many_pixels"),
    (lambda tmp: _gif(), "image/gif", 415, "unsupported_media_type"),
])
def test_bad_uploads_are_refused_with_nothing_stored(api, world, app, tmp_path, make,
                                                     content_type, status, code):
    answer = upload(api, make(tmp_path), content_type=content_type, expect=status).get_json()
    assert answer["error"]["code"] == code
    assert stored_files(app) == []


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


def test_a_wrong_hash_is_refused(api, world, app, tmp_path):
    data = make_photo(tmp_path / "h.jpg").read_bytes()
    answer = upload(api, data, name="a" * 64, expect=422).get_json()
    assert answer["error"]["code"] == "hash_mismatch"
    assert stored_files(app) == []


def test_a_body_over_the_byte_limit_is_refused(api, world, app):
    app.config["MAX_MEDIA_BYTES"] = 100_000
    answer = upload(api, b"\xff\xd8" + b"\0" * 200_000, expect=413).get_json()
    assert answer["error"]["code"] == "too_large"
    assert stored_files(app) == []


def test_an_upload_needs_a_token(api, world, tmp_path):
    data = make_photo(tmp_path / "x.jpg").read_bytes()
    assert upload(api, data, as_=None, expect=401).get_json()["error"]["code"] == "missing_token"


# --- serving --------------------------------------------------------------------------------

def test_thumbnails_are_small_upright_and_cacheable(api, job):
    path = samples.sample("landscape_6.jpg")
    photo = attach(api, job, path)
    response = api.request("GET", f"/api/v1/photos/{photo['id']}/thumbnail", as_="engineer",
                           expect=200)
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (600, 450)  # stored 450 x 600 with orientation 6
    assert max(image.size) <= 800
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    assert "exif" not in image.info
    again = api.client.get(f"/api/v1/photos/{photo['id']}/thumbnail",
                           headers={**api.headers("engineer"),
                                    "If-None-Match": response.headers["ETag"]},
                           buffered=True)
    assert again.status_code == 304


def test_the_original_is_kept_byte_for_byte_as_evidence(api, job, tmp_path):
    path = make_photo(tmp_path / "o.jpg", SHENZHEN["lat"], SHENZHEN["lon"])
    photo = attach(api, job, path)
    response = api.request("GET", f"/api/v1/photos/{photo['id']}/content", as_="supervisor",
                           expect=200)
    assert response.data == path.read_bytes()
    assert response.mimetype == "image/jpeg"


def test_another_engineer_gets_404_for_the_photo(api, job, tmp_path):
    photo = attach(api, job, make_photo(tmp_path / "s.jpg", SHENZHEN["lat"], SHENZHEN["lon"]))
    for rendition in ("thumbnail", "content"):
        answer = api.request("GET", f"/api/v1/photos/{photo['id']}/{rendition}",
                             as_="engineer2", expect=404).get_json()
        assert answer["error"]["code"] == "not_found"
    api.request("GET", "/api/v1/photos/not-a-uuid/content", as_="engineer", expect=404)
