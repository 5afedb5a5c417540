"""Uploads (content-addressed) and photo renditions."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request

from server import metrics
from server.api.endpoint import ALL_ROLES, authenticate, endpoint
from server.database import writes_expected
from server.extensions import db
from server.media_http import rendition_answer, stream_original
from server.media_store import media_store
from server.services import photos
from sync.errors import ValidationFailed

bp = Blueprint("media", __name__)
CHUNK = 64 * 1024
IMMUTABLE = "private, max-age=31536000, immutable"


__all__ = ["bp", "media_store"]  # media_store: the store PUT ingests into, for other uploads


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
    store = media_store()
    result = store.ingest(_chunks(), sha256,
                          max_bytes=current_app.config["MAX_MEDIA_BYTES"],
                          max_pixels=current_app.config["MAX_MEDIA_PIXELS"],
                          max_side=current_app.config["MAX_MEDIA_SIDE"])
    photos.keep_renditions(store, result)
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
    except ValidationFailed:  # a malformed name is simply not there; a store failure is a 500
        found = False
    return Response(status=200 if found else 404)


@bp.get("/photos/<photo_id>/thumbnail")
def thumbnail(photo_id):
    authenticate(ALL_ROLES)
    photo = photos.visible_photo(photo_id, g.user)
    data = photos.rendition(media_store(), photo.sha256, "thumbnail")
    return rendition_answer(data, photo.sha256 + "-t", cache_control=IMMUTABLE)


@bp.get("/photos/<photo_id>/content")
def content(photo_id):
    authenticate(ALL_ROLES)
    photo = photos.visible_photo(photo_id, g.user)
    return stream_original(media_store(), photo.sha256, cache_control=IMMUTABLE)
