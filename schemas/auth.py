"""Users and tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import LocationSchema, Text, UuidStr
from schemas.profiles import EngineerProfileSchema
from schemas.roles import ROLES

LANGUAGES = ("zh-CN", "en")


class TokenInputSchema(Schema):
    username = Text(required=True, validate=validate.Length(1, 80))
    password = Text(required=True, validate=validate.Length(1, 1000))
    device_id = Text(validate=validate.Length(1, 200))


class TokenOutputSchema(Schema):
    token = Text(required=True)
    user_id = UuidStr(required=True)
    role = Text(required=True)
    expires_at = Text(required=True)


class MessagingSchema(Schema):
    kind = Text(required=True, validate=validate.OneOf(["wecom", "slack", "webhook"]))
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False,
                     validate=validate.Length(max=2000))
    mention = Text(validate=validate.Regexp(r"^[A-Za-z0-9_.@-]{1,64}$"), metadata={
        "description": "the member's id in the chat tool (WeCom userid), to @-notify them"})


class UserInputSchema(EngineerProfileSchema):
    username = Text(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_.@-]{1,80}$", error="1-80 letters, digits or _ . @ -"))
    password = Text(required=True, validate=validate.Length(8, 1000))
    role = Text(required=True, validate=validate.OneOf(ROLES))
    name = Text(required=True, validate=validate.Length(1, 200))
    region = Text(validate=validate.Length(1, 100))
    language = Text(validate=validate.OneOf(LANGUAGES))
    messaging = fields.Nested(MessagingSchema)


class UserOutputSchema(Schema):
    id = UuidStr(required=True)
    username = Text(required=True)
    role = Text(required=True)
    name = Text(required=True)
    region = Text(allow_none=True)
    language = Text()
    messaging = fields.Nested(MessagingSchema, allow_none=True)
    rating = fields.Dict(metadata={"description": "engineers: average, count, satisfied_share"})
    skills = fields.List(Text(), metadata={"description": "engineers: skill codes"})
    languages = fields.List(Text(), metadata={"description": "engineers: BCP 47 tags"})
    home = fields.Nested(LocationSchema, allow_none=True)
    service_point_id = UuidStr(allow_none=True)
    position = fields.Dict(allow_none=True, metadata={
        "description": "engineers: the position candidates are measured from, "
                       '{"lat", "lon", "source": "reported"|"home", "at"}'})


class UserPatchSchema(EngineerProfileSchema):
    """A change to a user; the profile fields only for engineers."""

    name = Text(validate=validate.Length(1, 200))
    region = Text(allow_none=True, validate=validate.Length(1, 100))
    language = Text(validate=validate.OneOf(LANGUAGES))


class RevokeOutputSchema(Schema):
    revoked = fields.Boolean(required=True)
