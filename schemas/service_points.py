"""Service points: the office creates and lists them; anyone asks for the nearest ones."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import AwareDateTime, LocationSchema, Text, TimeZoneName, UuidStr
from schemas.lists import ListQuerySchema, page_of

NEAREST_DEFAULT, NEAREST_MAX = 3, 20
OPENING_HOURS = ("OpenStreetMap opening_hours syntax, e.g. 'Mo-Fr 09:00-18:00; Sa 10:00-16:00; "
                 "PH off' (https://wiki.openstreetmap.org/wiki/Key:opening_hours)")


class ServicePointInputSchema(Schema):
    name = Text(required=True, validate=validate.Length(1, 200))
    address = Text(required=True, validate=validate.Length(1, 500))
    location = fields.Nested(LocationSchema, required=True)
    phone = Text(allow_none=True, validate=validate.Length(1, 50))
    # The syntax is checked by the service (sync.opening_hours), which answers 422 naming it.
    opening_hours = Text(allow_none=True, validate=validate.Length(1, 255),
                         metadata={"description": OPENING_HOURS})
    timezone = TimeZoneName(metadata={
        "description": "IANA zone the hours are local to; default FIELDSYNC_TIMEZONE"})


class ServicePointOutputSchema(Schema):
    id = UuidStr(required=True)
    name = Text(required=True)
    address = Text(required=True)
    location = fields.Nested(LocationSchema, required=True)
    phone = Text(allow_none=True, required=True)
    opening_hours = Text(allow_none=True, required=True)
    timezone = Text(required=True)
    active = fields.Boolean(required=True)
    created_at = AwareDateTime(required=True)


class ServicePointListQuerySchema(ListQuerySchema):
    q = Text(validate=validate.Length(1, 200),
             metadata={"description": "matches the name or the address, anywhere, any case"})
    active = fields.Boolean()


class NearestQuerySchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    limit = fields.Integer(load_default=NEAREST_DEFAULT,
                           validate=validate.Range(1, NEAREST_MAX),
                           metadata={"description": f"default {NEAREST_DEFAULT}"})


class NearestServicePointSchema(Schema):
    """What anyone may read about an active point: no id, no internal state."""

    name = Text(required=True)
    address = Text(required=True)
    location = fields.Nested(LocationSchema, required=True)
    phone = Text(allow_none=True, required=True)
    opening_hours = Text(allow_none=True, required=True)
    timezone = Text(required=True)
    distance_km = fields.Float(required=True, metadata={
        "description": "geodesic (WGS84) distance from lat/lon, to the metre"})
    open_now = fields.Boolean(allow_none=True, required=True, metadata={
        "description": "in the point's own time zone; null when its hours are not known"})


class NearestPageSchema(Schema):
    items = fields.List(fields.Nested(NearestServicePointSchema), required=True,
                        metadata={"description": "nearest first"})


ServicePointPageSchema = page_of(ServicePointOutputSchema, "ServicePointPage")
