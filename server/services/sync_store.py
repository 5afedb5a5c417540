"""The push port of sync/ over the server's database, and the server's mutation context."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from media.decode import open_image
from media.formats import is_signature_format
from media.store import MediaStore
from server.extensions import db
from server.models import (
    ChargeLineRow,
    FeedEntry,
    NoteRow,
    PhotoRow,
    SignoffRow,
    SyncClient,
    SyncMutation,
    TimelineEvent,
    User,
    WorkOrderRow,
)
from server.services import catalog_prices, engineers, order_documents, orders_repo
from server.services.kb_usage import KbUsageLookup
from server.services.photos import verify_attached_photo
from sync.errors import Forbidden
from sync.model import CatalogEntry, Photo, WorkOrder
from sync.mutations import Actor, MutationContext
from sync.push import Envelope, PushOutcome, PushStorage, Recorded, parse_client_time, push


class SqlPushStorage(PushStorage):
    def __init__(self, user: User, device_id: str | None, now: datetime):
        self.user, self.device_id, self.now = user, device_id, now
        self.rows: dict[str, WorkOrderRow] = {}
        self.inserted: dict = {}  # children this unit of work wrote, by (order id, model)

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

    def load_orders(self, order_ids: list[str], actor: Actor) -> dict[str, WorkOrder]:
        held = exists().where(FeedEntry.entity_type == "workorder",
                              FeedEntry.entity_id == WorkOrderRow.id,
                              FeedEntry.audience == actor.id)
        # One statement locks every order of the batch, in id order: two batches naming the
        # same orders in opposite orders queue behind each other instead of deadlocking.
        statement = (select(WorkOrderRow)
                     .where(WorkOrderRow.id.in_(order_ids),
                            or_(WorkOrderRow.assigned_engineer_id == actor.id, held))
                     .order_by(WorkOrderRow.id)
                     .with_for_update(of=WorkOrderRow)
                     .execution_options(populate_existing=True))
        self.rows = {row.id: row for row in db.session.scalars(statement)}
        return {row.id: orders_repo.to_aggregate(row) for row in self.rows.values()}

    def ids_in_use(self, kind: str, ids: set[str]) -> set[str]:
        model = CHILD_MODELS[kind]
        return set(db.session.scalars(select(model.id).where(model.id.in_(sorted(ids)))))

    def write(self, client_id: str, outcome: PushOutcome) -> None:
        orders_repo.save_in_bulk(self.rows, list(outcome.orders.values()), self.now,
                                 self.inserted, outcome.dropped)
        order_documents.written(db.session, outcome.orders.values())
        engineers.note_reported_position(self.user, list(outcome.orders.values()))
        if outcome.events:
            db.session.execute(insert(TimelineEvent), [dict(
                work_order_id=event.order_id, at=self.now, actor_id=self.user.id,
                actor=self.user.name, role=self.user.role, action=event.action,
                details=event.details, client_time=_text(event.envelope.client_time),
                device_id=self.device_id) for event in outcome.events])
        if outcome.recorded:
            db.session.execute(insert(SyncMutation), [
                self._log_row(client_id, envelope, result)
                for envelope, result in outcome.recorded])
        db.session.execute(update(SyncClient).where(SyncClient.client_id == client_id)
                           .values(acked_seq=outcome.acked_seq, last_push_at=self.now))

    def forget_children(self) -> None:
        """Children were bulk-inserted behind the ORM's back: make the rows' collections load
        again if the caller (the demo data, say) reads them in the same session."""
        for row in self.rows.values():
            db.session.expire(row, ["charges", "notes", "photos", "signoffs"])

    def _log_row(self, client_id: str, envelope: Envelope, result: Recorded) -> dict:
        args = envelope.args if isinstance(envelope.args, dict) else {"_raw": envelope.args}
        order_id = args.get("work_order_id")
        return dict(client_id=client_id, seq=envelope.seq, mutation_id=envelope.id,
                    user_id=self.user.id, name=envelope.name, args=args,
                    client_time=_text(envelope.client_time), status=result.status,
                    error=result.error, version=result.version,
                    work_order_id=order_id if isinstance(order_id, str) and len(order_id) <= 36
                    else None, received_at=self.now)


CHILD_MODELS = {"charge": ChargeLineRow, "photo": PhotoRow, "signoff": SignoffRow,
                "note": NoteRow}


def _text(value) -> str | None:
    return None if value is None else str(value)[:64]


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
        with self.store.local_copy(sha256) as path, open_image(path) as image:
            return is_signature_format(image.format)

    def verify_photo(self, order: WorkOrder, photo: Photo) -> None:
        verify_attached_photo(order, photo, store=self.store, timezone=self.timezone,
                              slack=self.photo_slack, now=self.now)

    def catalog_entry(self, code: str) -> CatalogEntry | None:
        key = (code, self.claimed_time)  # priced at the version in effect when quoted
        if key not in self._catalog:
            self._catalog[key] = catalog_prices.entry_at(code, self.claimed_time, self.now)
        return self._catalog[key]


def push_from_device(user: User, device_id: str | None, body: dict, *, now: datetime,
                     store: MediaStore, timezone: str, photo_slack: timedelta) -> dict:
    """Apply one push request of an engineer's device."""
    actor = Actor(id=user.id, role=user.role, name=user.name)
    storage = SqlPushStorage(user, device_id or body["client_id"], now)
    catalog_cache: dict = {}
    envelopes = [Envelope(**mutation) for mutation in body["mutations"]]
    answer = push(storage, actor, body["client_id"], envelopes,
                  lambda envelope: ServerMutationContext(
                      actor, now, catalog_cache, store, timezone, photo_slack,
                      claimed_time=parse_client_time(envelope.client_time)))
    storage.forget_children()
    return answer
