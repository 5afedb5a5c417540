"""Whole jobs done through the API, for tests that start from a completed order."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from tests.api import SHENZHEN, Api, Device, new_id
from tests.media.photos import make_photo, sha256_of


def signature_png() -> bytes:
    image = Image.new("RGB", (400, 150), "white")
    ImageDraw.Draw(image).line([(20, 120), (120, 30), (220, 110), (380, 40)], fill="black",
                               width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def upload(api: Api, data: bytes, content_type: str, as_: str = "engineer") -> str:
    name = sha256_of(data)
    api.request("PUT", f"/api/v1/media/{name}", as_=as_, data=data, content_type=content_type)
    return name


class Job:
    """One order worked by one device, step by step."""

    def __init__(self, api: Api, order: dict, device: Device, tmp: Path):
        self.api, self.order, self.device, self.tmp = api, order, device, tmp
        self.id = order["id"]

    def do(self, name: str, **args) -> dict:
        return self.device.do(name, work_order_id=self.id, **args)

    def start(self) -> Job:
        self.do("workorder.accept")
        self.do("workorder.start", location={**SHENZHEN, "accuracy_m": 5})
        return self

    def charge(self, code: str = "LAB-1H", quantity="1.5") -> str:
        charge_id = new_id()
        assert self.do("charge.add", charge_id=charge_id, quantity=quantity,
                       catalog_code=code)["status"] == "applied"
        return charge_id

    def photo(self, kind: str = "after") -> dict:
        path = make_photo(self.tmp / f"{new_id()}.jpg", SHENZHEN["lat"], SHENZHEN["lon"])
        sha = upload(self.api, path.read_bytes(), "image/jpeg")
        return self.do("photo.attach", photo_id=new_id(), sha256=sha, kind=kind)

    def sign(self, signer: str = "Huang Min", digest: str | None = None,
             total: str | None = None) -> dict:
        current = self.api.order(self.id)
        sha = upload(self.api, signature_png(), "image/png")
        return self.do("signoff.capture", signoff_id=new_id(), signer_name=signer,
                       signature_sha256=sha,
                       charges_digest=digest or current["charges_digest"],
                       total=total or current["totals"]["total"])

    def complete(self) -> dict:
        return self.do("workorder.complete")

    def finish(self) -> Job:
        """Start, charge, photograph, sign and complete."""
        self.start()
        self.charge("LAB-1H", "1.5")
        self.charge("AC-FILTER", "2")
        assert self.photo()["status"] == "applied"
        assert self.sign()["status"] == "applied"
        assert self.complete()["status"] == "applied"
        return self


def new_job(api: Api, world, tmp: Path, **order) -> Job:
    return Job(api, api.create_order(world, **order), api.device(), tmp)


def token_of(order: dict) -> str:
    return order["customer_url"].rsplit("/", 1)[1]
