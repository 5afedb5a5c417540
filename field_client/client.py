"""The library a device app embeds: every command works offline and is queued for `sync`."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import httpx

from field_client import engine, kb
from field_client.replica import check_and_apply, local_order
from field_client.store import LocalStore
from field_client.transport import Transport
from media.decode import open_image
from media.formats import MIME_TYPES, SIGNATURE_MIME_TYPES, mime_for
from sync.digest import charges_digest
from sync.document import to_document
from sync.errors import DomainError
from sync.money import money_str, totals
from sync.mutations import Actor
from sync.storable import storable


class CommandError(Exception):
    """The command cannot succeed; nothing was queued."""


class FieldClient:
    def __init__(self, home: Path, *, http: httpx.Client | None = None, clock=None):
        self.store = LocalStore(home, clock)
        self._http = http  # injected by embedding apps and tests; else one per server URL

    def close(self) -> None:
        self.store.close()

    # --- login and sync ------------------------------------------------------------------
    def transport(self) -> Transport:
        credentials = self.store.credentials()
        if credentials is None:
            raise CommandError("not logged in: run `login SERVER_URL USERNAME PASSWORD` first")
        return Transport(credentials["server_url"], credentials["token"], client=self._http)

    def login(self, server_url: str, username: str, password: str) -> dict:
        """Get a token and keep it (0600); a different engineer gets a fresh replica."""
        server_url = server_url.rstrip("/")
        transport = Transport(server_url, client=self._http)
        try:
            answer = transport.login(username, password, device_id=self.store.client_id())
            previous = self.store.credentials()
            if previous is None or previous["user_id"] != answer["user_id"]:
                unsent = self.store.outbox(state="pending")
                if previous is not None and unsent:
                    raise CommandError(f"{len(unsent)} unsent action(s) of {previous['username']} "
                                       "are on this device: sync them before another login")
                if previous is not None:
                    self.store.reset_for_user(answer["user_id"])
                    # The token names the install it was issued to: ask again with the new id.
                    answer = transport.login(username, password, device_id=self.store.client_id())
            transport.token = answer["token"]
            me = transport.me()
            credentials = {"server_url": server_url, "token": answer["token"],
                           "user_id": answer["user_id"], "username": username,
                           "name": me["name"], "role": answer["role"],
                           "expires_at": answer["expires_at"]}
            self.store.save_credentials(credentials)
            return credentials
        finally:
            transport.close()  # the server may keep the connection alive

    def sync(self, progress: engine.Progress | None = None) -> engine.SyncReport:
        transport = self.transport()
        try:
            return engine.sync(self.store, transport, progress)
        finally:
            transport.close()

    # --- reading -------------------------------------------------------------------------
    def actor(self) -> Actor:
        credentials = self.store.credentials()
        if credentials is None:
            raise CommandError("not logged in: run `login` first")
        return Actor(id=credentials["user_id"], role=credentials["role"],
                     name=credentials["name"])

    def jobs(self) -> list[dict]:
        """Every order in the replica as the engineer sees it now (pending work applied)."""
        actor = self.actor()
        return [to_document(local_order(self.store, doc, actor))
                for doc in self.store.order_docs()]

    def show(self, ref: str) -> dict:
        document = to_document(local_order(self.store, self._doc(ref), self.actor()))
        document["pending"] = [q.name for q in self.store.outbox("pending", document["id"])]
        return document

    def status(self) -> dict:
        """What is waiting to be sent, and what the server refused, with its reasons."""
        numbers = {doc["id"]: doc["number"] for doc in self.store.order_docs()}

        def describe(queued):
            # storable(): a note queued in a broken encoding must not break the display.
            return {"seq": queued.seq, "name": queued.name, "args": storable(queued.args),
                    "order": numbers.get(queued.order_id, queued.order_id),
                    "queued_at": queued.created_at, "error": queued.error}

        return {"pending": [describe(q) for q in self.store.outbox("pending")],
                "uploads": [{"sha256": u.sha256, "size": u.size}
                            for u in self.store.pending_uploads()],
                "refused_uploads": self.store.refused_uploads(),
                "rejected": [describe(q) for q in self.store.outbox("rejected")],
                "last_sync_cursor": self.store.get("cursor")}

    # --- the knowledge base (offline, from the replica) -------------------------------------
    def kb_search(self, query: str, language: str | None = None, limit: int = 10) -> list[dict]:
        """Articles on this device, best first, each with its `score`."""
        return [found.doc | {"score": found.score}
                for found in kb.search(self.store.db, query, language, limit)]

    def kb_show(self, ref: str) -> dict:
        """One article by id or the start of its id (at least 4 characters)."""
        found = kb.find(self.store.db, ref)
        if len(found) != 1:
            raise CommandError(f"no article {ref!r} on this device (run `kb search`, or `sync`)"
                               if not found else f"{ref!r} names several articles: give more")
        return found[0]

    def kb_used(self, ref: str, article_ref: str) -> dict:
        """Queue `kb.used`: this article helped on this order."""
        return self._queue(ref, "kb.used", article_id=self.kb_show(article_ref)["id"])

    def _doc(self, ref: str) -> dict:
        doc = self.store.find_order(ref)
        if doc is None:
            raise CommandError(f"no order {ref!r} on this device (run `jobs`, or `sync`)")
        return doc

    # --- commands ------------------------------------------------------------------------
    def _queue(self, ref: str, name: str, files=(), **args) -> dict:
        doc = self._doc(ref)
        args = {"work_order_id": doc["id"], **args}
        try:
            check_and_apply(self.store, doc, self.actor(), name, args, str(uuid.uuid4()))
        except DomainError as exc:
            raise CommandError(_sentence(exc)) from exc
        queued = self.store.enqueue(name, args, doc["id"], list(files))
        return {"seq": queued.seq, "id": queued.id, "name": name, "order": doc["number"]}

    def accept(self, ref: str) -> dict:
        return self._queue(ref, "workorder.accept")

    def start(self, ref: str, location: dict | None = None) -> dict:
        return self._queue(ref, "workorder.start", **({"location": location} if location else {}))

    def complete(self, ref: str) -> dict:
        return self._queue(ref, "workorder.complete")

    def note(self, ref: str, text: str) -> dict:
        return self._queue(ref, "workorder.note", text=text)

    def charge(self, ref: str, catalog_code: str, quantity: str) -> dict:
        return self._queue(ref, "charge.add", charge_id=str(uuid.uuid4()), quantity=quantity,
                           catalog_code=catalog_code)

    def fail_visit(self, ref: str, reason: str, note: str | None = None,
                   location: dict | None = None) -> dict:
        """Report that the visit failed (customer absent, no access, ...); the office follows up."""
        extra = {name: value for name, value in (("note", note), ("location", location))
                 if value is not None}
        return self._queue(ref, "workorder.fail_visit", reason=reason, **extra)

    def remove_charge(self, ref: str, charge_id: str) -> dict:
        return self._queue(ref, "charge.remove", charge_id=charge_id)

    def photo(self, ref: str, path: Path, kind: str = "after", caption: str | None = None):
        sha256, content_type = _image_file(Path(path), allowed=tuple(MIME_TYPES.values()))
        extra = {"caption": caption} if caption else {}
        return self._queue(ref, "photo.attach", files=[(sha256, Path(path), content_type)],
                           photo_id=str(uuid.uuid4()), sha256=sha256, kind=kind, **extra)

    def sign(self, ref: str, signer_name: str, signature_png: Path) -> dict:
        """Bind the customer's signature to the charges shown on this device right now."""
        sha256, content_type = _image_file(Path(signature_png), allowed=SIGNATURE_MIME_TYPES)
        order = local_order(self.store, self._doc(ref), self.actor())
        total = totals(order.charges, order.currency).total
        return self._queue(ref, "signoff.capture",
                           files=[(sha256, Path(signature_png), content_type)],
                           signoff_id=str(uuid.uuid4()), signer_name=signer_name,
                           signature_sha256=sha256,
                           charges_digest=charges_digest(order.currency, order.charges),
                           total=money_str(total, order.currency))


def _image_file(path: Path, allowed: tuple[str, ...]) -> tuple[str, str]:
    """SHA-256 and media type of an image file, or CommandError."""
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    try:
        with open_image(path) as image:
            content_type = mime_for(image.format)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same answer
        raise CommandError(f"{path} is not a JPEG, PNG or HEIC image") from exc
    if content_type not in allowed:
        raise CommandError(f"{path} must be " + " or ".join(allowed))
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest(), content_type


def _sentence(exc: DomainError) -> str:
    details = exc.details.get("fields")
    if details:
        return f"{exc.message}: " + "; ".join(f"{k}: {' '.join(map(str, v))}"
                                             for k, v in details.items())
    return exc.message
