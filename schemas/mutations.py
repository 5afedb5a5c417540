"""Arguments of each sync mutation. Validated on the device before queueing and on the server."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from schemas.common import DecimalValue, LocationSchema, Sha256, Text, UuidStr
from schemas.limits import MAX_ORDER_TOTAL, MAX_PRICE, MAX_QUANTITY

CHARGE_KINDS = ("part", "labour", "callout", "travel", "other")
PHOTO_KINDS = ("before", "after", "serial", "other")
FAILURE_REASONS = ("customer_absent", "no_access", "parts_missing", "customer_declined",
                   "wrong_diagnosis", "other")


class OrderArgs(Schema):
    work_order_id = UuidStr(required=True)


class StartLocationSchema(LocationSchema):
    accuracy_m = fields.Float(validate=validate.Range(0, 100000), allow_nan=False)


class StartArgs(OrderArgs):
    location = fields.Nested(StartLocationSchema)


class NoteArgs(OrderArgs):
    text = Text(required=True, validate=validate.Length(1, 4000))


class ChargeAddArgs(OrderArgs):
    charge_id = UuidStr(required=True)
    quantity = DecimalValue(required=True, places=3, low=Decimal("0.001"), high=MAX_QUANTITY)
    catalog_code = Text(validate=validate.Length(1, 64))
    kind = Text(validate=validate.OneOf(["other"]))
    description = Text(validate=validate.Length(1, 500))
    unit = Text(validate=validate.Length(1, 32))
    unit_price = DecimalValue(places=4, low=Decimal(0), high=MAX_PRICE)
    tax_rate = DecimalValue(places=4, low=Decimal(0), high=Decimal(1))

    @validates_schema
    def catalog_or_ad_hoc(self, data, **kwargs):
        ad_hoc_fields = ("kind", "description", "unit_price", "tax_rate")
        if "catalog_code" in data:
            extra = [name for name in ad_hoc_fields + ("unit",) if name in data]
            if extra:
                raise ValidationError(
                    "price, unit and tax come from the catalog, never from the device",
                    extra[0])
            return
        missing = [name for name in ad_hoc_fields if name not in data]
        if missing:
            raise ValidationError(
                {name: ["Required for an ad-hoc line (or give catalog_code)."]
                 for name in missing})


class ChargeRemoveArgs(OrderArgs):
    charge_id = UuidStr(required=True)


class PhotoAttachArgs(OrderArgs):
    photo_id = UuidStr(required=True)
    sha256 = Sha256(required=True)
    kind = Text(required=True, validate=validate.OneOf(PHOTO_KINDS))
    caption = Text(validate=validate.Length(max=500))


class SignoffCaptureArgs(OrderArgs):
    signoff_id = UuidStr(required=True)
    signer_name = Text(required=True, validate=validate.Length(1, 200))
    signature_sha256 = Sha256(required=True)
    charges_digest = Sha256(required=True)
    total = DecimalValue(required=True, places=4, low=Decimal(0), high=MAX_ORDER_TOTAL)


class FailVisitArgs(OrderArgs):
    reason = Text(required=True, validate=validate.OneOf(FAILURE_REASONS))
    note = Text(validate=validate.Length(1, 4000))
    location = fields.Nested(StartLocationSchema)
class KbUsedArgs(OrderArgs):
    article_id = UuidStr(required=True)


ARGS_SCHEMAS: dict[str, type[Schema]] = {
    "workorder.accept": OrderArgs,
    "workorder.start": StartArgs,
    "workorder.note": NoteArgs,
    "workorder.complete": OrderArgs,
    "charge.add": ChargeAddArgs,
    "charge.remove": ChargeRemoveArgs,
    "photo.attach": PhotoAttachArgs,
    "signoff.capture": SignoffCaptureArgs,
    "workorder.fail_visit": FailVisitArgs,
    "kb.used": KbUsedArgs,
}
