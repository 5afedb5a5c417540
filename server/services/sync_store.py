"""The push and pull ports of sync/, implemented over the server's database."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from media.decode import open_image
from media.store import MediaStore
from server.extensions import db
from server.models import CatalogItem, FeedEntry, SyncClient, SyncMutation, User, WorkOrderRow
from server.services import orders_repo, timeline
from server.services.dispatch import catalog_document
from server.services.feed import EVERYONE
from server.services.kb_usage import KbUsageLookup, kb_documents
from server.services.photos import verify_attached_photo
from sync.document import to_document
from sync.errors import Conflict, Forbidden
from sync.model import CatalogEntry, Photo, WorkOrder
from sync.mutations import Actor, MutationContext
from sync.pull import FeedEntry as Entry
from sync.pull import PullStorage
from sync.push import Envelope, PushStorage, Recorded, parse_client_time, push


class SqlPushStorage(PushStorage):
    def __init__(self, user: User, device_id: str | None, now: datetime):
        self.user, self.device_id, self.now = user, device_id, now
        self.rows: dict[str, WorkOrderRow] = {}

    def claim_client(self, client_id: str, user_id: str) -> int:
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(SyncClient).values(
            client_id=client_id, user_id=user_id, acked_seq=0, created_at=self.now,
        ).on_conflict_do_nothing(index_elements=["client_id"]))
        # The row lock serialises concurrent pushes of one client: a retry sent while the
        # first attempt is still running waits, then sees its results as duplicates.
        client = db.session.scalar(select(SyncClient).where(SyncClient.client_id == client_id)
                                   .with_for_update().execution_options(
                                       populate_existing=True))
        if client.user_id != user_id:
            raise Forbidden("this client_id belongs to another user", code="client_not_yours")
        return client.acked_seq

    def recorded(self, client_id: str, seqs: list[int]) -> dict[int, Recorded]:
        if not seqs:
            return {}
        rows = db.session.scalars(select(SyncMutation).where(
            SyncMutation.client_id == client_id, SyncMutation.seq.in_(seqs)))
        return {r.seq: Recorded(r.mutation_id, r.status, r.error, r.version) for r in rows}

    def set_acked(self, client_id: str, seq: int) -> None:
        db.session.execute(update(SyncClient).where(SyncClient.client_id == client_id)
                           .values(acked_seq=seq, last_push_at=self.now))

    def record(self, client_id: str, envelope: Envelope, result: Recorded) -> None:
        args = envelope.args if isinstance(envelope.args, dict) else {"_raw": envelope.args}
        order_id = args.get("work_order_id") if isinstance(args, dict) else None
        db.session.add(SyncMutation(
            client_id=client_id, seq=envelope.seq, mutation_id=envelope.id,
            user_id=self.user.id, name=envelope.name, args=args,
            client_time=_text(envelope.client_time), status=result.status,
            error=result.error, version=result.version,
            work_order_id=order_id if isinstance(order_id, str) and len(order_id) <= 36
            else None, received_at=self.now))

    @contextmanager
    def savepoint(self):
        with db.session.begin_nested():
            yield

    def load_order(self, order_id: str, actor: Actor) -> WorkOrder | None:
        # Locked by this transaction already when an earlier mutation of the batch loaded it.
        row = self.rows.get(order_id) or orders_repo.load_row(order_id, lock=True)
        if row is None:
            return None
        if row.assigned_engineer_id != actor.id and not _ever_held(order_id, actor.id):
            return None
        self.rows[row.id] = row
        return orders_repo.to_aggregate(row)

    def save_order(self, order: WorkOrder) -> None:
        orders_repo.save(self.rows[order.id], order, self.now)
        try:
            db.session.flush()
        except IntegrityError as exc:
            # A client-made id (charge, photo, sign-off) that another order already uses.
            raise Conflict("an id in this mutation is already used elsewhere",
                           code="id_conflict") from exc

    def add_event(self, order_id: str, actor: Actor, action: str, details: dict,
                  envelope: Envelope) -> None:
        timeline.record(order_id, actor_id=actor.id, actor=actor.name, role=actor.role,
                        action=action, details=details, now=self.now,
                        client_time=_text(envelope.client_time), device_id=self.device_id)


def _text(value) -> str | None:
    return None if value is None else str(value)[:64]


def _ever_held(order_id: str, user_id: str) -> bool:
    return db.session.scalar(select(FeedEntry.entity_id).where(
        FeedEntry.entity_type == "workorder", FeedEntry.entity_id == order_id,
        FeedEntry.audience == user_id)) is not None


class ServerMutationContext(KbUsageLookup, MutationContext):
    """The server's view: the live catalog, the media store, photo verification."""

    def __init__(self, actor: Actor, now: datetime, catalog_cache: dict, store: MediaStore,
                 timezone: str, photo_slack: timedelta, claimed_time: datetime | None = None):
        super().__init__(actor, now, claimed_time)
        self._catalog = catalog_cache
        self.store, self.timezone, self.photo_slack = store, timezone, photo_slack

    def media_available(self, sha256: str) -> bool:
        return self.store.exists(sha256)

    def is_png(self, sha256: str) -> bool:
        with open_image(self.store.path_for(sha256)) as image:
            return image.format == "PNG"

    def verify_photo(self, order: WorkOrder, photo: Photo) -> None:
        verify_attached_photo(order, photo, store=self.store, timezone=self.timezone,
                              slack=self.photo_slack, now=self.now)

    def catalog_entry(self, code: str) -> CatalogEntry | None:
        if code not in self._catalog:
            item = db.session.scalar(select(CatalogItem).where(CatalogItem.code == code))
            self._catalog[code] = None if item is None else CatalogEntry(
                code=item.code, kind=item.kind, description=item.description, unit=item.unit,
                unit_price=item.unit_price, tax_rate=item.tax_rate, currency=item.currency,
                active=item.active)
        return self._catalog[code]


