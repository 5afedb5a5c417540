"""Knowledge-base articles and their search, as the API takes and answers them."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from schemas.auth import LANGUAGES
from schemas.common import Text, UuidStr

MAX_BODY_BYTES = 200 * 1024  # UTF-8 bytes of the Markdown: a long article, never a dump
MAX_LIST_ITEMS = 50


def _body_size(body: str) -> None:
    if len(body.encode()) > MAX_BODY_BYTES:
        raise ValidationError(f"At most {MAX_BODY_BYTES} bytes of UTF-8 "
                              f"(this body has {len(body.encode())}).")


def _labels(description: str):
    return fields.List(Text(validate=validate.Length(1, 64)),
                       validate=validate.Length(max=MAX_LIST_ITEMS),
                       metadata={"description": description})


class ArticleInputSchema(Schema):
    """PUT replaces the whole article: give every field you want to keep."""

    title = Text(required=True, validate=validate.Length(1, 200))
    body = Text(required=True, validate=[validate.Length(min=1), _body_size], metadata={
        "description": "Markdown (CommonMark), at most 200 KiB of UTF-8. Raw HTML is kept as "
                       "typed and shown as text, never run: the console renders it escaped."})
    language = Text(required=True, validate=validate.OneOf(LANGUAGES))
    tags = _labels("free labels, e.g. wifi, power")
    product_models = _labels("the models it applies to, e.g. HG8245H")
    fault_codes = _labels("the fault codes it explains, e.g. E-101")


class ArticleCreateSchema(ArticleInputSchema):
    id = UuidStr(metadata={"description": "optional, chosen by the client"})


class ArticleOutputSchema(Schema):
    id = UuidStr(required=True)
    title = Text(required=True)
    body = Text(required=True)
    language = Text(required=True)
    tags = fields.List(Text(), required=True)
    product_models = fields.List(Text(), required=True)
    fault_codes = fields.List(Text(), required=True)
    version = fields.Integer(required=True)
    created_at = Text(required=True)
    updated_at = Text(required=True)
    retired_at = Text(allow_none=True, metadata={"description": "set when retired"})


class PageQuerySchema(Schema):
    # A plain string: the decoder answers any garbage with invalid_cursor.
    cursor = fields.String(validate=validate.Length(1, 400))
    limit = fields.Integer(validate=validate.Range(1, 500),
                           metadata={"description": "default 50"})


class ArticleListQuerySchema(PageQuerySchema):
    language = Text(validate=validate.OneOf(LANGUAGES))
    retired = fields.Boolean(metadata={"description": "true lists retired articles too"})


class ArticlePageSchema(Schema):
    items = fields.List(fields.Nested(ArticleOutputSchema), required=True)
    cursor = fields.String(allow_none=True, required=True)
    has_more = fields.Boolean(required=True)


class SearchQuerySchema(PageQuerySchema):
    q = Text(required=True, validate=validate.Length(1, 200), metadata={
        "description": "words in any language; Chinese needs no spaces between words"})
    language = Text(validate=validate.OneOf(LANGUAGES))


class SearchHitSchema(Schema):
    id = UuidStr(required=True)
    title = Text(required=True)
    language = Text(required=True)
    tags = fields.List(Text(), required=True)
    product_models = fields.List(Text(), required=True)
    fault_codes = fields.List(Text(), required=True)
    version = fields.Integer(required=True)
    updated_at = Text(required=True)
    score = fields.Float(required=True, metadata={
        "description": "higher is better; comparable only within one answer"})
    excerpt = Text(required=True, metadata={"description": "the start of the body, as text"})


class SearchPageSchema(Schema):
    items = fields.List(fields.Nested(SearchHitSchema), required=True)
    cursor = fields.String(allow_none=True, required=True)
    has_more = fields.Boolean(required=True)
