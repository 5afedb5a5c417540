"""Uploads (content-addressed) and photo renditions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Response, current_app, g, request, send_file

from media.decode import open_image
from media.formats import mime_for
from media.store import MediaStore
from server import metrics
from server.api.endpoint import ALL_ROLES, authenticate, endpoint
from server.database import writes_expected
from server.extensions import db
from server.services import photos
from sync.errors import NotFound

bp = Blueprint("media", __name__)
CHUNK = 64 * 1024
IMMUTABLE = "private, max-age=31536000, immutable"


def media_store() -> MediaStore:
    stale = timedelta(minutes=current_app.config["MEDIA_STALE_UPLOAD_MINUTES"])
    return MediaStore(Path(current_app.config["MEDIA_DIR"]), stale_part_age=stale)


@bp.before_request
def _uploads_only_read():
    # An upload's only database work is reading the caller's token. Begun as a write, that
    # read would take SQLite's write lock and keep it while the body streams in, so one slow
    # phone would stall every other engineer's push; the bytes go to disk, not the database.
    if current_app.view_functions.get(request.endpoint) is upload:
        writes_expected.set(False)


def _chunks():
    while chunk := request.stream.read(CHUNK):
        yield chunk


@endpoint(bp, "/media/<sha256>", methods=["PUT"], roles=ALL_ROLES,
          summary="Upload an image named by its SHA-256 (201 stored, 200 already there)")
def upload(sha256):
    # Checked before reading: a declared length over the limit answers 413 without a byte read.
    request.max_content_length = current_app.config["MAX_MEDIA_BYTES"]
    # Authenticated: end the read transaction and give the connection back to the pool before
    # waiting on the network, however slowly the body arrives.
    db.session.close()
    result = media_store().ingest(_chunks(), sha256,
                                  max_bytes=current_app.config["MAX_MEDIA_BYTES"],
                                  max_pixels=current_app.config["MAX_MEDIA_PIXELS"],
                                  max_side=current_app.config["MAX_MEDIA_SIDE"])
    photos.keep_renditions(media_store(), result)
    metrics.upload_accepted(result.size, result.created)
    body = {"sha256": result.sha256, "size": result.size, "mime": result.info.mime,
            "width": result.info.width, "height": result.info.height}
    return body if not result.created else (body, 201)


@bp.route("/media/<sha256>", methods=["HEAD"])
def exists(sha256):
    authenticate(ALL_ROLES)
    store = media_store()
    try:
        found = store.exists(sha256)
    except Exception:  # noqa: BLE001 - a malformed name is simply not there
        found = False
    return Response(status=200 if found else 404)


def _immutable(response: Response, etag: str) -> Response:
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(etag)
    return response.make_conditional(request)


@bp.get("/photos/<photo_id>/thumbnail")
def thumbnail(photo_id):
    authenticate(ALL_ROLES)
    photo = photos.visible_photo(photo_id, g.user)
    path = photos.derived(media_store(), photo.sha256, "thumbnail")
    return _immutable(send_file(path, mimetype="image/jpeg"), photo.sha256 + "-t")


@bp.get("/photos/<photo_id>/content")
def content(photo_id):
    authenticate(ALL_ROLES)
    photo = photos.visible_photo(photo_id, g.user)
    path = media_store().path_for(photo.sha256)
    if not path.exists():
        raise NotFound("the photo's bytes are missing", code="not_found")
    with open_image(path) as image:
        mime = mime_for(image.format) or "application/octet-stream"
    return _immutable(send_file(path, mimetype=mime), photo.sha256)
