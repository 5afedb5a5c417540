"""The office's lists: query filters and pages of `{"items", "cursor", "has_more"}`."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.auth import UserOutputSchema
from schemas.common import AwareDateTime, Text, UuidStr
from schemas.dispatch import (
    PRIORITIES,
    CatalogOutputSchema,
    CustomerOutputSchema,
    SiteOutputSchema,
)
from schemas.order_status import STATUSES
from schemas.roles import ROLES
from schemas.workorder import WorkOrderOutputSchema

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


class ListQuerySchema(Schema):
    # A plain string: the decoder answers any garbage with invalid_cursor.
    cursor = fields.String(validate=validate.Length(1, 500))
    limit = fields.Integer(validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"default {DEFAULT_LIMIT}"})


class SearchQuerySchema(ListQuerySchema):
    q = Text(validate=validate.Length(1, 200))


class CustomerListQuerySchema(SearchQuerySchema):
    """`q` matches the name or the phone number, anywhere in it, ignoring case."""


class SiteListQuerySchema(ListQuerySchema):
    customer_id = UuidStr()


class CatalogListQuerySchema(ListQuerySchema):
    active = fields.Boolean()


class UserListQuerySchema(SearchQuerySchema):
    role = Text(validate=validate.OneOf(ROLES))
    region = Text(validate=validate.Length(1, 100))


class WorkOrderListQuerySchema(SearchQuerySchema):
    """`q` matches the number, the title or the customer's name."""

    status = Text(validate=validate.OneOf(STATUSES))
    engineer_id = UuidStr()
    priority = Text(validate=validate.OneOf(PRIORITIES))
    due_before = AwareDateTime()


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The page schema for a list of `item_schema`."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema), required=True),
        "cursor": Text(allow_none=True, required=True,
                       metadata={"description": "pass back for the next page; null at the end"}),
        "has_more": fields.Boolean(required=True),
    }, name=name)


CustomerPageSchema = page_of(CustomerOutputSchema, "CustomerPage")
SitePageSchema = page_of(SiteOutputSchema, "SitePage")
CatalogPageSchema = page_of(CatalogOutputSchema, "CatalogPage")
UserPageSchema = page_of(UserOutputSchema, "UserPage")


class WorkOrderPageSchema(page_of(WorkOrderOutputSchema, "WorkOrderPageBase")):
    next_cursor = Text(allow_none=True, required=True,
                       metadata={"description": "the same as `cursor` (kept for older clients)",
                                 "deprecated": True})


class WorkOrderPatchSchema(Schema):
    """What the office may change on an order; send `If-Match: "<version>"`."""

    title = Text(validate=validate.Length(1, 200))
    description = Text(validate=validate.Length(max=10_000))
    priority = Text(validate=validate.OneOf(PRIORITIES))
    due_at = AwareDateTime(allow_none=True)
    window_start = AwareDateTime(allow_none=True)
    window_end = AwareDateTime(allow_none=True)
