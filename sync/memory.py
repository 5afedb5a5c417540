"""In-memory push and pull storage: the ports' reference implementation, for tests and tools.

It keeps what the database keeps (orders, the mutation log, timelines, the change feed) in
dicts, and behaves as the SQL storage does, which the shared contract suite checks
(tests/contract/). There are no concurrent transactions here: one caller at a time.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from sync.document import to_document
from sync.errors import Forbidden
from sync.model import WorkOrder
from sync.mutations import Actor
from sync.pull import FeedEntry, PullStorage
from sync.push import CHILDREN, Envelope, PushOutcome, PushStorage, Recorded, child_ids

EVERYONE = "*"


@dataclass
class MemoryStore:
    """The state both ports share."""

    orders: dict[str, WorkOrder] = field(default_factory=dict)
    catalog: dict[str, dict] = field(default_factory=dict)
    clients: dict[str, list] = field(default_factory=dict)  # client_id -> [user_id, acked]
    log: dict[tuple[str, int], tuple[Envelope, Recorded]] = field(default_factory=dict)
    timeline: list[tuple[str, str, dict]] = field(default_factory=list)
    # (type, id, audience) -> [seq, visible]: the latest change of an entity for an audience
    feed: dict[tuple[str, str, str], list] = field(default_factory=dict)
    counter: int = 0
    retired_ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in CHILDREN})

    def save_order(self, order: WorkOrder) -> None:
        """Keep the order's state and stamp the feed as a commit does."""
        before = self.orders.get(order.id)
        if before is not None:
            for kind in CHILDREN:  # a removed charge line keeps its id taken, as its row does
                self.retired_ids[kind] |= child_ids(before, kind) - child_ids(order, kind)
        self.orders[order.id] = copy.deepcopy(order)
        for key, entry in list(self.feed.items()):
            if key[:2] == ("workorder", order.id) and key[2] != order.assigned_engineer_id \
                    and entry[1]:
                self._stamp(key, visible=False)  # left this engineer's scope: a delete
        if order.assigned_engineer_id is not None:
            self._stamp(("workorder", order.id, order.assigned_engineer_id), visible=True)

    def save_catalog_item(self, item_id: str, document: dict) -> None:
        self.catalog[item_id] = dict(document)
        self._stamp(("catalog_item", item_id, EVERYONE), visible=document.get("active", True))

    def _stamp(self, key: tuple[str, str, str], visible: bool) -> None:
        self.counter += 1
        self.feed[key] = [self.counter, visible]


class MemoryPushStorage(PushStorage):
    def __init__(self, store: MemoryStore):
        self.store = store

    def claim_client(self, client_id: str, user_id: str) -> int:
        owner, acked = self.store.clients.setdefault(client_id, [user_id, 0])
        if owner != user_id:
            raise Forbidden("this client_id belongs to another user", code="client_not_yours")
        return acked

    def recorded(self, client_id: str, seqs: list[int]) -> dict[int, Recorded]:
        log = self.store.log
        return {seq: log[(client_id, seq)][1] for seq in seqs if (client_id, seq) in log}

    def load_orders(self, order_ids: list[str], actor: Actor) -> dict[str, WorkOrder]:
        found = {}
        for order_id in sorted(order_ids):
            order = self.store.orders.get(order_id)
            held = ("workorder", order_id, actor.id) in self.store.feed
            if order is not None and (order.assigned_engineer_id == actor.id or held):
                found[order_id] = copy.deepcopy(order)
        return found

    def ids_in_use(self, kind: str, ids: set[str]) -> set[str]:
        used = set(self.store.retired_ids[kind])
        for order in self.store.orders.values():
            used |= child_ids(order, kind)
        return ids & used

    def write(self, client_id: str, outcome: PushOutcome) -> None:
        for order in outcome.orders.values():
            self.store.save_order(order)
        for _, line in outcome.dropped:
            self.store.retired_ids["charge"].add(line.id)
        self.store.timeline += [(e.order_id, e.action, e.details) for e in outcome.events]
        for envelope, result in outcome.recorded:
            self.store.log[(client_id, envelope.seq)] = (envelope, result)
        self.store.clients[client_id][1] = outcome.acked_seq


class MemoryPullStorage(PullStorage):
    def __init__(self, store: MemoryStore):
        self.store = store

    def feed_after(self, user_id: str, after: int, limit: int,
                   visible_only: bool) -> list[FeedEntry]:
        entries = [
            FeedEntry(seq=seq, type=kind, id=entity_id, visible=visible)
            for (kind, entity_id, audience), (seq, visible) in self.store.feed.items()
            if audience in (user_id, EVERYONE) and seq > after
            and (visible or not visible_only)]
        return sorted(entries, key=lambda e: e.seq)[:limit]

    def load(self, kind: str, ids: list[str]) -> dict[str, dict]:
        if kind == "catalog_item":
            return {i: dict(self.store.catalog[i]) for i in ids if i in self.store.catalog}
        return {i: to_document(self.store.orders[i]) for i in ids if i in self.store.orders}
