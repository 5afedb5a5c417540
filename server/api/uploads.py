"""tus 1.0 resumable uploads (core, creation, termination, expiration) at /api/v1/uploads/.

The finished file is stored through the same MediaStore.ingest as `PUT /media/<sha256>`, under
the SHA-256 named in `Upload-Metadata`, with the same limits and decode checks.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.http import http_date

from media import tus_headers
from media.tus import Held, Upload, Uploads
from server import metrics
from server.api.endpoint import ALL_ROLES, authenticate
from server.api.media import media_store
from server.clock import utcnow
from server.database import writes_expected
from server.extensions import db
from server.services import photos
from sync.errors import DomainError, TooLarge, UnsupportedMediaType

bp = Blueprint("uploads", __name__)
CHUNK = 64 * 1024
EXTENSIONS = "creation,termination,expiration"


def upload_dir() -> Uploads:
    root = current_app.config.get("UPLOAD_DIR") or (
        Path(current_app.config["MEDIA_DIR"]).parent / "uploads")
    return Uploads(Path(root),
                   lifetime=timedelta(hours=current_app.config["UPLOAD_EXPIRY_HOURS"]))


@bp.before_request
def _protocol_and_no_write_lock():
    # The only database work here is reading the caller's token: begun as a write, that read
    # would hold SQLite's write lock while the body streams in (see the media blueprint).
    writes_expected.set(False)
    if request.method != "OPTIONS":
        tus_headers.check_version(request.headers)


@bp.after_request
def _tus_headers(response: Response) -> Response:
    response.headers["Tus-Resumable"] = tus_headers.TUS_VERSION
    if response.status_code == 412:
        response.headers["Tus-Version"] = tus_headers.TUS_VERSION
    return response


def _caller() -> str:
    """The signed-in user's id; the database connection goes back to the pool at once, so
    no transaction stays open however slowly the body arrives."""
    owner = str(authenticate(ALL_ROLES).id)
    db.session.close()
    return owner


def _max_bytes() -> int:
    return current_app.config["MAX_MEDIA_BYTES"]


def _chunks():
    while chunk := request.stream.read(CHUNK):
        yield chunk


def _state(upload: Upload, offset: int, status: int) -> Response:
    response = Response(status=status)
    response.headers["Upload-Offset"] = str(offset)
    response.headers["Cache-Control"] = "no-store"
    if not upload.complete:
        response.headers["Upload-Expires"] = http_date(upload.expires_at)
    return response


@bp.route("/uploads/", methods=["OPTIONS"])
def capabilities():
    response = Response(status=204)
    response.headers.update({"Tus-Version": tus_headers.TUS_VERSION,
                             "Tus-Extension": EXTENSIONS, "Tus-Max-Size": str(_max_bytes())})
    return response


@bp.route("/uploads/", methods=["POST"])
def create():
    owner = _caller()
    length = tus_headers.upload_length(request.headers, _max_bytes())
    sha256 = tus_headers.metadata_sha256(request.headers.get("Upload-Metadata"))
    uploads, now = upload_dir(), utcnow()
    uploads.sweep(now)
    upload = uploads.create(owner, length, sha256, now)
    response = _state(upload, 0, 201)
    response.headers["Location"] = url_for("api.uploads.offset", upload_id=upload.id)
    return response


@bp.route("/uploads/<upload_id>", methods=["HEAD"])
def offset(upload_id):
    owner = _caller()
    uploads = upload_dir()
    upload = uploads.find(upload_id, owner, utcnow())
    response = _state(upload, uploads.offset(upload), 200)
    response.headers["Upload-Length"] = str(upload.length)
    return response


@bp.route("/uploads/<upload_id>", methods=["PATCH"])
def append(upload_id):
    owner = _caller()
    if request.mimetype != tus_headers.OFFSET_CONTENT_TYPE:
        raise UnsupportedMediaType(f"send the bytes as {tus_headers.OFFSET_CONTENT_TYPE}",
                                   code="unsupported_media_type")
    start = tus_headers.upload_offset(request.headers)
    uploads, now = upload_dir(), utcnow()
    upload = uploads.find(upload_id, owner, now)
    # The app-wide cap is the JSON one; a chunked body is cut off at the media limit.
    request.max_content_length = _max_bytes()
    with uploads.hold(upload) as held:
        declared = request.content_length
        if start == held.offset and declared is not None and start + declared > upload.length:
            raise TooLarge(f"these bytes would take the upload past its {upload.length} bytes",
                           code="too_large", upload_length=upload.length)
        end = held.append(start, _chunks(), now)
        if end == held.upload.length and not held.upload.complete:
            _store(held)
        return _state(held.upload, end, 204)


def _store(held: Held) -> None:
    """Store the finished file as PUT /media would; a file it refuses is removed."""
    store = media_store()
    try:
        result = store.ingest(held.chunks(), held.upload.sha256, max_bytes=_max_bytes(),
                              max_pixels=current_app.config["MAX_MEDIA_PIXELS"],
                              max_side=current_app.config["MAX_MEDIA_SIDE"])
    except DomainError:
        held.remove()  # refused for good (wrong hash, not an image): sending it again won't help
        raise
    photos.keep_renditions(store, result)
    metrics.upload_accepted(result.size, result.created)
    held.finish()


@bp.route("/uploads/<upload_id>", methods=["DELETE"])
def terminate(upload_id):
    owner = _caller()
    uploads = upload_dir()
    upload = uploads.find(upload_id, owner, utcnow())
    with uploads.hold(upload) as held:
        held.remove()
    return Response(status=204)
