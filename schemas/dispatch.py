"""Customers, sites, the catalog and work orders, as dispatchers create them."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields, validate

from schemas.auth import LANGUAGES
from schemas.common import (
    AwareDateTime,
    DecimalValue,
    GeoJson,
    LocationSchema,
    Text,
    TimeZoneName,
    UuidStr,
)
from schemas.limits import MAX_PRICE
from schemas.mutations import CHARGE_KINDS
from schemas.order_status import VERIFY_DECISIONS
from schemas.profiles import SKILLS_DOC, SkillCode

PRIORITIES = ("low", "normal", "high", "urgent")


class CustomerInputSchema(Schema):
    name = Text(required=True, validate=validate.Length(1, 200))
    phone = Text(validate=validate.Length(1, 50))
    address = Text(validate=validate.Length(1, 500))
    language = Text(validate=validate.OneOf(LANGUAGES))


class CustomerOutputSchema(Schema):
    id = UuidStr(required=True)
    name = Text(required=True)
    phone = Text(allow_none=True)
    address = Text(allow_none=True)
    language = Text(required=True)


class SiteInputSchema(Schema):
    customer_id = UuidStr(required=True)
    address = Text(required=True, validate=validate.Length(1, 500))
    region = Text(validate=validate.Length(1, 100))
    location = fields.Nested(LocationSchema, required=True)
    geofence = GeoJson(metadata={"description": "a GeoJSON Polygon, lon/lat order"})
    radius_m = fields.Float(validate=validate.Range(1, 100_000), allow_nan=False)
    timezone = TimeZoneName(metadata={"description": "IANA zone; default FIELDSYNC_TIMEZONE"})


class SiteOutputSchema(Schema):
    id = UuidStr(required=True)
    customer_id = UuidStr(required=True)
    address = Text(required=True)
    region = Text(allow_none=True)
    location = fields.Nested(LocationSchema, required=True)
    geofence = fields.Dict(allow_none=True)
    radius_m = fields.Float(required=True)
    timezone = Text(allow_none=True, required=True)


class CatalogInputSchema(Schema):
    code = Text(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_.-]{1,64}$", error="1-64 letters, digits or _ . -"))
    kind = Text(required=True, validate=validate.OneOf(CHARGE_KINDS))
    description = Text(required=True, validate=validate.Length(1, 500))
    unit = Text(required=True, validate=validate.Length(1, 32))
    unit_price = DecimalValue(required=True, places=4, low=Decimal(0), high=MAX_PRICE)
    tax_rate = DecimalValue(required=True, places=4, low=Decimal(0), high=Decimal(1))
    currency = Text(validate=validate.Regexp(r"^[A-Z]{3}$"))


class CatalogOutputSchema(Schema):
    id = UuidStr(required=True)
    code = Text(required=True)
    kind = Text(required=True)
    description = Text(required=True)
    unit = Text(required=True)
    unit_price = Text(required=True)
    tax_rate = Text(required=True)
    currency = Text(required=True)
    active = fields.Boolean(required=True)
    version = fields.Integer(required=True)


class WorkOrderInputSchema(Schema):
    customer_id = UuidStr(required=True)
    site_id = UuidStr(required=True)
    title = Text(required=True, validate=validate.Length(1, 200))
    description = Text(validate=validate.Length(max=10_000))
    priority = Text(validate=validate.OneOf(PRIORITIES))
    due_at = AwareDateTime()
    assigned_engineer_id = UuidStr()
    currency = Text(validate=validate.Regexp(r"^[A-Z]{3}$"))
    required_skills = fields.List(SkillCode(), validate=validate.Length(max=20), metadata={
        "description": "what the engineer must be able to do; " + SKILLS_DOC})
    assign = Text(validate=validate.OneOf(["auto"]), metadata={
        "description": '"auto" assigns the top candidate (see /candidates); 409 '
                       "no_candidate when there is none. Not with assigned_engineer_id."})


class AssignInputSchema(Schema):
    engineer_id = UuidStr(required=True)


class CancelInputSchema(Schema):
    reason = Text(required=True, validate=validate.Length(1, 1000))


class VerifyInputSchema(Schema):
    decision = Text(required=True, validate=validate.OneOf(VERIFY_DECISIONS))
    comment = Text(validate=validate.Length(max=2000))


class CandidatesQuerySchema(Schema):
    limit = fields.Integer(load_default=5, validate=validate.Range(1, 50))


class CandidateRatingSchema(Schema):
    average = fields.Float(allow_none=True, required=True)
    count = fields.Integer(required=True)
    good_share = fields.Float(allow_none=True, required=True, metadata={
        "description": "share of ratings with 4 or 5 stars"})
    bayesian_average = fields.Float(required=True, metadata={
        "description": "the average shrunk toward the mean of all ratings (what is scored)"})


class CandidateSchema(Schema):
    engineer_id = UuidStr(required=True)
    name = Text(required=True)
    score = fields.Float(required=True, metadata={"description": "0-100, see reasons"})
    distance_km = fields.Float(allow_none=True, required=True, metadata={
        "description": "geodesic (WGS84) from the latest reported position, else home"})
    open_orders = fields.Integer(required=True)
    rating = fields.Nested(CandidateRatingSchema, required=True)
    favourite = fields.Boolean(required=True)
    reasons = fields.List(Text(), required=True, metadata={
        "description": "one line per factor with the points it gave"})


class CandidatePageSchema(Schema):
    items = fields.List(fields.Nested(CandidateSchema), required=True)
    cursor = Text(allow_none=True, required=True)
    has_more = fields.Boolean(required=True)
