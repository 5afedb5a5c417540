"""Knowledge-base articles: write (versioned, retired rather than deleted), read, list, search.

Every write also updates the backend's search index in the same transaction, and the change
feed stamps the article for every device (server/services/feed.py), so the API, the search and
the devices never disagree about an article.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from sqlalchemy import select, tuple_

from schemas.formats import is_uuid, iso
from server.extensions import db
from server.models import KbArticle, User
from server.services.kb_search import IndexedArticle, index_for
from sync.errors import BadRequest, Conflict, NotFound
from sync.kb_text import query_terms

LIST_CURSOR = "kb1:"
SEARCH_CURSOR = "kbs1:"
FIELDS = ("title", "body", "language", "tags", "product_models", "fault_codes")


def document(article: KbArticle) -> dict:
    """An article as the API answers it and the pull feed sends it to devices."""
    return {"id": article.id, "title": article.title, "body": article.body,
            "language": article.language, "tags": list(article.tags),
            "product_models": list(article.product_models),
            "fault_codes": list(article.fault_codes), "version": article.version,
            "created_at": iso(article.created_at), "updated_at": iso(article.updated_at),
            "retired_at": iso(article.retired_at)}


def _indexed(article: KbArticle) -> IndexedArticle:
    return IndexedArticle(id=article.id, language=article.language, document=document(article))


def _fill(article: KbArticle, data: dict) -> None:
    for name in FIELDS:
        default = [] if name in ("tags", "product_models", "fault_codes") else None
        setattr(article, name, data.get(name, default))


def create(data: dict, user: User, now: datetime) -> KbArticle:
    """A new article (version 1); the client may choose its id."""
    if "id" in data and db.session.get(KbArticle, data["id"]) is not None:
        raise Conflict("an article with this id exists", code="id_conflict", id=data["id"])
    article = KbArticle(created_at=now, updated_at=now, created_by=user.id,
                        updated_by=user.id, version=1, **({"id": data["id"]} if "id" in data
                                                          else {}))
    _fill(article, data)
    db.session.add(article)
    db.session.flush()
    index_for(db.session).put(_indexed(article))
    return article


def get(article_id: str) -> KbArticle:
    article = db.session.get(KbArticle, article_id) if is_uuid(article_id) else None
    if article is None:
        raise NotFound("no such article", code="not_found", id=article_id)
    return article


def replace(article_id: str, data: dict, user: User, now: datetime) -> KbArticle:
    """The article's new content as a whole; version + 1. A retired article stays retired."""
    article = _locked(article_id)
    if article.retired_at is not None:
        raise Conflict("this article is retired", code="article_retired", id=article_id)
    _fill(article, data)
    article.version += 1
    article.updated_at, article.updated_by = now, user.id
    db.session.flush()
    index_for(db.session).put(_indexed(article))
    return article


def retire(article_id: str, user: User, now: datetime) -> KbArticle:
    """Retire: gone from search and from devices (a feed `delete`), kept for the reports."""
    article = _locked(article_id)
    if article.retired_at is None:
        article.retired_at, article.updated_at, article.updated_by = now, now, user.id
        article.version += 1
        db.session.flush()
        index_for(db.session).remove(article.id)
    return article


def _locked(article_id: str) -> KbArticle:
    if not is_uuid(article_id):
        raise NotFound("no such article", code="not_found", id=article_id)
    article = db.session.scalar(select(KbArticle).where(KbArticle.id == article_id)
                                .with_for_update())
    if article is None:
        raise NotFound("no such article", code="not_found", id=article_id)
    return article


def list_articles(query: dict) -> tuple[list[KbArticle], str | None, bool]:
    """Oldest first, keyset-paginated: (articles, cursor, has_more)."""
    limit = query.get("limit", 50)
    statement = select(KbArticle).order_by(KbArticle.created_at, KbArticle.id)
    if query.get("language"):
        statement = statement.where(KbArticle.language == query["language"])
    if not query.get("retired", False):
        statement = statement.where(KbArticle.retired_at.is_(None))
    if query.get("cursor"):
        at, last_id = _decode(query["cursor"], LIST_CURSOR)
        statement = statement.where(tuple_(KbArticle.created_at, KbArticle.id)
                                    > tuple_(datetime.fromisoformat(at), last_id))
    rows = list(db.session.scalars(statement.limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursor = _encode(LIST_CURSOR, [rows[-1].created_at.isoformat(), rows[-1].id]) \
        if rows else None
    return rows, cursor, has_more


def search(query: dict) -> tuple[list[tuple[KbArticle, float]], str | None, bool]:
    """Ranked (article, score) pairs of live articles: (hits, cursor, has_more)."""
    limit = query.get("limit", 50)
    offset = _decode(query["cursor"], SEARCH_CURSOR) if query.get("cursor") else 0
    if not isinstance(offset, int) or not 0 <= offset < 100_000:
        raise _bad_cursor()
    if not query_terms(query["q"]):
        return [], None, False
    hits = index_for(db.session).search(query["q"], query.get("language"), limit + 1, offset)
    has_more = len(hits) > limit
    hits = hits[:limit]
    articles = {a.id: a for a in db.session.scalars(
        select(KbArticle).where(KbArticle.id.in_([hit.article_id for hit in hits])))}
    found = [(articles[hit.article_id], hit.score) for hit in hits
             if hit.article_id in articles]
    return found, _encode(SEARCH_CURSOR, offset + len(hits)) if has_more else None, has_more


def _encode(prefix: str, value) -> str:
    raw = (prefix + json.dumps(value, separators=(",", ":"))).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, prefix: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(prefix):
            raise ValueError(raw)
        value = json.loads(raw[len(prefix):])
        if prefix == LIST_CURSOR:
            at, last_id = value
            datetime.fromisoformat(at)
            if not isinstance(last_id, str):
                raise ValueError(raw)
        return value
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc


def _bad_cursor() -> BadRequest:
    return BadRequest("the cursor is not one this server gave out", code="invalid_cursor")
