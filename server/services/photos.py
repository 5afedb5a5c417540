"""Photo evidence on the server: verification on attach, and who may fetch which bytes."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select

from media.exif import read_capture_facts
from media.geofence import Geofence
from media.phash import NEAR_DUPLICATE_MAX_DISTANCE, hash_distance, perceptual_hash
from media.store import MediaStore
from media.thumbnails import customer_copy, make_thumbnail
from media.verification import verify_photo
from schemas.formats import is_uuid
from server.extensions import db
from server.models import PhotoRow, User, WorkOrderRow
from server.services.orders import visible_order
from sync.errors import NotFound
from sync.model import Photo, WorkOrder

# Near-duplicates are searched among photos of the same site or the same engineer from this
# far back: where a reused picture would come from, and a bound on the work per attach.
NEAR_DUPLICATE_LOOKBACK = timedelta(days=90)


def verify_attached_photo(order: WorkOrder, photo: Photo, *, store: MediaStore,
                          timezone: str, slack: timedelta, now: datetime) -> None:
    """Read the photo's EXIF, check it against the order, and record the verdict on `photo`."""
    path = store.path_for(photo.sha256)
    facts = read_capture_facts(path, timezone)
    fence = Geofence.for_site(order.site)
    photo.phash = perceptual_hash(path)
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


def derived(store: MediaStore, sha256: str, kind: str) -> Path:
    """A cached rendition ("thumbnail" or "customer") of stored bytes, made once."""
    target = store.root / "derived" / kind / f"{sha256}.jpg"
    if target.exists():
        return target
    source = store.path_for(sha256)
    if not source.exists():
        raise NotFound("the photo's bytes are missing", code="not_found")
    render = make_thumbnail if kind == "thumbnail" else customer_copy
    data = render(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp, target)
    return target
