"""The knowledge base: articles (office writes, everyone reads) and ranked search."""

from __future__ import annotations

from flask import Blueprint, g

from schemas.kb import (
    ArticleCreateSchema,
    ArticleInputSchema,
    ArticleListQuerySchema,
    ArticleOutputSchema,
    ArticlePageSchema,
    SearchPageSchema,
    SearchQuerySchema,
)
from schemas.roles import OFFICE
from server.api.endpoint import ALL_ROLES, endpoint
from server.clock import utcnow
from server.services import kb
from server.services.kb_render import excerpt

bp = Blueprint("kb", __name__)


@endpoint(bp, "/kb/articles", methods=["POST"], roles=OFFICE, body=ArticleCreateSchema,
          response=ArticleOutputSchema, status=201,
          summary="Create a knowledge-base article (version 1); it reaches every device")
def create_article(body):
    return kb.document(kb.create(body, g.user, utcnow()))


@endpoint(bp, "/kb/articles/<article_id>", methods=["PUT"], roles=OFFICE,
          body=ArticleInputSchema, response=ArticleOutputSchema,
          summary="Replace an article as a whole (version + 1); a retired one answers 409")
def replace_article(article_id, body):
    return kb.document(kb.replace(article_id, body, g.user, utcnow()))


@endpoint(bp, "/kb/articles/<article_id>", methods=["DELETE"], roles=OFFICE,
          response=ArticleOutputSchema,
          summary="Retire an article (version + 1; again: no change): devices get a delete")
def retire_article(article_id):
    return kb.document(kb.retire(article_id, g.user, utcnow()))


@endpoint(bp, "/kb/articles/<article_id>", methods=["GET"], roles=ALL_ROLES,
          response=ArticleOutputSchema, summary="One article, retired or not")
def get_article(article_id):
    return kb.document(kb.get(article_id))


@endpoint(bp, "/kb/articles", methods=["GET"], roles=ALL_ROLES, query=ArticleListQuerySchema,
          response=ArticlePageSchema,
          summary="Live articles (retired=true: all), oldest first, by cursor")
def list_articles(query):
    rows, cursor, has_more = kb.list_articles(query)
    return {"items": [kb.document(row) for row in rows], "cursor": cursor,
            "has_more": has_more}


@endpoint(bp, "/kb/search", methods=["GET"], roles=ALL_ROLES, query=SearchQuerySchema,
          response=SearchPageSchema,
          summary="Live articles ranked by relevance; Chinese matches without spaces")
def search(query):
    hits, cursor, has_more = kb.search(query)
    items = []
    for article, score in hits:
        document = kb.document(article)
        items.append({key: document[key] for key in (
            "id", "title", "language", "tags", "product_models", "fault_codes", "version",
            "updated_at")} | {"score": round(score, 6), "excerpt": excerpt(article.body)})
    return {"items": items, "cursor": cursor, "has_more": has_more}
