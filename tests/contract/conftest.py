"""One harness per store behind the sync ports: memory, SQLite and PostgreSQL. The contract
tests call sync.push.push and sync.pull.pull on the store's ports directly, never HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from sync.errors import DomainError
from sync.memory import MemoryPullStorage, MemoryPushStorage, MemoryStore
from sync.model import WorkOrder
from sync.mutations import Actor, MutationContext
from sync.orders import assign
from sync.pull import pull
from sync.push import Envelope, push
from tests.contract.media_stores import media_harness  # noqa: F401 - the media stores' harness

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class Harness:
    """Users `engineer` and `engineer2`, orders made for them, and the two ports."""

    def order_for(self, engineer: str) -> str: ...
    def reassign(self, order_id: str, engineer: str) -> None: ...
    def push(self, engineer: str, client_id: str, mutations: list[dict]) -> dict: ...
    def pull(self, engineer: str, cursor: str | None, limit: int = 1000) -> dict: ...


class NoMediaContext(MutationContext):
    """The memory store's surroundings: no catalog, no uploaded media."""

    def catalog_entry(self, code):
        return None

    def media_available(self, sha256):
        return False


class MemoryHarness(Harness):
    def __init__(self):
        self.store = MemoryStore()
        self.ids = {"engineer": str(uuid.uuid4()), "engineer2": str(uuid.uuid4())}
        self.serial = 0

    def order_for(self, engineer):
        self.serial += 1
        order = WorkOrder(id=str(uuid.uuid4()), number=f"WO-{self.serial:06d}", status="open",
                          title="Air conditioner", currency="CNY", created_at=NOW)
        assign(order, self.ids[engineer], NOW)
        self.store.save_order(order)
        return order.id

    def reassign(self, order_id, engineer):
        order = self.store.orders[order_id]
        assign(order, self.ids[engineer], NOW)
        self.store.save_order(order)

    def push(self, engineer, client_id, mutations):
        actor = Actor(id=self.ids[engineer], role="engineer", name=engineer)
        return push(MemoryPushStorage(self.store), actor, client_id,
                    [Envelope(**m) for m in mutations],
                    lambda envelope: NoMediaContext(actor, NOW + timedelta(hours=1)))

    def pull(self, engineer, cursor, limit=1000):
        return pull(MemoryPullStorage(self.store), self.ids[engineer], cursor, limit)


class SqlHarness(Harness):
    """Setup (users, orders, reassignment) goes through the API; the ports run in-process."""

    def __init__(self, app, api, world):
        self.app, self.api, self.world = app, api, world
        self.ids = world.ids

    def order_for(self, engineer):
        return self.api.create_order(self.world, assign_to=engineer)["id"]

    def reassign(self, order_id, engineer):
        self.api.post(f"/api/v1/workorders/{order_id}/assign",
                      {"engineer_id": self.ids[engineer]}, as_="dispatcher", expect=200)

    def push(self, engineer, client_id, mutations):
        from server.extensions import db
        from server.media_store import media_store
        from server.models import User
        from server.services.sync_store import ServerMutationContext, SqlPushStorage

        with self.app.app_context():
            user = db.session.get(User, self.ids[engineer])
            actor = Actor(id=user.id, role=user.role, name=user.name)
            store = media_store()
            try:
                answer = push(SqlPushStorage(user, None, NOW), actor, client_id,
                              [Envelope(**m) for m in mutations],
                              lambda envelope: ServerMutationContext(
                                  actor, NOW + timedelta(hours=1), {}, store, "Asia/Shanghai",
                                  timedelta(minutes=30)))
            except DomainError:
                db.session.rollback()
                raise
            db.session.commit()
            return answer

    def pull(self, engineer, cursor, limit=1000):
        from server.extensions import db
        from server.services.pull_store import SqlPullStorage

        with self.app.app_context():
            try:
                return pull(SqlPullStorage(), self.ids[engineer], cursor, limit)
            finally:
                db.session.rollback()


@pytest.fixture(params=["memory", "sqlite",
                        pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request):
    return request.param


@pytest.fixture
def backend(store):
    return store  # the SQL harnesses build their app on this backend


@pytest.fixture
def harness(store, request) -> Harness:
    if store == "memory":
        return MemoryHarness()
    return SqlHarness(request.getfixturevalue("app"), request.getfixturevalue("api"),
                      request.getfixturevalue("world"))
