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


@dataclass(frozen=True)
class Batch:
    """A pulled page's `kb_article` changes, their search terms computed: `prepare` needs no
    database, so the next page is prepared while this one is written."""

    upserts: list[tuple[str, str, str, str, str, str, str]]  # id, language, title, doc, parts
    deletes: list[str]

    @property
    def ids(self) -> list[str]:
        return [row[0] for row in self.upserts] + self.deletes


def prepare(changes: list[dict]) -> Batch:
    """The `kb_article` changes of a page, the last one per article (a feed page names an
    article once; this keeps the write below correct even if one named it twice)."""
    last = {change["id"]: change for change in changes if change["type"] == "kb_article"}
    upserts, deletes = [], []
    for article_id, change in last.items():
        if change["op"] == "delete":
            deletes.append(article_id)
            continue
        data = change["data"]
        upserts.append((article_id, data["language"], data["title"],
                        json.dumps(data, ensure_ascii=False), *_parts(data)))
    return Batch(upserts, deletes)


def write(db: sqlite3.Connection, batch: Batch) -> None:
    """Apply a prepared page inside its transaction: a few statements for the whole page, the
    rows passed as one JSON array (a first sync writes 10,000 articles; one statement per
    article and table cost more than the indexing itself)."""
    if not batch.ids:
        return
    ids = json.dumps(batch.ids)
    old = db.execute("SELECT rowid, doc FROM kb_articles WHERE id IN "
                     "(SELECT value FROM json_each(?))", (ids,)).fetchall()
    # A contentless index forgets a row only when given the terms it was indexed with.
    db.executemany("INSERT INTO kb_fts (kb_fts, rowid, title, body, keys) "
                   "VALUES ('delete', ?, ?, ?, ?)",
                   [(rowid, *_parts(json.loads(doc))) for rowid, doc in old])
    if batch.deletes:
        db.execute("DELETE FROM kb_articles WHERE id IN (SELECT value FROM json_each(?))",
                   (json.dumps(batch.deletes),))
    if not batch.upserts:
        return
    rows = json.dumps(batch.upserts, ensure_ascii=False)
    db.execute("INSERT INTO kb_articles (id, language, title, doc) "
               "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
               "json_extract(value, '$[2]'), json_extract(value, '$[3]') "
               "FROM json_each(?) WHERE true ON CONFLICT(id) DO UPDATE SET "
               "language = excluded.language, title = excluded.title, doc = excluded.doc",
               (rows,))
    db.execute("INSERT INTO kb_fts (rowid, title, body, keys) "
               "SELECT a.rowid, json_extract(p.value, '$[4]'), json_extract(p.value, '$[5]'), "
               "json_extract(p.value, '$[6]') "
               "FROM json_each(?) AS p JOIN kb_articles AS a ON a.id = json_extract(p.value, "
               "'$[0]')", (rows,))


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
