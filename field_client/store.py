"""The device's local SQLite: the replica as last pulled, the outbox, files waiting to upload.

Every command writes its mutation (and its file's copy) in one transaction before it returns;
synchronous=FULL makes a committed command survive a crash or a dead battery.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from field_client import kb

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, number TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orders_number ON orders (number);
CREATE TABLE IF NOT EXISTS catalog (id TEXT PRIMARY KEY, code TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS catalog_code ON catalog (code);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, args TEXT NOT NULL,
    order_id TEXT, client_time TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending | applied | rejected
    error TEXT, version INTEGER, created_at TEXT NOT NULL, settled_at TEXT);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, seq);
CREATE TABLE IF NOT EXISTS uploads (
    sha256 TEXT PRIMARY KEY, content_type TEXT NOT NULL, size INTEGER NOT NULL,
    uploaded INTEGER NOT NULL DEFAULT 0,
    refused TEXT);  -- why the server refused the file, if it did (it is not sent again)
"""

UPSERT = {
    "workorder": "INSERT INTO orders (id, number, doc) VALUES (?, ?, ?) ON CONFLICT(id) "
                 "DO UPDATE SET number = excluded.number, doc = excluded.doc",
    "catalog_item": "INSERT INTO catalog (id, code, doc) VALUES (?, ?, ?) ON CONFLICT(id) "
                    "DO UPDATE SET code = excluded.code, doc = excluded.doc",
}
DELETE = {"workorder": "DELETE FROM orders WHERE id = ?",
          "catalog_item": "DELETE FROM catalog WHERE id = ?"}
KEY = {"workorder": "number", "catalog_item": "code"}


@dataclass(frozen=True)
class Queued:
    seq: int
    id: str
    name: str
    args: dict
    order_id: str | None
    client_time: str
    state: str
    error: dict | None
    created_at: str

    def envelope(self) -> dict:
        return {"seq": self.seq, "id": self.id, "name": self.name, "args": self.args,
                "client_time": self.client_time}


