"""The push and pull protocol."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import Text, UuidStr

MAX_BATCH = 500


class MutationEnvelopeSchema(Schema):
    """Only the exactly-once keys are checked here: a bad name or args rejects one mutation,
    never the batch, so one broken mutation cannot block a device's outbox."""

    seq = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    id = UuidStr(required=True)
    # Not Text: a name that cannot be stored rejects that mutation (sync.push), not the batch.
    name = fields.String(required=True, validate=validate.Length(1, 64))
    args = fields.Raw(required=True, allow_none=True)
    client_time = fields.Raw(allow_none=True)


class PushInputSchema(Schema):
    # What each mutation carries is judged per mutation by sync.push (storable or rejected),
    # so the request-wide check in server/api/endpoint.py leaves it alone.
    OPAQUE_PATHS = (("mutations", "*", "name"), ("mutations", "*", "args"),
                    ("mutations", "*", "client_time"))

    client_id = UuidStr(required=True)
    mutations = fields.List(fields.Nested(MutationEnvelopeSchema), required=True,
                            validate=validate.Length(max=MAX_BATCH))


class PushResultSchema(Schema):
    seq = fields.Integer(required=True)
    id = Text(required=True)
    status = Text(required=True, validate=validate.OneOf(
        ["applied", "duplicate", "rejected", "retry"]))
    original_status = Text()
    error = fields.Dict()
    version = fields.Integer()


class PushOutputSchema(Schema):
    acked_seq = fields.Integer(required=True)
    results = fields.List(fields.Nested(PushResultSchema), required=True)


class PullQuerySchema(Schema):
    # A plain string: the decoder answers any garbage with invalid_cursor.
    cursor = fields.String(validate=validate.Length(1, 200))
    limit = fields.Integer(validate=validate.Range(1, 1000))


class ChangeSchema(Schema):
    type = Text(required=True, validate=validate.OneOf(["workorder", "catalog_item", "kb_article"]))
    id = Text(required=True)
    op = Text(required=True, validate=validate.OneOf(["upsert", "delete"]))
    data = fields.Dict()


class PullOutputSchema(Schema):
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
    cursor = Text(required=True)
    has_more = fields.Boolean(required=True)
