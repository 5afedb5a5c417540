"""The work order document, as answered by GETs and pulls (documentation and response checks)."""

from __future__ import annotations

from marshmallow import Schema, fields

from schemas.common import Text, UuidStr


class ChargeOutputSchema(Schema):
    id = UuidStr(required=True)
    kind = Text(required=True)
    catalog_code = Text(allow_none=True, required=True)
    description = Text(required=True)
    quantity = Text(required=True)
    unit = Text(required=True)
    unit_price = Text(required=True)
    tax_rate = Text(required=True)
    amount = Text(required=True)
    tax = Text(required=True)
    priced_at = Text(allow_none=True, metadata={
        "description": "the instant whose catalog price version the line carries"})


class TotalsSchema(Schema):
    subtotal = Text(required=True)
    tax = Text(required=True)
    total = Text(required=True)


class VerificationSchema(Schema):
    status = Text(required=True)
    distance_m = fields.Float(allow_none=True)
    reasons = fields.List(Text())


class PhotoOutputSchema(Schema):
    id = UuidStr(required=True)
    kind = Text(required=True)
    sha256 = Text(required=True)
    caption = Text(allow_none=True)
    taken_at = Text(allow_none=True)
    location = fields.Dict(allow_none=True)
    verification = fields.Nested(VerificationSchema, required=True)


class SignoffOutputSchema(Schema):
    id = UuidStr(required=True)
    signer_name = Text(required=True)
    signed_at = Text(required=True)
    charges_digest = Text(required=True)
    total = Text(required=True)
    valid = fields.Boolean(required=True)
    signature_sha256 = Text()


class NoteOutputSchema(Schema):
    id = Text()
    at = Text(required=True)
    author = Text(required=True)
    author_id = Text()
    text = Text(required=True)


class TimelineEntrySchema(Schema):
    at = Text(required=True)
    actor = Text(required=True)
    actor_id = Text(allow_none=True)
    role = Text(required=True)
    action = Text(required=True)
    details = fields.Dict(required=True)
    client_time = Text(allow_none=True)
    device_id = Text(allow_none=True)


class WorkOrderOutputSchema(Schema):
    id = UuidStr(required=True)
    number = Text(required=True)
    version = fields.Integer(required=True)
    status = Text(required=True)
    priority = Text(required=True)
    title = Text(required=True)
    description = Text(required=True)
    currency = Text(required=True)
    customer = fields.Dict(required=True)
    site = fields.Dict(required=True)
    assigned_engineer_id = Text(allow_none=True, required=True)
    created_at = Text(allow_none=True)
    assigned_at = Text(allow_none=True)
    accepted_at = Text(allow_none=True)
    started_at = Text(allow_none=True)
    completed_at = Text(allow_none=True)
    verified_at = Text(allow_none=True)
    cancelled_at = Text(allow_none=True)
    due_at = Text(allow_none=True)
    window_start = Text(allow_none=True)
    window_end = Text(allow_none=True)
    failed_at = Text(allow_none=True, metadata={"description": "the latest failed visit"})
    failure_reason = Text(allow_none=True)
    start_location = fields.Dict(allow_none=True)
    charges = fields.List(fields.Nested(ChargeOutputSchema), required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    charges_digest = Text(required=True)
    photos = fields.List(fields.Nested(PhotoOutputSchema), required=True)
    signoff = fields.Nested(SignoffOutputSchema, allow_none=True, required=True)
    signoffs = fields.List(fields.Nested(SignoffOutputSchema))
    notes = fields.List(fields.Nested(NoteOutputSchema), required=True)
    customer_url = Text()
    timeline = fields.List(fields.Nested(TimelineEntrySchema))
