"""What the engineer sees: each order as last pulled, with the unsent work applied on top by
the same rules the server runs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from field_client import kb
from field_client.store import LocalStore
from sync.document import from_document
from sync.errors import DomainError
from sync.model import CatalogEntry, KbArticleRef, WorkOrder
from sync.mutations import Actor, MutationContext, apply_mutation, parse_args


class DeviceContext(MutationContext):
    """The device's view: the pulled catalog; photos stay unverified until the server sees them."""

    def __init__(self, store: LocalStore, actor: Actor):
        super().__init__(actor, datetime.now(UTC))
        self.store = store

    def catalog_entry(self, code: str) -> CatalogEntry | None:
        doc = self.store.catalog_doc(code)
        if doc is None:
            return None
        return CatalogEntry(code=doc["code"], kind=doc["kind"], description=doc["description"],
                            unit=doc["unit"], unit_price=Decimal(doc["unit_price"]),
                            tax_rate=Decimal(doc["tax_rate"]), currency=doc["currency"],
                            active=doc["active"])

    def kb_article(self, article_id: str) -> KbArticleRef | None:
        doc = kb.get(self.store.db, article_id)
        if doc is None:
            return None  # not pulled, or retired and removed by a pull
        return KbArticleRef(id=doc["id"], title=doc["title"], version=doc["version"],
                            retired=doc.get("retired_at") is not None)


def local_order(store: LocalStore, doc: dict, actor: Actor) -> WorkOrder:
    """The pulled order with this device's pending mutations applied in seq order."""
    order = from_document(doc)
    context = DeviceContext(store, actor)
    for queued in store.unconfirmed(order.id, order.version):
        try:
            apply_mutation(order, queued.name, parse_args(queued.name, queued.args), queued.id,
                           context)
        except DomainError:
            continue  # the server will reject it too; `status` shows why after the sync
    return order


def check_and_apply(store: LocalStore, doc: dict, actor: Actor, name: str,
                    args: dict, mutation_id: str) -> WorkOrder:
    """Apply one new mutation to the local view, raising the rule's DomainError if it breaks
    one, so a command that cannot succeed fails at once instead of after the next sync."""
    order = local_order(store, doc, actor)
    apply_mutation(order, name, parse_args(name, args), mutation_id, DeviceContext(store, actor))
    return order
