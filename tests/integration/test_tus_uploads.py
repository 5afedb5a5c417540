"""tus 1.0 resumable uploads over HTTP: creation, offsets, resuming, the final store (as a PUT
would), ownership, expiry and hostile headers, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.api import SHENZHEN, Api, new_id
from tests.media.photos import make_photo, sha256_of
from tests.openapi_check import check_response

UPLOADS = "/api/v1/uploads/"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def tus(api: Api, method: str, path: str, *, as_: str | None = "engineer",
        headers: dict | None = None, data: bytes | None = None, expect: int | None = None):
    """One tus request: `Tus-Resumable` and the bearer token unless `headers` drop them
    (a value of None removes a header)."""
    sent = {"Tus-Resumable": "1.0.0", **api.headers(as_), **(headers or {})}
    sent = {name: value for name, value in sent.items() if value is not None}
    response = api.client.open(path, method=method, headers=sent, data=data, buffered=True)
    check_response(response)
    if expect is not None:
        assert response.status_code == expect, (response.status_code,
                                                response.get_data(as_text=True)[:500])
    return response


def create(api: Api, length: int, sha256: str, *, as_="engineer", expect=201) -> str:
    response = tus(api, "POST", UPLOADS, as_=as_, expect=expect, headers={
        "Upload-Length": str(length), "Upload-Metadata": f"sha256 {b64(sha256)},filename "
                                                          f"{b64('after.jpg')}"})
    return response.headers.get("Location")


def patch(api: Api, location: str, offset: int, data: bytes, *, as_="engineer", expect=204,
          content_type="application/offset+octet-stream"):
    return tus(api, "PATCH", location, as_=as_, expect=expect, data=data,
               headers={"Upload-Offset": str(offset), "Content-Type": content_type})


def offset_of(api: Api, location: str, *, as_="engineer", expect=200) -> int | None:
    value = tus(api, "HEAD", location, as_=as_, expect=expect).headers.get("Upload-Offset")
    return None if value is None else int(value)


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def leftovers(app) -> list[str]:
    root = Path(app.config["MEDIA_DIR"]).parent / "uploads"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


@pytest.fixture(autouse=True)
def users(world):
    """Every test here has the two engineers (and the office) signed in."""
    return world


@pytest.fixture
def photo(tmp_path) -> bytes:
    return make_photo(tmp_path / "after.jpg", SHENZHEN["lat"] + 0.0002,
                      SHENZHEN["lon"]).read_bytes()


@pytest.fixture
def job(api, world):
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    return order, device


@contextmanager
def restarted(app) -> Iterator[Api]:
    """A second server process on the same database and directories (its pool closed after)."""
    from server import create_app
    from server.extensions import db

    keys = ("SQLALCHEMY_DATABASE_URI", "TESTING", "MEDIA_DIR", "SECRET_KEY", "PUBLIC_URL",
            "CLOCK", "PASSWORD_HASH_METHOD")
    second = create_app({key: app.config[key] for key in keys})
    try:
        yield Api(second)
    finally:
        with second.app_context():
            db.session.remove()
            db.engine.dispose()


def test_options_advertises_the_version_extensions_and_the_media_limit(api, app):
    response = tus(api, "OPTIONS", UPLOADS, as_=None, headers={"Tus-Resumable": None},
                   expect=204)
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {
        "creation", "termination", "expiration"}
    assert int(response.headers["Tus-Max-Size"]) == app.config["MAX_MEDIA_BYTES"]


def test_an_upload_sent_in_pieces_across_a_restart_is_stored_and_attaches(api, app, world, job,
                                                                          photo):
    sha = sha256_of(photo)
    location = create(api, len(photo), sha)
    assert location.startswith(UPLOADS)
    assert offset_of(api, location) == 0
    third = len(photo) // 3
    answer = patch(api, location, 0, photo[:third])
    assert answer.headers["Upload-Offset"] == str(third)
    assert "Upload-Expires" in answer.headers and answer.headers["Tus-Resumable"] == "1.0.0"

    with restarted(app) as again:
        again.tokens = api.tokens
        assert offset_of(again, location) == third
        patch(again, location, third, photo[third:2 * third])
        assert api.request("HEAD", f"/api/v1/media/{sha}", as_="engineer").status_code == 404
        done = patch(again, location, 2 * third, photo[2 * third:])
    assert done.headers["Upload-Offset"] == str(len(photo))

    stored = Path(app.config["MEDIA_DIR"]) / sha[:2] / sha[2:4] / sha
    assert stored.read_bytes() == photo
    # A client whose last answer was lost hears that everything arrived.
    assert offset_of(api, location) == len(photo)
    assert [name for name in leftovers(app) if name.endswith(".bin")] == []
    order, device = job
    photo_id = new_id()
    result = device.do("photo.attach", work_order_id=order["id"], photo_id=photo_id,
                       sha256=sha, kind="after")
    assert result["status"] == "applied", result
    assert photo_id in [p["id"] for p in api.order(order["id"])["photos"]]


def test_bytes_that_do_not_match_the_sha256_are_refused_and_the_partial_removed(api, app,
                                                                               photo):
    claimed = sha256_of(photo + b"!")
    location = create(api, len(photo), claimed)
    patch(api, location, 0, photo[:1000])
    refused = patch(api, location, 1000, photo[1000:], expect=422)
    assert refused.get_json()["error"]["code"] == "hash_mismatch"
    assert refused.get_json()["error"]["details"]["actual_sha256"] == sha256_of(photo)
    assert leftovers(app) == []
    offset_of(api, location, expect=404)
    api.request("HEAD", f"/api/v1/media/{claimed}", as_="engineer", expect=404)


def test_a_file_that_is_not_an_image_is_refused_as_a_put_would_and_removed(api, app):
    data = os.urandom(5000)
    location = create(api, len(data), sha256_of(data))
    refused = patch(api, location, 0, data, expect=415)
    assert error_code(refused) == "unsupported_media_type"
    assert leftovers(app) == []


def test_a_patch_at_the_wrong_offset_is_409_and_changes_nothing(api, photo):
    location = create(api, len(photo), sha256_of(photo))
    patch(api, location, 0, photo[:100])
    for wrong in (0, 50, 101):
        conflict = patch(api, location, wrong, photo[wrong:wrong + 10], expect=409)
        assert error_code(conflict) == "offset_mismatch"
        assert conflict.get_json()["error"]["details"]["offset"] == 100
    assert offset_of(api, location) == 100


def test_another_users_upload_is_not_found_and_left_alone(api, world, photo):
    location = create(api, len(photo), sha256_of(photo))
    patch(api, location, 0, photo[:100])
    offset_of(api, location, as_="engineer2", expect=404)
    assert error_code(patch(api, location, 100, photo[100:200], as_="engineer2",
                            expect=404)) == "not_found"
    tus(api, "DELETE", location, as_="engineer2", expect=404)
    assert offset_of(api, location) == 100


def test_an_upload_over_the_media_limit_is_refused_at_creation(api, app):
    limit = app.config["MAX_MEDIA_BYTES"]
    refused = tus(api, "POST", UPLOADS, expect=413, headers={
        "Upload-Length": str(limit + 1), "Upload-Metadata": f"sha256 {b64('a' * 64)}"})
    assert error_code(refused) == "too_large"
    create(api, limit, "a" * 64)  # exactly the limit is allowed


def test_bytes_past_the_declared_length_are_refused_and_none_written(api, app):
    location = create(api, 10, "b" * 64)
    assert error_code(patch(api, location, 0, b"x" * 11, expect=413)) == "too_large"
    patch(api, location, 0, b"x" * 4)
    patch(api, location, 4, b"x" * 7, expect=413)
    assert offset_of(api, location) == 4


def test_an_expired_upload_answers_410_then_is_gone(api, app, clock, photo):
    hours = app.config["UPLOAD_EXPIRY_HOURS"]
    location = create(api, len(photo), sha256_of(photo))
    clock.advance(hours=hours - 1)
    patch(api, location, 0, photo[:100])  # a byte received moves the expiry on
    clock.advance(hours=hours - 1)
    assert offset_of(api, location) == 100
    clock.advance(hours=2)
    assert error_code(patch(api, location, 100, photo[100:200], expect=410)) == \
        "upload_expired"
    offset_of(api, location, expect=404)
    assert leftovers(app) == []


def test_a_new_upload_sweeps_expired_ones_of_anyone(api, app, clock, world, photo):
    create(api, len(photo), sha256_of(photo), as_="engineer2")
    clock.advance(hours=app.config["UPLOAD_EXPIRY_HOURS"] + 1)
    fresh = create(api, len(photo), sha256_of(photo))
    assert leftovers(app) == sorted([f"{fresh.rsplit('/', 1)[1]}.bin",
                                     f"{fresh.rsplit('/', 1)[1]}.json"])


def test_delete_terminates_an_upload_and_removes_its_bytes(api, app, photo):
    location = create(api, len(photo), sha256_of(photo))
    patch(api, location, 0, photo[:100])
    tus(api, "DELETE", location, expect=204)
    offset_of(api, location, expect=404)
    patch(api, location, 100, photo[100:], expect=404)
    assert leftovers(app) == []


SHA = "c" * 64


@pytest.mark.parametrize(("headers", "status", "code"), [
    ({"Upload-Length": "-1"}, 400, "invalid_upload_length"),
    ({"Upload-Length": "1e6"}, 400, "invalid_upload_length"),
    ({"Upload-Length": "9" * 40}, 400, "invalid_upload_length"),
    ({"Upload-Length": "99999999999999999999"}, 413, "too_large"),
    ({"Upload-Length": ""}, 400, "invalid_upload_length"),
    ({"Upload-Length": "0"}, 422, "validation_error"),
    ({"Upload-Length": None}, 400, "missing_upload_length"),
    ({"Upload-Length": None, "Upload-Defer-Length": "1"}, 400, "defer_length_unsupported"),
    ({"Upload-Metadata": "sha256 !!notbase64!!"}, 400, "invalid_upload_metadata"),
    ({"Upload-Metadata": f"sha256 {b64(SHA)[:-2]}"}, 400, "invalid_upload_metadata"),
    ({"Upload-Metadata": f"sha256 {b64(SHA)},sha256 {b64(SHA)}"}, 400,
     "invalid_upload_metadata"),
    ({"Upload-Metadata": f"sha256 {b64(SHA)} extra"}, 400, "invalid_upload_metadata"),
    ({"Upload-Metadata": "sha256"}, 422, "invalid_sha256"),
    ({"Upload-Metadata": f"sha256 {b64(SHA.upper())}"}, 422, "invalid_sha256"),
    ({"Upload-Metadata": f"sha256 {base64.b64encode(bytes(range(200, 255))).decode()}"}, 422,
     "invalid_sha256"),
    ({"Upload-Metadata": f"filename {b64('a.jpg')}"}, 422, "validation_error"),
    ({"Upload-Metadata": None}, 422, "validation_error"),
    ({"Tus-Resumable": None}, 412, "tus_version_unsupported"),
    ({"Tus-Resumable": "0.2.2"}, 412, "tus_version_unsupported"),
    ({"Authorization": None}, 401, "missing_token"),
    ({"Authorization": "Bearer nope"}, 401, "invalid_token"),
])
def test_hostile_creation_headers_get_clear_errors(api, world, headers, status, code):
    sent = {"Upload-Length": "100", "Upload-Metadata": f"sha256 {b64(SHA)}", **headers}
    response = tus(api, "POST", UPLOADS, headers=sent, expect=status)
    assert error_code(response) == code
    if status == 412:
        assert response.headers["Tus-Version"] == "1.0.0"


@pytest.mark.parametrize(("headers", "status", "code"), [
    ({"Upload-Offset": "-5"}, 400, "invalid_upload_offset"),
    ({"Upload-Offset": "x"}, 400, "invalid_upload_offset"),
    ({"Upload-Offset": None}, 400, "missing_upload_offset"),
    ({"Upload-Offset": "9" * 20}, 409, "offset_mismatch"),
    ({"Content-Type": "application/octet-stream"}, 415, "unsupported_media_type"),
    ({"Content-Type": None}, 415, "unsupported_media_type"),
    ({"Tus-Resumable": None}, 412, "tus_version_unsupported"),
])
def test_hostile_patch_headers_get_clear_errors(api, headers, status, code):
    location = create(api, 100, SHA)
    sent = {"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", **headers}
    response = tus(api, "PATCH", location, headers=sent, data=b"x" * 10, expect=status)
    assert error_code(response) == code
    assert offset_of(api, location) == 0


@pytest.mark.parametrize("upload_id", ["../../secret_key", "0" * 32, "A" * 32, "x"])
def test_an_unknown_or_malformed_upload_id_is_not_found(api, upload_id):
    offset_of(api, UPLOADS + upload_id, expect=404)
    patch(api, UPLOADS + upload_id, 0, b"x", expect=404)
