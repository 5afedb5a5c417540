"""The customer's side: the public order view and the rating."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import Text

# A fixed vocabulary, so reports can count complaints; the page shows them translated.
PRAISE_TAGS = ("on_time", "friendly", "tidy", "explained_clearly", "fixed_first_time")
COMPLAINT_TAGS = ("late", "rude", "messy", "too_expensive", "not_fixed", "unclear_charges")
RATING_TAGS = PRAISE_TAGS + COMPLAINT_TAGS


class RatingInputSchema(Schema):
    stars = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    tags = fields.List(Text(validate=validate.OneOf(RATING_TAGS)),
                       validate=validate.Length(max=5))
    comment = Text(validate=validate.Length(max=1000))


class RatingOutputSchema(Schema):
    stars = fields.Integer(required=True)
    tags = fields.List(Text(), required=True)
    comment = Text(allow_none=True)
    created_at = Text(required=True)


class RatingSummarySchema(Schema):
    average = fields.Float(allow_none=True)
    count = fields.Integer(required=True)
    satisfied_share = fields.Float(allow_none=True)


class PublicChargeSchema(Schema):
    id = Text(required=True)
    kind = Text(required=True)
    catalog_code = Text(allow_none=True)
    ad_hoc = fields.Boolean(required=True)
    description = Text(required=True)
    quantity = Text(required=True)
    unit = Text(required=True)
    unit_price = Text(required=True)
    tax_rate = Text(required=True)
    tax = Text(required=True)
    amount = Text(required=True)


class PublicEngineerSchema(Schema):
    name = Text(required=True)
    rating = fields.Nested(RatingSummarySchema, required=True)


class PublicOrderSchema(Schema):
    number = Text(required=True)
    title = Text(required=True)
    status = Text(required=True)
    currency = Text(required=True)
    language = Text(required=True)
    customer = fields.Dict(required=True)
    site = fields.Dict(required=True)
    completed_at = Text(allow_none=True)
    verified_at = Text(allow_none=True)
    engineer = fields.Nested(PublicEngineerSchema, allow_none=True)
    charges = fields.List(fields.Nested(PublicChargeSchema), required=True)
    totals = fields.Dict(required=True)
    charges_digest = Text(required=True)
    signoff = fields.Dict(allow_none=True)
    photos = fields.List(fields.Dict(), required=True)
    rating = fields.Nested(RatingOutputSchema, allow_none=True)
    can_rate = fields.Boolean(required=True)
    engineer_preference = Text(required=True, metadata={
        "description": "favourite, blocked or none: the customer's choice about this engineer"})
    can_choose_engineer = fields.Boolean(required=True, metadata={
        "description": "true once the job is completed and rated"})


PREFERENCE_CHOICES = ("favourite", "blocked", "none")


class PreferenceInputSchema(Schema):
    engineer = Text(required=True, validate=validate.OneOf(PREFERENCE_CHOICES), metadata={
        "description": "favourite: ask for this engineer next time; blocked: never send them "
                       "again; none: no preference"})


class PreferenceOutputSchema(Schema):
    engineer = Text(required=True)


class CustomerLinkSchema(Schema):
    customer_url = Text(required=True)
