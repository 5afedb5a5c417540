"""Full-text search over knowledge-base articles, behind one small interface with an
implementation per backend: SQLite FTS5 ranked by BM25, PostgreSQL tsvector ranked by
ts_rank_cd. Both index the terms of sync/kb_text.py (Chinese as overlapping bigrams), computed
here rather than by the database, so a Chinese query matches without spaces on either backend
whatever its locale, and the device (same terms, FTS5) finds what the server finds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from sync.kb_text import WEIGHTS, Term, article_parts, fts5_match, query_terms


@dataclass(frozen=True)
class IndexedArticle:
    id: str
    language: str
    document: dict  # title, body, tags, product_models, fault_codes


@dataclass(frozen=True)
class Hit:
    article_id: str
    score: float  # higher is better; comparable only within one answer


class KbSearchIndex:
    """The port: keep an article's terms, forget them, rank articles for a query."""

    def __init__(self, session: Session):
        self.session = session

    def put(self, article: IndexedArticle) -> None:
        """Index the article (replacing what was indexed for it)."""
        raise NotImplementedError

    def remove(self, article_id: str) -> None:
        raise NotImplementedError

    def search(self, query: str, language: str | None, limit: int,
               offset: int = 0) -> list[Hit]:
        """Articles matching any term of the query, best first."""
        raise NotImplementedError


class SqliteKbSearch(KbSearchIndex):
    def _row(self, article_id: str, create: bool) -> int | None:
        if create:
            self.session.execute(text("INSERT INTO kb_search_rows (article_id) VALUES (:id) "
                                      "ON CONFLICT (article_id) DO NOTHING"), {"id": article_id})
        return self.session.execute(text("SELECT id FROM kb_search_rows WHERE article_id = :id"),
                                    {"id": article_id}).scalar()

    def put(self, article: IndexedArticle) -> None:
        rowid = self._row(article.id, create=True)
        self.session.execute(text("DELETE FROM kb_search WHERE rowid = :rowid"),
                             {"rowid": rowid})
        self.session.execute(text(
            "INSERT INTO kb_search (rowid, language, title, body, keys) "
            "VALUES (:rowid, :language, :title, :body, :keys)"),
            {"rowid": rowid, "language": article.language, **article_parts(article.document)})

    def remove(self, article_id: str) -> None:
        rowid = self._row(article_id, create=False)
        if rowid is not None:
            self.session.execute(text("DELETE FROM kb_search WHERE rowid = :rowid"),
                                 {"rowid": rowid})

    def search(self, query: str, language: str | None, limit: int,
               offset: int = 0) -> list[Hit]:
        match = fts5_match(query_terms(query))
        if not match:
            return []
        rows = self.session.execute(text(
            "SELECT r.article_id, bm25(kb_search, 0, :title, :body, :keys) AS rank "
            "FROM kb_search JOIN kb_search_rows r ON r.id = kb_search.rowid "
            "WHERE kb_search MATCH :match AND (:language IS NULL OR language = :language) "
            "ORDER BY rank, r.article_id LIMIT :limit OFFSET :offset"),
            {"match": match, "language": language, "limit": limit, "offset": offset,
             **WEIGHTS})
        return [Hit(article_id, -rank) for article_id, rank in rows]


class PostgresKbSearch(KbSearchIndex):
    def put(self, article: IndexedArticle) -> None:
        self.session.execute(text(
            "INSERT INTO kb_search (article_id, language, vector) "
            "VALUES (:id, :language, CAST(:vector AS tsvector)) ON CONFLICT (article_id) "
            "DO UPDATE SET language = excluded.language, vector = excluded.vector"),
            {"id": article.id, "language": article.language, "vector": tsvector_literal(
                article_parts(article.document))})

    def remove(self, article_id: str) -> None:
        self.session.execute(text("DELETE FROM kb_search WHERE article_id = :id"),
                             {"id": article_id})

    def search(self, query: str, language: str | None, limit: int,
               offset: int = 0) -> list[Hit]:
        terms = query_terms(query)
        if not terms:
            return []
        # ts_rank_cd weights D, C, B, A; normalisation 1 divides by 1 + log(length).
        rows = self.session.execute(text(
            "SELECT article_id, ts_rank_cd('{0.1, 0.2, 0.5, 1.0}', vector, query, 1) AS rank "
            "FROM kb_search, CAST(:query AS tsquery) AS query WHERE vector @@ query "
            "AND (CAST(:language AS varchar) IS NULL OR language = :language) "
            "ORDER BY rank DESC, article_id LIMIT :limit OFFSET :offset"),
            {"query": tsquery_literal(terms), "language": language, "limit": limit,
             "offset": offset})
        return [Hit(article_id, float(rank)) for article_id, rank in rows]


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


PG_WEIGHT = {"title": "A", "keys": "B", "body": "D"}


def tsvector_literal(parts: dict[str, str]) -> str:
    """A tsvector in its text form, with positions and a weight per part; built here so that
    PostgreSQL's own parser (which depends on the server's locale) never splits our terms."""
    positions: dict[str, list[str]] = {}
    position = 0
    for name in ("title", "keys", "body"):
        weight = PG_WEIGHT[name]
        for term in parts[name].split():
            position = min(position + 1, 16383)  # PostgreSQL's largest position
            found = positions.setdefault(term, [])
            if len(found) < 256:  # and its most positions per lexeme
                found.append(f"{position}{weight}")
        position = min(position + 8, 16383)  # parts do not run into each other
    return " ".join(f"{_lexeme(term)}:{','.join(found)}" for term, found in positions.items())


def tsquery_literal(terms: list[Term]) -> str:
    """Any of the terms (a lone Han character as a prefix)."""
    return " | ".join(_lexeme(term.text) + (":*" if term.prefix else "") for term in terms)


def index_for(session: Session) -> KbSearchIndex:
    """The search index of the session's backend."""
    if session.get_bind().dialect.name == "postgresql":
        return PostgresKbSearch(session)
    return SqliteKbSearch(session)
