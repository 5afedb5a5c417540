"""Uploads: what a stored image is."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import Sha256, Text
from schemas.formats import MIME_TYPES_ACCEPTED


class MediaOutputSchema(Schema):
    sha256 = Sha256(required=True)
    size = fields.Integer(required=True)
    mime = Text(required=True, validate=validate.OneOf(MIME_TYPES_ACCEPTED))
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)


class HealthOutputSchema(Schema):
    status = Text(required=True, validate=validate.OneOf(["ok"]))
