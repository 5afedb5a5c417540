"""Pull: what changed in an engineer's scope since an opaque cursor, paginated.

Every change to an order or catalog item stamps a feed entry per audience with a number from a
counter that is taken at the very end of the writing transaction and held until it commits, so
feed numbers become visible in order: a reader that has seen N has seen everything below N.
"""

from __future__ import annotations

import base64
import binascii
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass

from sync.errors import BadRequest

CURSOR_PREFIX = "fs1:"


def encode_cursor(seq: int, prefix: str = CURSOR_PREFIX) -> str:
    """The opaque cursor for position `seq` (of the feed, or of a listing with its prefix)."""
    return base64.urlsafe_b64encode(f"{prefix}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, prefix: str = CURSOR_PREFIX) -> int:
    """The position of an opaque cursor, or BadRequest(invalid_cursor)."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(prefix):
            raise ValueError(text)
        seq = int(text[len(prefix):])
        if not 0 <= seq < 2**63:
            raise ValueError(text)
        return seq
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest("the cursor is not one this server gave out",
                         code="invalid_cursor") from exc


@dataclass(frozen=True)
class FeedEntry:
    seq: int
    type: str  # "workorder" | "catalog_item" | "kb_article"
    id: str
    visible: bool


class PullStorage(ABC):
    """The port the pull needs."""

    @abstractmethod
    def feed_after(self, user_id: str, after: int, limit: int,
                   visible_only: bool) -> list[FeedEntry]:
        """Feed entries of this user's audience (and everyone's) with seq > after, in order."""

    @abstractmethod
    def load(self, kind: str, ids: list[str]) -> dict[str, dict]:
        """Current data of the entities of one type, by id."""

    def load_json(self, kind: str, ids: list[str]) -> dict[str, str]:
        """The same data already encoded as JSON text; a storage that keeps documents
        encoded answers without decoding them."""
        return {key: encode_json(value) for key, value in self.load(kind, ids).items()}


def encode_json(value) -> str:
    """Compact JSON text as the API writes it."""
    return json.dumps(value, separators=(",", ":"))


def pull(storage: PullStorage, user_id: str, cursor: str | None, limit: int) -> dict:
    """One page of changes: {"changes", "cursor", "has_more"}."""
    entries, next_cursor, has_more = _page(storage, user_id, cursor, limit)
    data = _data(storage.load, entries)
    changes = []
    for entry in entries:
        found = data.get(entry.type, {}).get(entry.id) if entry.visible else None
        if found is None:
            changes.append({"type": entry.type, "id": entry.id, "op": "delete"})
        else:
            changes.append({"type": entry.type, "id": entry.id, "op": "upsert", "data": found})
    return {"changes": changes, "cursor": next_cursor, "has_more": has_more}


def pull_json(storage: PullStorage, user_id: str, cursor: str | None, limit: int) -> str:
    """The same page as `pull`, as JSON text spliced from the documents' encoded text, so a
    page of stored documents is never decoded and encoded again."""
    entries, next_cursor, has_more = _page(storage, user_id, cursor, limit)
    data = _data(storage.load_json, entries)
    changes = []
    for entry in entries:
        found = data.get(entry.type, {}).get(entry.id) if entry.visible else None
        head = encode_json({"type": entry.type, "id": entry.id,
                            "op": "delete" if found is None else "upsert"})
        changes.append(head if found is None else f'{head[:-1]},"data":{found}}}')
    return (f'{{"changes":[{",".join(changes)}],"cursor":{encode_json(next_cursor)},'
            f'"has_more":{encode_json(has_more)}}}')


def _page(storage: PullStorage, user_id: str, cursor: str | None,
          limit: int) -> tuple[list[FeedEntry], str, bool]:
    after = decode_cursor(cursor) if cursor else 0
    entries = storage.feed_after(user_id, after, limit + 1, visible_only=cursor is None)
    has_more = len(entries) > limit
    entries = entries[:limit]
    next_seq = entries[-1].seq if entries else after
    return entries, encode_cursor(next_seq), has_more


def _data(load, entries: list[FeedEntry]) -> dict[str, dict]:
    """The visible entries' data, one load per kind."""
    return {kind: load(kind, [e.id for e in entries if e.visible and e.type == kind])
            for kind in {e.type for e in entries if e.visible}}
