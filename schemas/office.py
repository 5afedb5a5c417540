"""Wave 2 office requests: price changes, revisits of failed visits, account states."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from schemas.common import AwareDateTime, DecimalValue, Text, UuidStr
from schemas.mutations import MAX_PRICE


class CatalogPatchSchema(Schema):
    unit_price = DecimalValue(places=4, low=Decimal(0), high=MAX_PRICE)
    tax_rate = DecimalValue(places=4, low=Decimal(0), high=Decimal(1))
    description = Text(validate=validate.Length(1, 500))
    active = fields.Boolean(truthy={True}, falsy={False})  # JSON true/false only

    @validates_schema
    def something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError("Give at least one of unit_price, tax_rate, description, "
                                  "active.", "_schema")


class PriceVersionSchema(Schema):
    unit_price = Text(required=True)
    tax_rate = Text(required=True)
    effective_from = Text(required=True)
    effective_to = Text(allow_none=True, required=True)


class PriceHistorySchema(Schema):
    items = fields.List(fields.Nested(PriceVersionSchema), required=True)
    cursor = Text(allow_none=True, required=True)
    has_more = fields.Boolean(required=True)


class RevisitInputSchema(Schema):
    window_start = AwareDateTime(required=True)
    window_end = AwareDateTime(required=True)
    engineer_id = UuidStr(metadata={"description": "another engineer; else the same one"})


class AccountOutputSchema(Schema):
    id = UuidStr(required=True)
    username = Text(required=True)
    role = Text(required=True)
    name = Text(required=True)
    active = fields.Boolean(required=True)
