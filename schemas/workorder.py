"""The work order document, as answered by GETs and pulls (documentation and response checks)."""

from __future__ import annotations

from marshmallow import Schema, fields

from schemas.common import UuidStr


class ChargeOutputSchema(Schema):
    id = UuidStr(required=True)
    kind = fields.String(required=True)
    catalog_code = fields.String(allow_none=True, required=True)
    description = fields.String(required=True)
    quantity = fields.String(required=True)
    unit = fields.String(required=True)
    unit_price = fields.String(required=True)
    tax_rate = fields.String(required=True)
    amount = fields.String(required=True)
    tax = fields.String(required=True)


class TotalsSchema(Schema):
    subtotal = fields.String(required=True)
    tax = fields.String(required=True)
    total = fields.String(required=True)


class VerificationSchema(Schema):
    status = fields.String(required=True)
    distance_m = fields.Float(allow_none=True)
    reasons = fields.List(fields.String())


class PhotoOutputSchema(Schema):
    id = UuidStr(required=True)
    kind = fields.String(required=True)
    sha256 = fields.String(required=True)
    caption = fields.String(allow_none=True)
    taken_at = fields.String(allow_none=True)
    location = fields.Dict(allow_none=True)
    verification = fields.Nested(VerificationSchema, required=True)


class SignoffOutputSchema(Schema):
    id = UuidStr(required=True)
    signer_name = fields.String(required=True)
    signed_at = fields.String(required=True)
    charges_digest = fields.String(required=True)
    total = fields.String(required=True)
    valid = fields.Boolean(required=True)
    signature_sha256 = fields.String()


class NoteOutputSchema(Schema):
    id = fields.String()
    at = fields.String(required=True)
    author = fields.String(required=True)
    author_id = fields.String()
    text = fields.String(required=True)


class TimelineEntrySchema(Schema):
    at = fields.String(required=True)
    actor = fields.String(required=True)
    actor_id = fields.String(allow_none=True)
    role = fields.String(required=True)
    action = fields.String(required=True)
    details = fields.Dict(required=True)
    client_time = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)


class WorkOrderOutputSchema(Schema):
    id = UuidStr(required=True)
    number = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    priority = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    currency = fields.String(required=True)
    customer = fields.Dict(required=True)
    site = fields.Dict(required=True)
    assigned_engineer_id = fields.String(allow_none=True, required=True)
    created_at = fields.String(allow_none=True)
    assigned_at = fields.String(allow_none=True)
    accepted_at = fields.String(allow_none=True)
    started_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    verified_at = fields.String(allow_none=True)
    cancelled_at = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    start_location = fields.Dict(allow_none=True)
    charges = fields.List(fields.Nested(ChargeOutputSchema), required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    charges_digest = fields.String(required=True)
    photos = fields.List(fields.Nested(PhotoOutputSchema), required=True)
    signoff = fields.Nested(SignoffOutputSchema, allow_none=True, required=True)
    signoffs = fields.List(fields.Nested(SignoffOutputSchema))
    notes = fields.List(fields.Nested(NoteOutputSchema), required=True)
    customer_url = fields.String()
    timeline = fields.List(fields.Nested(TimelineEntrySchema))


class WorkOrderPageSchema(Schema):
    items = fields.List(fields.Nested(WorkOrderOutputSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
