"""Users and tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import UuidStr

ROLES = ("engineer", "supervisor", "dispatcher")
LANGUAGES = ("zh-CN", "en")


class TokenInputSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 80))
    password = fields.String(required=True, validate=validate.Length(1, 1000))
    device_id = fields.String(validate=validate.Length(1, 200))


class TokenOutputSchema(Schema):
    token = fields.String(required=True)
    user_id = UuidStr(required=True)
    role = fields.String(required=True)
    expires_at = fields.String(required=True)


class MessagingSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["wecom", "slack", "webhook"]))
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False,
                     validate=validate.Length(max=2000))


class UserInputSchema(Schema):
    username = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_.@-]{1,80}$", error="1-80 letters, digits or _ . @ -"))
    password = fields.String(required=True, validate=validate.Length(8, 1000))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    region = fields.String(validate=validate.Length(1, 100))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    messaging = fields.Nested(MessagingSchema)


class UserOutputSchema(Schema):
    id = UuidStr(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    name = fields.String(required=True)
    region = fields.String(allow_none=True)
    language = fields.String()
    messaging = fields.Nested(MessagingSchema, allow_none=True)