class SqlPullStorage(PullStorage):
    def feed_after(self, user_id: str, after: int, limit: int,
                   visible_only: bool) -> list[Entry]:
        statement = (select(FeedEntry).where(FeedEntry.audience.in_([user_id, EVERYONE]),
                                             FeedEntry.seq > after)
                     .order_by(FeedEntry.seq).limit(limit))
        if visible_only:
            statement = statement.where(FeedEntry.visible.is_(True))
        return [Entry(seq=e.seq, type=e.entity_type, id=e.entity_id, visible=e.visible)
                for e in db.session.scalars(statement)]

    def load(self, kind: str, ids: list[str]) -> dict[str, dict]:
        if kind == "catalog_item":
            items = db.session.scalars(select(CatalogItem).where(CatalogItem.id.in_(ids)))
            return {item.id: catalog_document(item) for item in items}
        if kind == "kb_article":
            return kb_documents(ids)
        rows = db.session.scalars(select(WorkOrderRow).where(WorkOrderRow.id.in_(ids)))
        return {row.id: to_document(orders_repo.to_aggregate(row)) for row in rows}


def push_from_device(user: User, device_id: str | None, body: dict, *, now: datetime,
                     store: MediaStore, timezone: str, photo_slack: timedelta) -> dict:
    """Apply one push request of an engineer's device."""
    actor = Actor(id=user.id, role=user.role, name=user.name)
    storage = SqlPushStorage(user, device_id or body["client_id"], now)
    catalog_cache: dict = {}
    envelopes = [Envelope(**mutation) for mutation in body["mutations"]]
    return push(storage, actor, body["client_id"], envelopes,
                lambda envelope: ServerMutationContext(
                    actor, now, catalog_cache, store, timezone, photo_slack,
                    claimed_time=parse_client_time(envelope.client_time)))
