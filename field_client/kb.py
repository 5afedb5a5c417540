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


RANK = f"bm25({WEIGHTS['title']}, {WEIGHTS['body']}, {WEIGHTS['keys']})"


def install(db: sqlite3.Connection) -> None:
    """Create the tables (idempotent); FTS5's `rank` is BM25 with the shared weights."""
    db.executescript(SCHEMA)
    ranked = db.execute("SELECT v FROM kb_fts_config WHERE k = 'rank'").fetchone()
    if ranked is None or ranked[0] != RANK:
        db.execute("INSERT INTO kb_fts (kb_fts, rank) VALUES ('rank', ?)", (RANK,))


def _language_term(language: str) -> str:
    # Filtering by language inside the full-text query keeps the ranking free of joins.
    return "zzlang" + "".join(char for char in language.lower() if char.isalnum())


def _parts(doc: dict) -> tuple[str, str, str]:
    parts = article_parts(doc)
    return parts["title"], parts["body"], f"{parts['keys']} {_language_term(doc['language'])}"


def clear(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM kb_articles")
    db.execute("INSERT INTO kb_fts (kb_fts) VALUES ('delete-all')")


def apply(db: sqlite3.Connection, change: dict) -> None:
    """One pulled `kb_article` change, inside the page's transaction."""
    old = db.execute("SELECT rowid, doc FROM kb_articles WHERE id = ?",
                     (change["id"],)).fetchone()
    if old is not None:
        db.execute("INSERT INTO kb_fts (kb_fts, rowid, title, body, keys) "
                   "VALUES ('delete', ?, ?, ?, ?)", (old[0], *_parts(json.loads(old[1]))))
    if change["op"] == "delete":
        db.execute("DELETE FROM kb_articles WHERE id = ?", (change["id"],))
        return
    data = change["data"]
    db.execute("INSERT INTO kb_articles (id, language, title, doc) VALUES (?, ?, ?, ?) "
               "ON CONFLICT(id) DO UPDATE SET language = excluded.language, "
               "title = excluded.title, doc = excluded.doc",
               (change["id"], data["language"], data["title"],
                json.dumps(data, ensure_ascii=False)))
    rowid = db.execute("SELECT rowid FROM kb_articles WHERE id = ?",
                       (change["id"],)).fetchone()[0]
    db.execute("INSERT INTO kb_fts (rowid, title, body, keys) VALUES (?, ?, ?, ?)",
               (rowid, *_parts(data)))


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
    if language:
        match = f"({match}) AND keys : {_language_term(language)}"
    # Rank in the full-text table alone, then read the documents of the best only: a common
    # term (a product model) matches thousands of articles, which must not all be joined.
    best = db.execute("SELECT rowid, rank FROM kb_fts WHERE kb_fts MATCH ? ORDER BY rank "
                      "LIMIT ?", (match, limit)).fetchall()
    docs = dict(db.execute(
        f"SELECT rowid, doc FROM kb_articles WHERE rowid IN ({','.join('?' * len(best))})",
        [rowid for rowid, _ in best]).fetchall()) if best else {}
    rows = [(docs[rowid], rank) for rowid, rank in best]
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
