"""With FIELDSYNC_MEDIA_URL=s3://..., photos live in the bucket (moto's S3 over HTTP): upload,
attach and verification, thumbnails, originals, customer copies and signatures all work, and
nothing but empty staging is left on the server's disk."""

from __future__ import annotations

import io
from pathlib import Path

import piexif
import pytest
from PIL import Image

from tests.api import SHENZHEN
from tests.console import Console
from tests.flows import new_job, signature_png, token_of
from tests.media.photos import make_photo, sha256_of

PREFIX = "fieldsync/media"


@pytest.fixture
def s3_app(app, s3_bucket):
    app.config["MEDIA_URL"] = f"s3://{s3_bucket}/{PREFIX}"
    return app


def bucket_keys(client, bucket: str) -> set[str]:
    listing = client.list_objects_v2(Bucket=bucket, Prefix=f"{PREFIX}/")
    return {item["Key"].removeprefix(f"{PREFIX}/") for item in listing.get("Contents", [])}


def original_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def files_on_disk(app) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_upload_is_stored_in_the_bucket_once_and_head_finds_it(s3_app, api, world,
                                                                   s3_client, s3_bucket,
                                                                   tmp_path):
    data = make_photo(tmp_path / "a.jpg", SHENZHEN["lat"], SHENZHEN["lon"]).read_bytes()
    sha = sha256_of(data)
    path = f"/api/v1/media/{sha}"
    api.request("HEAD", path, as_="engineer", expect=404)
    first = api.request("PUT", path, as_="engineer", data=data, content_type="image/jpeg",
                        expect=201).get_json()
    assert (first["sha256"], first["size"], first["mime"]) == (sha, len(data), "image/jpeg")
    again = api.request("PUT", path, as_="engineer", data=data, content_type="image/jpeg",
                        expect=200).get_json()
    assert again == first
    api.request("HEAD", path, as_="engineer", expect=200)
    assert bucket_keys(s3_client, s3_bucket) == {
        original_key(sha), f"derived/phash/{sha}.txt", f"derived/thumbnail/{sha}.jpg"}
    stored = s3_client.get_object(Bucket=s3_bucket, Key=f"{PREFIX}/{original_key(sha)}")
    assert stored["Body"].read() == data and stored["ContentType"] == "image/jpeg"
    assert files_on_disk(s3_app) == []


def test_a_wrong_hash_never_reaches_the_bucket(s3_app, api, world, s3_client, s3_bucket,
                                               tmp_path):
    data = make_photo(tmp_path / "a.jpg").read_bytes()
    answer = api.request("PUT", f"/api/v1/media/{'0' * 64}", as_="engineer", data=data,
                         content_type="image/jpeg", expect=422).get_json()
    assert answer["error"]["code"] == "hash_mismatch"
    assert bucket_keys(s3_client, s3_bucket) == set()
    assert files_on_disk(s3_app) == []


def test_a_job_done_with_photos_in_the_bucket_is_verified_and_served(
        s3_app, api, world, s3_client, s3_bucket, tmp_path):
    job = new_job(api, world, tmp_path).finish()
    [photo] = api.order(job.id)["photos"]
    assert photo["verification"] == {"status": "verified", "distance_m": 0.0, "reasons": []}
    assert photo["location"] == pytest.approx(SHENZHEN, abs=1e-6)
    sha = photo["sha256"]
    original = s3_client.get_object(Bucket=s3_bucket, Key=f"{PREFIX}/{original_key(sha)}")
    original = original["Body"].read()

    content = api.request("GET", f"/api/v1/photos/{photo['id']}/content", as_="supervisor",
                          expect=200)
    assert (content.data, content.mimetype) == (original, "image/jpeg")
    assert content.headers["ETag"] == f'"{sha}"'
    thumbnail = api.request("GET", f"/api/v1/photos/{photo['id']}/thumbnail", as_="engineer",
                            expect=200)
    assert thumbnail.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumbnail.data)).size) <= 800
    for rendition in ("thumbnail", "content"):  # the order is not theirs: 404, no bytes
        api.request("GET", f"/api/v1/photos/{photo['id']}/{rendition}", as_="engineer2",
                    expect=404)

    view = api.get(f"/api/v1/public/orders/{token_of(job.order)}")
    copy = api.request("GET", view["photos"][0]["url"], expect=200)
    assert copy.mimetype == "image/jpeg"
    assert piexif.load(copy.data)["GPS"] == {} and "exif" not in Image.open(
        io.BytesIO(copy.data)).info
    assert f"derived/customer/{sha}.jpg" in bucket_keys(s3_client, s3_bucket)
    assert api.request("GET", f"/c/not-a-token/photos/{photo['id']}.jpg").status_code == 404
    assert files_on_disk(s3_app) == []


def test_the_console_shows_photos_and_the_signature_from_the_bucket(s3_app, api, world,
                                                                    tmp_path):
    job = new_job(api, world, tmp_path).finish()
    order = api.order(job.id)
    console = Console(s3_app)
    console.login("supervisor")
    signature = console.get(f"/supervisor/signoffs/{order['signoffs'][0]['id']}/signature")
    assert (signature.status_code, signature.data) == (200, signature_png())
    assert signature.mimetype == "image/png"
    full = console.get(f"/supervisor/photos/{order['photos'][0]['id']}/full")
    assert full.status_code == 200 and full.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(full.data)).format == "JPEG"
    assert files_on_disk(s3_app) == []
