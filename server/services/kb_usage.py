"""`kb.used` on the server: the article lookup the rule needs, the record the reports read,
and the articles used on one order for its console page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from schemas.formats import is_uuid
from server.extensions import db
from server.models import KbArticle, KbUsage, User
from sync.model import KbArticleRef, WorkOrder


class KbUsageLookup:
    """Mixed into the server's MutationContext (needs `actor` and `now`)."""

    def kb_article(self, article_id: str) -> KbArticleRef | None:
        article = db.session.get(KbArticle, article_id) if is_uuid(article_id) else None
        if article is None:
            return None
        return KbArticleRef(id=article.id, title=article.title, version=article.version,
                            retired=article.retired_at is not None)

    def record_kb_use(self, order: WorkOrder, article: KbArticleRef) -> None:
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # Once per (order, article): the first use is the one the reports count.
        db.session.execute(insert(KbUsage).values(
            work_order_id=order.id, article_id=article.id, article_version=article.version,
            user_id=self.actor.id, used_at=self.now,
        ).on_conflict_do_nothing(index_elements=["work_order_id", "article_id"]))


def kb_documents(ids: list[str]) -> dict[str, dict]:
    """Articles as the pull feed sends them, by id."""
    from server.services.kb import document

    articles = db.session.scalars(select(KbArticle).where(KbArticle.id.in_(ids)))
    return {article.id: document(article) for article in articles}


def used_on_order(order_id: str) -> list[dict]:
    """The articles engineers marked as used on this order, first use first."""
    rows = db.session.execute(
        select(KbUsage, KbArticle.title, KbArticle.retired_at, User.name)
        .join(KbArticle, KbArticle.id == KbUsage.article_id)
        .join(User, User.id == KbUsage.user_id)
        .where(KbUsage.work_order_id == order_id).order_by(KbUsage.id))
    return [{"article_id": usage.article_id, "title": title, "version": usage.article_version,
             "retired": retired_at is not None, "engineer": name, "used_at": usage.used_at}
            for usage, title, retired_at, name in rows]