@dataclass(frozen=True)
class PendingUpload:
    sha256: str
    content_type: str
    size: int
    path: Path


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class LocalStore:
    """The client home: replica.db, credentials.json (0600) and media/ copies."""

    def __init__(self, home: Path, clock=None):
        # The device's clock stamps each queued mutation's client_time; tests set it back.
        self.clock = clock or (lambda: datetime.now().astimezone())
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.media = self.home / "media"
        self.db = sqlite3.connect(self.home / "replica.db", isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(SCHEMA)
        kb.install(self.db)
        columns = {row["name"] for row in self.db.execute("PRAGMA table_info(uploads)")}
        if "refused" not in columns:  # a replica made before refusals were kept
            self.db.execute("ALTER TABLE uploads ADD COLUMN refused TEXT")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- meta and credentials -------------------------------------------------------------
    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def put(self, key: str, value: str, db: sqlite3.Connection | None = None) -> None:
        (db or self.db).execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) "
                                "DO UPDATE SET value = excluded.value", (key, value))

    @property
    def credentials_path(self) -> Path:
        return self.home / "credentials.json"

    def credentials(self) -> dict | None:
        try:
            return json.loads(self.credentials_path.read_text())
        except FileNotFoundError:
            return None

    def save_credentials(self, credentials: dict) -> None:
        """Written to a new 0600 file then renamed over the old one: never world-readable."""
        fd, temp = tempfile.mkstemp(dir=self.home, prefix=".credentials")
        with os.fdopen(fd, "w") as handle:
            json.dump(credentials, handle)
        os.chmod(temp, 0o600)
        os.replace(temp, self.credentials_path)

    def client_id(self) -> str:
        """This install's id for the server's exactly-once bookkeeping."""
        existing = self.get("client_id")
        if existing:
            return existing
        with self.transaction() as db:
            self.put("client_id", str(uuid.uuid4()), db)
        return self.get("client_id")

    def reset_for_user(self, user_id: str) -> None:
        """A different engineer on this device: a fresh replica and client id."""
        with self.transaction() as db:
            for statement in ("DELETE FROM orders", "DELETE FROM catalog", "DELETE FROM outbox",
                              "DELETE FROM uploads", "DELETE FROM meta"):
                db.execute(statement)
            kb.clear(db)  # its next pull starts with no cursor: retired articles would stay
            self.put("user_id", user_id, db)
            self.put("client_id", str(uuid.uuid4()), db)

    # --- the outbox ----------------------------------------------------------------------
    def enqueue(self, name: str, args: dict, order_id: str | None,
                files: list[tuple[str, Path, str]] = ()) -> Queued:
        """Queue a mutation (and copies of its files) durably; its outbox entry."""
        for sha256, source, _ in files:
            self._keep_copy(sha256, source)
        mutation_id, client_time = str(uuid.uuid4()), self.clock().isoformat()
        with self.transaction() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox").fetchone()[0]
            db.execute("INSERT INTO outbox (seq, id, name, args, order_id, client_time, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (seq, mutation_id, name, json.dumps(args), order_id, client_time,
                        now_iso()))
            for sha256, source, content_type in files:
                db.execute("INSERT OR IGNORE INTO uploads (sha256, content_type, size) "
                           "VALUES (?, ?, ?)", (sha256, content_type, source.stat().st_size))
        return self.queued(seq)

    def _keep_copy(self, sha256: str, source: Path) -> None:
        target = self.media / sha256
        if target.exists():
            return
        self.media.mkdir(exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.media, suffix=".part")
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
        directory = os.open(self.media, os.O_RDONLY)
        try:  # the rename itself must survive a power cut, like the outbox row naming it
            os.fsync(directory)
        finally:
            os.close(directory)

    def queued(self, seq: int) -> Queued:
        return _queued(self.db.execute("SELECT * FROM outbox WHERE seq = ?", (seq,)).fetchone())

    def outbox(self, state: str | None = None, order_id: str | None = None,
               limit: int = 1_000_000) -> list[Queued]:
        query, params = "SELECT * FROM outbox WHERE 1 = 1", []
        if state:
            query += " AND state = ?"
            params.append(state)
        if order_id:
            query += " AND order_id = ?"
            params.append(order_id)
        rows = self.db.execute(query + " ORDER BY seq LIMIT ?", (*params, limit))
        return [_queued(row) for row in rows]

    def settle(self, results: list[tuple[int, str, dict | None, int | None]]) -> None:
        """Record the server's final answers: (seq, applied|rejected, error, version)."""
        with self.transaction() as db:
            for seq, state, error, version in results:
                db.execute("UPDATE outbox SET state = ?, error = ?, version = ?, settled_at = ? "
                           "WHERE seq = ? AND state = 'pending'",
                           (state, json.dumps(error) if error else None, version, now_iso(),
                            seq))

    def pending_uploads(self) -> list[PendingUpload]:
        rows = self.db.execute("SELECT * FROM uploads WHERE uploaded = 0 AND refused IS NULL "
                               "ORDER BY sha256")
        return [PendingUpload(r["sha256"], r["content_type"], r["size"],
                              self.media / r["sha256"]) for r in rows]

    def mark_refused(self, sha256: str, reason: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE uploads SET refused = ? WHERE sha256 = ?", (reason, sha256))

    def refused_uploads(self) -> list[dict]:
        rows = self.db.execute("SELECT sha256, size, refused FROM uploads "
                               "WHERE refused IS NOT NULL ORDER BY sha256")
        return [{"sha256": r["sha256"], "size": r["size"], "reason": r["refused"]}
                for r in rows]

    def unconfirmed(self, order_id: str, pulled_version: int) -> list[Queued]:
        """This order's work the pulled document does not show yet: unsent, or applied by
        the server after the version that was pulled (a sync whose pull did not finish)."""
        rows = self.db.execute(
            "SELECT * FROM outbox WHERE order_id = ? AND (state = 'pending' OR "
            "(state = 'applied' AND version > ?)) ORDER BY seq", (order_id, pulled_version))
        return [_queued(row) for row in rows]

    def mark_uploaded(self, sha256: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE uploads SET uploaded = 1 WHERE sha256 = ?", (sha256,))

    # --- the replica ----------------------------------------------------------------------
    def apply_page(self, changes: list[dict], cursor: str,
                   articles: kb.Batch | None = None) -> None:
        """One pulled page and its cursor, in one transaction; `articles` is its
        kb.prepare(changes) when already computed (while the previous page was written)."""
        articles = articles if articles is not None else kb.prepare(changes)
        with self.transaction() as db:
            kb.write(db, articles)
            for change in changes:
                if change["type"] == "kb_article":
                    continue
                if change["op"] == "delete":
                    db.execute(DELETE[change["type"]], (change["id"],))
                else:
                    data = change["data"]
                    db.execute(UPSERT[change["type"]], (change["id"], data[KEY[change["type"]]],
                                                        json.dumps(data)))
            self.put("cursor", cursor, db)

    def order_docs(self) -> list[dict]:
        rows = self.db.execute("SELECT doc FROM orders ORDER BY number")
        return [json.loads(row["doc"]) for row in rows]

    def find_order(self, ref: str) -> dict | None:
        """An order by number (case-insensitive) or id."""
        row = self.db.execute("SELECT doc FROM orders WHERE id = ? OR upper(number) = upper(?)",
                              (ref, ref)).fetchone()
        return json.loads(row["doc"]) if row else None

    def catalog_doc(self, code: str) -> dict | None:
        row = self.db.execute("SELECT doc FROM catalog WHERE code = ?", (code,)).fetchone()
        return json.loads(row["doc"]) if row else None


def _queued(row: sqlite3.Row) -> Queued:
    return Queued(seq=row["seq"], id=row["id"], name=row["name"], args=json.loads(row["args"]),
                  order_id=row["order_id"], client_time=row["client_time"], state=row["state"],
                  error=json.loads(row["error"]) if row["error"] else None,
                  created_at=row["created_at"])
