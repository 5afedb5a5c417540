"""The change feed behind pull: stamps every changed order and catalog item at commit time.

The feed counter is incremented as the last statement of the writing transaction. Its row lock
is held until COMMIT, so a second writer gets its numbers only after the first one is visible:
feed numbers commit in order and `seq > cursor` can never pass over a late commit.
"""

from __future__ import annotations

from flask_sqlalchemy.session import Session
from sqlalchemy import bindparam, event, insert, select, update

from server import metrics
from server.models import CatalogItem, Counter, FeedEntry, KbArticle, WorkOrderRow

TOUCHED = "feed_touched"
EVERYONE = "*"


def install() -> None:
    """Listen on Flask-SQLAlchemy sessions (idempotent)."""
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "before_commit", _stamp)
        event.listen(Session, "after_transaction_end", _forget)


def _forget(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: rolled back or done
        session.info.pop(TOUCHED, None)


def _collect(session, flush_context, instances) -> None:
    touched = session.info.setdefault(TOUCHED, {})
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, WorkOrderRow | CatalogItem | KbArticle) and (
                obj in session.new or session.is_modified(obj)):
            touched[id(obj)] = obj  # new rows get their primary key only at INSERT


def next_value(session, name: str, by: int = 1) -> int:
    """Increment counter `name` by `by` and return its new value (locks the row)."""
    statement = (update(Counter).where(Counter.name == name)
                 .values(value=Counter.value + by).returning(Counter.value))
    return session.execute(statement).scalar_one()


def _stamp(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint "commits" too; stamp once, at the outermost COMMIT
    session.flush()
    touched = session.info.pop(TOUCHED, None)
    if not touched:
        return
    unique = {(type(obj).__name__, obj.id): obj for obj in touched.values()}
    plan = _plan(session, list(unique.values()))
    if not plan:
        return
    top = next_value(session, "feed", len(plan))
    updates, inserts = [], []
    for offset, (key, visible, exists) in enumerate(plan):
        entity_type, entity_id, audience = key
        values = dict(t=entity_type, i=entity_id, a=audience, visible=visible,
                      seq=top - len(plan) + 1 + offset)
        (updates if exists else inserts).append(values)
    # One executemany per kind of write, however many orders the transaction touched.
    table = FeedEntry.__table__
    if updates:
        session.execute(update(table).where(
            table.c.entity_type == bindparam("t"), table.c.entity_id == bindparam("i"),
            table.c.audience == bindparam("a")).values(visible=bindparam("visible"),
                                                        seq=bindparam("seq")), updates)
    if inserts:
        session.execute(insert(table).values(
            entity_type=bindparam("t"), entity_id=bindparam("i"), audience=bindparam("a"),
            visible=bindparam("visible"), seq=bindparam("seq")), inserts)
    metrics.feed_stamped()


def _plan(session, objects) -> list[tuple[tuple[str, str, str], bool, bool]]:
    """(key, visible, row exists) for every feed entry that must get a new number."""
    existing = {}
    for kind, model in (("workorder", WorkOrderRow), ("catalog_item", CatalogItem),
                        ("kb_article", KbArticle)):
        ids = [obj.id for obj in objects if isinstance(obj, model)]
        if ids:  # (entity_type, entity_id) is the primary key's prefix: an index lookup
            rows = session.execute(select(FeedEntry.entity_id, FeedEntry.audience,
                                          FeedEntry.visible)
                                   .where(FeedEntry.entity_type == kind,
                                          FeedEntry.entity_id.in_(ids)))
            existing.update({(kind, eid, aud): vis for eid, aud, vis in rows})
    plan = []
    for obj in objects:
        if isinstance(obj, CatalogItem):
            key = ("catalog_item", obj.id, EVERYONE)
            plan.append((key, obj.active, key in existing))
            continue
        if isinstance(obj, KbArticle):  # every device; a retired article is a delete
            key = ("kb_article", obj.id, EVERYONE)
            plan.append((key, obj.retired_at is None, key in existing))
            continue
        holder = obj.assigned_engineer_id
        for key, visible in existing.items():
            if key[:2] == ("workorder", obj.id) and key[2] != holder and visible:
                plan.append((key, False, True))  # left this engineer's scope: a delete
        if holder is not None:
            key = ("workorder", obj.id, holder)
            plan.append((key, True, key in existing))
    return plan
