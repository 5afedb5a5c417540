"""The knowledge base on the device: pulled articles in replica.db with an FTS5 index of the
same terms the server indexes (sync/kb_text.py), so search works with no network at all.

The FTS5 table is contentless (the article is stored once, in kb_articles); removing an
article's terms from it takes the terms it was indexed with, which are computed again from the
stored document.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from sync.kb_text import WEIGHTS, article_parts, fts5_match, query_terms

SCHEMA = """
CREATE TABLE IF NOT EXISTS kb_articles (
    id TEXT PRIMARY KEY, language TEXT NOT NULL, title TEXT NOT NULL, doc TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(
    title, body, keys, content = '', tokenize = 'unicode61 remove_diacritics 2');
"""


def install(db: sqlite3.Connection) -> None:
    """Create the tables (idempotent)."""
    db.executescript(SCHEMA)


def clear(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM kb_articles")
    db.execute("INSERT INTO kb_fts (kb_fts) VALUES ('delete-all')")


def apply(db: sqlite3.Connection, change: dict) -> None:
    """One pulled `kb_article` change, inside the page's transaction."""
    old = db.execute("SELECT rowid, doc FROM kb_articles WHERE id = ?",
                     (change["id"],)).fetchone()
    if old is not None:
        parts = article_parts(json.loads(old[1]))
        db.execute("INSERT INTO kb_fts (kb_fts, rowid, title, body, keys) "
                   "VALUES ('delete', ?, ?, ?, ?)",
                   (old[0], parts["title"], parts["body"], parts["keys"]))
    if change["op"] == "delete":
        db.execute("DELETE FROM kb_articles WHERE id = ?", (change["id"],))
        return
    data = change["data"]
    db.execute("INSERT INTO kb_articles (id, language, title, doc) VALUES (?, ?, ?, ?) "
               "ON CONFLICT(id) DO UPDATE SET language = excluded.language, "
               "title = excluded.title, doc = excluded.doc",
               (change["id"], data["language"], data["title"], json.dumps(data)))
    rowid = db.execute("SELECT rowid FROM kb_articles WHERE id = ?",
                       (change["id"],)).fetchone()[0]
    parts = article_parts(data)
    db.execute("INSERT INTO kb_fts (rowid, title, body, keys) VALUES (?, ?, ?, ?)",
               (rowid, parts["title"], parts["body"], parts["keys"]))


@dataclass(frozen=True)
class Found:
    doc: dict
    score: float


def search(db: sqlite3.Connection, query: str, language: str | None = None,
           limit: int = 10) -> list[Found]:
    """Articles on this device matching the query, best first (BM25, as the server's SQLite)."""
    match = fts5_match(query_terms(query))
    if not match:
        return []
    rows = db.execute(
        "SELECT a.doc, bm25(kb_fts, ?, ?, ?) AS rank FROM kb_fts "
        "JOIN kb_articles a ON a.rowid = kb_fts.rowid WHERE kb_fts MATCH ? "
        "AND (? IS NULL OR a.language = ?) ORDER BY rank, a.id LIMIT ?",
        (WEIGHTS["title"], WEIGHTS["body"], WEIGHTS["keys"], match, language, language,
         limit))
    return [Found(json.loads(doc), -rank) for doc, rank in rows]


def get(db: sqlite3.Connection, article_id: str) -> dict | None:
    row = db.execute("SELECT doc FROM kb_articles WHERE id = ?", (article_id,)).fetchone()
    return json.loads(row[0]) if row else None


def find(db: sqlite3.Connection, ref: str) -> list[dict]:
    """Articles whose id is `ref` or starts with it (search shows the first 8 characters)."""
    ref = ref.strip().lower()
    if len(ref) < 4:
        return []
    rows = db.execute("SELECT doc FROM kb_articles WHERE id >= ? AND id < ? ORDER BY id "
                      "LIMIT 2", (ref, ref + "\uffff"))
    return [json.loads(doc) for (doc,) in rows]


def count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM kb_articles").fetchone()[0]
