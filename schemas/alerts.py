"""Overdue alerts and their deliveries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import Text, UuidStr

LEVELS = ("warning", "escalation", "overdue", "assignment")  # assignment: a message, not a rule
DELIVERY_STATES = ("pending", "delivered", "failed")


class AlertListQuerySchema(Schema):
    work_order_id = UuidStr(metadata={"description": "this order's alerts; else the latest"})
    state = Text(validate=validate.OneOf(DELIVERY_STATES),
                 metadata={"description": "only alerts with a delivery in this state"})
    limit = fields.Integer(validate=validate.Range(1, 500), metadata={"description": "100"})


class DeliveryOutputSchema(Schema):
    recipient_id = UuidStr(required=True)
    kind = Text(required=True, validate=validate.OneOf(["wecom", "slack", "webhook"]))
    state = Text(required=True, validate=validate.OneOf(DELIVERY_STATES))
    attempts = fields.Integer(required=True)
    last_error = Text(allow_none=True)


class AlertOutputSchema(Schema):
    id = UuidStr(required=True)
    work_order_id = UuidStr(required=True)
    level = Text(required=True, validate=validate.OneOf(LEVELS))
    raised_at = Text(required=True)
    deliveries = fields.List(fields.Nested(DeliveryOutputSchema), required=True)


class AlertListOutputSchema(Schema):
    alerts = fields.List(fields.Nested(AlertOutputSchema), required=True)
