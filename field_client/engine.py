"""One sync: upload pending files, push the outbox in seq order, pull until up to date.

Safe to interrupt anywhere: uploads are content-addressed (HEAD first), pushes are answered
exactly once per seq, and each pulled page is stored with its cursor in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from field_client import kb, resumable
from field_client.prefetch import pages_ahead
from field_client.store import LocalStore
from field_client.transport import ServerRefused, Transport

# A push carries as many mutations as fit in BATCH_BYTES of JSON (the server takes 2 MiB and
# at most MAX_BATCH): many small ones go in one round trip, a few big ones do not risk a 413
# or a slow upload that a flaky network cuts short. One mutation always goes, whatever its size.
BATCH_BYTES = 256 * 1024
MAX_BATCH = 500
PAGE = 1000


@dataclass
class SyncReport:
    uploaded: int = 0
    upload_bytes: int = 0
    refused_uploads: list[dict] = field(default_factory=list)
    applied: int = 0
    rejected: list[dict] = field(default_factory=list)
    waiting: list[dict] = field(default_factory=list)
    pulled: int = 0
    deleted: int = 0

    @property
    def complete(self) -> bool:
        return not self.waiting

    def as_dict(self) -> dict:
        return {"uploaded": self.uploaded, "upload_bytes": self.upload_bytes,
                "refused_uploads": self.refused_uploads,
                "applied": self.applied, "rejected": self.rejected, "waiting": self.waiting,
                "pulled": self.pulled, "deleted": self.deleted, "complete": self.complete}


class Progress:
    """Callbacks for a progress display; the default shows nothing."""

    def start(self, task: str, total: int | None) -> None: ...
    def advance(self, task: str, amount: int) -> None: ...
    def stop(self, task: str) -> None: ...


def sync(store: LocalStore, transport: Transport, progress: Progress | None = None) -> SyncReport:
    """Upload, push, pull; Unreachable or ServerRefused propagate with the outbox intact."""
    progress = progress or Progress()
    report = SyncReport()
    upload_pending(store, transport, report, progress)
    push_outbox(store, transport, report)
    pull_changes(store, transport, report, progress)
    return report


def upload_pending(store: LocalStore, transport: Transport, report: SyncReport,
                   progress: Progress) -> None:
    pending = store.pending_uploads()
    if not pending:
        return
    progress.start("upload", sum(item.size for item in pending))
    for item in pending:
        if transport.media_exists(item.sha256):
            progress.advance("upload", item.size)
        elif not item.path.exists():
            _refuse(store, report, item.sha256, "the local copy of this file is missing")
            continue
        else:
            try:
                advance = lambda n: progress.advance("upload", n)  # noqa: E731
                if item.size > resumable.threshold():
                    resumable.upload(transport, store, item.sha256, item.path, advance)
                else:
                    transport.upload(item.sha256, item.path, item.content_type, advance)
            except ServerRefused as exc:
                if exc.status == 401:
                    raise
                # The server will never take this file; the rest of the work still goes.
                _refuse(store, report, item.sha256, exc.error.get("message", exc.code))
                continue
            report.uploaded += 1
            report.upload_bytes += item.size
        store.mark_uploaded(item.sha256)
    progress.stop("upload")


def _refuse(store: LocalStore, report: SyncReport, sha256: str, reason: str) -> None:
    store.mark_refused(sha256, reason)
    report.refused_uploads.append({"sha256": sha256, "reason": reason})


def push_outbox(store: LocalStore, transport: Transport, report: SyncReport) -> None:
    client_id = store.client_id()
    while batch := sized_batch(store.outbox(state="pending", limit=MAX_BATCH)):
        answer = transport.push(client_id, [queued.envelope() for queued in batch])
        settled, stop = [], False
        for result in answer["results"]:
            state = result.get("original_status", result["status"])
            if state == "retry":
                report.waiting.append(result)
                stop = True
            elif state in ("applied", "rejected"):
                settled.append((result["seq"], state, result.get("error"),
                                result.get("version")))
                if state == "rejected":
                    report.rejected.append(result)
                else:
                    report.applied += 1
        store.settle(settled)
        still_first = store.outbox(state="pending", limit=1)
        if stop or not settled or (still_first and still_first[0].seq == batch[0].seq):
            return  # waiting on the server, or no progress: never spin


def sized_batch(pending: list, budget: int = BATCH_BYTES) -> list:
    """The longest prefix of `pending` whose envelopes fit in `budget` bytes of JSON (at
    least one)."""
    batch, used = [], 0
    for queued in pending:
        size = len(json.dumps(queued.envelope(), separators=(",", ":"), default=str).encode())
        if batch and used + size > budget:
            break
        batch.append(queued)
        used += size
    return batch


def pull_changes(store: LocalStore, transport: Transport, report: SyncReport,
                 progress: Progress) -> None:
    progress.start("pull", None)
    pages = pages_ahead(lambda cursor: transport.pull(cursor, PAGE),
                        lambda page: kb.prepare(page["changes"]), store.get("cursor"))
    for page, articles in pages:
        store.apply_page(page["changes"], page["cursor"], articles)
        report.pulled += sum(1 for c in page["changes"] if c["op"] == "upsert")
        report.deleted += sum(1 for c in page["changes"] if c["op"] == "delete")
        progress.advance("pull", len(page["changes"]))
    progress.stop("pull")


def refused_message(exc: ServerRefused) -> str:
    """A sentence for the engineer about why the server refused the sync."""
    messages: dict[str, Callable[[], str]] = {
        "invalid_token": lambda: "your login has expired or was revoked: run `login` again",
        "missing_token": lambda: "you are not logged in: run `login` first",
        "seq_gap": lambda: ("the server has lost track of this device's earlier work "
                            f"(it acknowledges up to {exc.error['details'].get('acked_seq')});"
                            " ask your dispatcher"),
        "client_not_yours": lambda: "this device is registered to another engineer",
    }
    return messages.get(exc.code, lambda: f"the server refused: {exc.error.get('message')}")()
