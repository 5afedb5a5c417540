"""Photo evidence on the server: verification on attach, and who may fetch which bytes."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select

from media.decode import DecodeLimits
from media.exif import read_capture_facts
from media.geofence import Geofence
from media.phash import NEAR_DUPLICATE_MAX_DISTANCE, hash_distance, perceptual_hash, phash_of
from media.store import IngestResult, MediaStore
from media.thumbnails import customer_copy, make_thumbnail, thumbnail_of
from media.verification import verify_photo
from schemas.formats import is_uuid
from server import metrics
from server.extensions import db
from server.models import PhotoRow, User, WorkOrderRow
from server.services.orders import visible_order
from sync.errors import NotFound
from sync.model import Photo, WorkOrder

# Near-duplicates are searched among photos of the same site or the same engineer from this
# far back: where a reused picture would come from, and a bound on the work per attach.
NEAR_DUPLICATE_LOOKBACK = timedelta(days=90)
_PHASH = re.compile(r"[0-9a-f]{16}")
log = logging.getLogger(__name__)


def decode_limits(config: Mapping) -> DecodeLimits:
    """The configured bounds on what an uploaded image may cost to decode."""
    return DecodeLimits(max_pixels=config["MAX_MEDIA_PIXELS"], max_side=config["MAX_MEDIA_SIDE"])


def keep_renditions(store: MediaStore, upload: IngestResult) -> None:
    """Save the thumbnail and pHash made from the upload's own decode, so none is made twice."""
    preview = upload.info.preview
    if preview is None:
        return
    try:
        if store.read_rendition(upload.sha256, "phash") is None:
            store.write_rendition(upload.sha256, "phash", phash_of(preview).encode())
        if store.read_rendition(upload.sha256, "thumbnail") is None:
            store.write_rendition(upload.sha256, "thumbnail", thumbnail_of(preview))
    # The bytes are stored and the device may now forget them: a failed shortcut must not turn
    # that into an error. Attach and the thumbnail view make what is missing from the file.
    except Exception:
        log.exception("could not keep the renditions of upload %s", upload.sha256)


def verify_attached_photo(order: WorkOrder, photo: Photo, *, store: MediaStore,
                          timezone: str, slack: timedelta, now: datetime) -> None:
    """Read the photo's EXIF, check it against the order, and record the verdict on `photo`."""
    with store.local_copy(photo.sha256) as path:  # one download when the store is remote
        # EXIF times without an offset are the site's local time (the server's zone by default).
        facts = read_capture_facts(path, order.site.get("timezone") or timezone)
        photo.phash = _perceptual_hash(store, photo.sha256, path)
    fence = _fence(json.dumps({key: order.site.get(key) for key in FENCE_KEYS}, sort_keys=True))
    start = order.start_location
    near = _near_duplicate(order, photo, now)
    verdict = verify_photo(
        facts=facts, fence=fence,
        window_start=(order.accepted_at or now) - slack,
        window_end=(order.completed_at or now) + slack,
        duplicate_of_order=_same_bytes_elsewhere(order.id, photo.sha256),
        near_duplicate_of_photo=near,
        near_duplicate_on_other_order=near not in {p.id for p in order.photos},
        start_location=(start["lat"], start["lon"]) if start else None)
    photo.taken_at = facts.taken_at
    photo.location = ({"lat": facts.location[0], "lon": facts.location[1]}
                      if facts.location else None)
    photo.verification = verdict.as_record()
    metrics.photo_verified(verdict.status)


# What of a site's document decides its fence (the cache key).
FENCE_KEYS = ("location", "geofence", "radius_m")


@functools.lru_cache(maxsize=512)
def _fence(site: str) -> Geofence:
    """A site's fence, kept: building its projection costs more than the rest of verification."""
    # pyproj's Transformer is thread-safe since 3.1, so workers' threads may share a fence.
    return Geofence.for_site(json.loads(site))


def _perceptual_hash(store: MediaStore, sha256: str, path: Path) -> str:
    """The pHash kept at upload, else (bytes stored before it was kept) computed from `path`."""
    try:
        text = (store.read_rendition(sha256, "phash") or b"").decode("ascii").strip()
    except UnicodeDecodeError:
        text = ""
    if _PHASH.fullmatch(text):
        return text
    # Older uploads were checked against the limits of their day: check them again.
    phash = perceptual_hash(path, limits=decode_limits(current_app.config))
    try:
        store.write_rendition(sha256, "phash", phash.encode())
    except Exception:  # noqa: BLE001 - only a shortcut for the next attach of these bytes
        log.warning("could not keep the pHash of %s", sha256, exc_info=True)
    return phash


def _same_bytes_elsewhere(order_id: str, sha256: str) -> str | None:
    """The number of another order that already has these exact bytes."""
    return db.session.scalar(
        select(WorkOrderRow.number).join(PhotoRow, PhotoRow.work_order_id == WorkOrderRow.id)
        .where(PhotoRow.sha256 == sha256, PhotoRow.work_order_id != order_id).limit(1))


def _near_duplicate(order: WorkOrder, photo: Photo, now: datetime) -> str | None:
    """The id of an earlier photo of the same scene (resized or re-encoded), if any."""
    own = [p for p in order.photos if p.phash and p.sha256 != photo.sha256]
    candidates = [(p.id, p.phash) for p in own]
    rows = db.session.execute(
        select(PhotoRow.id, PhotoRow.phash)
        .join(WorkOrderRow, PhotoRow.work_order_id == WorkOrderRow.id)
        .where(PhotoRow.work_order_id != order.id, PhotoRow.phash.is_not(None),
               PhotoRow.sha256 != photo.sha256,
               PhotoRow.attached_at >= now - NEAR_DUPLICATE_LOOKBACK,
               or_(WorkOrderRow.site_id == order.site["id"],
                   WorkOrderRow.assigned_engineer_id == order.assigned_engineer_id)))
    candidates.extend(rows)
    for photo_id, other in candidates:
        if hash_distance(photo.phash, other) <= NEAR_DUPLICATE_MAX_DISTANCE:
            return photo_id
    return None


def visible_photo(photo_id: str, user: User) -> PhotoRow:
    """The photo if the user may see its order (404 otherwise, as for the order itself)."""
    photo = db.session.get(PhotoRow, photo_id) if is_uuid(photo_id) else None
    if photo is None:
        raise NotFound("no such photo", code="not_found")
    visible_order(photo.work_order_id, user)
    return photo


def rendition(store: MediaStore, sha256: str, kind: str) -> bytes:
    """A rendition ("thumbnail" or "customer") of stored bytes, made once and kept."""
    kept = store.read_rendition(sha256, kind)
    if kept is not None:
        return kept
    render = make_thumbnail if kind == "thumbnail" else customer_copy
    try:
        with store.local_copy(sha256) as source:
            data = render(source, limits=decode_limits(current_app.config))
    except FileNotFoundError:
        raise NotFound("the photo's bytes are missing", code="not_found") from None
    store.write_rendition(sha256, kind, data)
    return data
