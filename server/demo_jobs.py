"""Demo jobs done through the real push path, so the console has completions to audit."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import piexif
from PIL import Image, ImageDraw

from media.store import MediaStore
from server.models import User, WorkOrderRow
from server.services.customers_public import rate
from server.services.orders_repo import to_aggregate
from server.services.sync_store import push_from_device
from sync.digest import charges_digest
from sync.money import money_str, totals

FIVE_KM = 0.045  # degrees of latitude


def _photo(lat: float, lon: float, taken: datetime, seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (1024, 768), tuple(rng.randrange(60, 200) for _ in "RGB"))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y = rng.randrange(1024), rng.randrange(768)
        draw.rectangle([x, y, x + rng.randrange(40, 300), y + rng.randrange(40, 200)],
                       fill=tuple(rng.randrange(256) for _ in "RGB"))

    def dms(value: float):
        seconds = round(abs(value) * 3600 * 100)
        return ((seconds // 360000, 1), ((seconds // 6000) % 60, 1), (seconds % 6000, 100))

    exif = piexif.dump({"0th": {piexif.ImageIFD.Make: b"FieldSync demo"}, "Exif": {
        piexif.ExifIFD.DateTimeOriginal: taken.strftime("%Y:%m:%d %H:%M:%S").encode(),
        piexif.ExifIFD.OffsetTimeOriginal: taken.strftime("%z")[:3].encode() + b":"
        + taken.strftime("%z")[3:].encode()}, "GPS": {
        piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: dms(lat),
        piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: dms(lon)}})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def _signature() -> bytes:
    image = Image.new("RGB", (360, 120), "white")
    ImageDraw.Draw(image).line([(20, 90), (90, 30), (170, 85), (330, 35)], fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _store(store: MediaStore, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    store.ingest([data], sha, max_bytes=25_000_000, max_pixels=50_000_000)
    return sha


def complete_job(row: WorkOrderRow, engineer: User, store: MediaStore, now: datetime, *,
                 far_photo: bool, ad_hoc: bool, timezone: str) -> dict:
    """Accept, start, charge, photograph, sign and complete `row` as `engineer`'s device would."""
    site, local = row.site, now.astimezone(ZoneInfo(timezone))
    lat = site.lat + (FIVE_KM if far_photo else 0.0002)
    photo = _store(store, _photo(lat, site.lon, local, seed=hash(row.id) % 1000))
    signature = _store(store, _signature())
    charges = [("LAB-1H", "1.5"), ("AC-FILTER", "1")]
    mutations = [("workorder.accept", {}),
                 ("workorder.start", {"location": {"lat": site.lat, "lon": site.lon,
                                                   "accuracy_m": 12}})]
    mutations += [("charge.add", {"charge_id": str(uuid.uuid4()), "quantity": quantity,
                                  "catalog_code": code}) for code, quantity in charges]
    if ad_hoc:
        mutations.append(("charge.add", {"charge_id": str(uuid.uuid4()), "quantity": "1",
                                         "kind": "other", "description": "Extra hose, 2 m",
                                         "unit_price": "35", "tax_rate": "0.13"}))
    mutations.append(("photo.attach", {"photo_id": str(uuid.uuid4()), "sha256": photo,
                                       "kind": "after"}))
    body = {"client_id": str(uuid.uuid4()), "mutations": [
        {"seq": seq, "id": str(uuid.uuid4()), "name": name,
         "args": {"work_order_id": row.id, **args}, "client_time": local.isoformat()}
        for seq, (name, args) in enumerate(mutations, start=1)]}
    _push(engineer, body, store, now, timezone)
    order = to_aggregate(row)
    seq = len(mutations)
    signoff = {"signoff_id": str(uuid.uuid4()), "signer_name": row.customer.name,
               "signature_sha256": signature,
               "charges_digest": charges_digest(order.currency, order.charges),
               "total": money_str(totals(order.charges, order.currency).total, order.currency)}
    body["mutations"] = [
        {"seq": seq + 1, "id": str(uuid.uuid4()), "name": "signoff.capture",
         "args": {"work_order_id": row.id, **signoff}, "client_time": local.isoformat()},
        {"seq": seq + 2, "id": str(uuid.uuid4()), "name": "workorder.complete",
         "args": {"work_order_id": row.id}, "client_time": local.isoformat()}]
    return _push(engineer, body, store, now, timezone)


def _push(engineer, body, store, now, timezone) -> dict:
    return push_from_device(engineer, "demo-tablet", body, now=now, store=store,
                            timezone=timezone, photo_slack=timedelta(minutes=30))


def rate_job(row: WorkOrderRow, stars: int, tags: list[str], comment: str | None,
             now: datetime) -> None:
    rate(row, {"stars": stars, "tags": tags, **({"comment": comment} if comment else {})}, now)
