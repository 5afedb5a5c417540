"""Field types shared by all schemas."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate

from schemas.formats import canonical_uuid
from schemas.storable_text import REASONS, text_problem


class Text(fields.String):
    """A string that can be stored: no NUL (PostgreSQL cannot store it; nothing needs it) and
    no lone surrogate (no UTF-8 encoder can write it: text typed in a broken encoding)."""

    default_error_messages = {reason: REASONS[reason] for reason in ("nul", "lone_surrogate")}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if reason := text_problem(text):
            raise self.make_error(reason)
        return text


class UuidStr(fields.String):
    """A UUID, answered in its canonical lowercase form."""

    default_error_messages = {"invalid_uuid": "Not a valid UUID."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return canonical_uuid(text)
        except ValueError as exc:
            raise self.make_error("invalid_uuid") from exc


class Sha256(fields.String):
    """64 lowercase hex digits."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(r"^[0-9a-f]{64}$",
                                                  error="Not a lowercase SHA-256 hex digest."),
                         **kwargs)


class DecimalValue(fields.Field):
    """A decimal given as a string ("12.50") or a JSON number; never a float inside."""

    default_error_messages = {
        "invalid": "Not a valid decimal number.",
        "places": "At most {places} decimal places.",
        "range": "Must be between {low} and {high}.",
    }

    def __init__(self, *, places: int = 4, low: Decimal | None = None,
                 high: Decimal | None = None, **kwargs):
        super().__init__(**kwargs)
        self.places, self.low, self.high = places, low, high

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise self.make_error("invalid")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise self.make_error("invalid") from exc
        if not number.is_finite():
            raise self.make_error("invalid")
        if number.as_tuple().exponent < -self.places:
            raise self.make_error("places", places=self.places)
        if (self.low is not None and number < self.low) or (
                self.high is not None and number > self.high):
            raise self.make_error("range", low=self.low, high=self.high)
        return number

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format(value, "f")


class AwareDateTime(fields.AwareDateTime):
    """RFC 3339 with an offset, converted to UTC; answered as ...Z."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    default_error_messages = {"out_of_range": "Date out of range."}

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parsed.astimezone(UTC)
        except OverflowError as exc:
            raise self.make_error("out_of_range") from exc


class LocationSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)


def first_errors(exc: ValidationError) -> dict:
    """Marshmallow's messages as the contract's `details` (field -> list of messages)."""
    messages = exc.messages
    return messages if isinstance(messages, dict) else {"_schema": messages}


def _floats(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_floats(item) for item in value]
    if isinstance(value, dict):
        return {key: _floats(item) for key, item in value.items()}
    return value


class GeoJson(fields.Dict):
    """A GeoJSON object; its numbers become floats (bodies are parsed with exact Decimals)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return _floats(super()._deserialize(value, attr, data, **kwargs))


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class TimeZoneName(Text):
    """An IANA time zone name such as Asia/Shanghai."""

    default_error_messages = {"unknown_zone": "Not an IANA time zone (e.g. Asia/Shanghai)."}

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in _known_zones():
            raise self.make_error("unknown_zone")
        return name
