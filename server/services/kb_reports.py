"""Knowledge-base reports: the most used articles, the orders solved with one, and the
articles never used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, exists, func, select

from server.extensions import db
from server.models import KbArticle, KbUsage, WorkOrderRow

TOP = 20


@dataclass(frozen=True)
class UsedArticle:
    article_id: str
    title: str
    language: str
    orders: int
    retired: bool


@dataclass(frozen=True)
class SolvedOrder:
    order_id: str
    number: str
    completed_at: datetime
    articles: str


@dataclass(frozen=True)
class IdleArticle:
    article_id: str
    title: str
    language: str
    created_at: datetime


@dataclass(frozen=True)
class KbReports:
    most_used: list[UsedArticle]
    solved: list[SolvedOrder]
    completed: int  # orders completed in the period, for the share solved with an article
    never_used: list[IdleArticle]

    @property
    def solved_pct(self) -> float | None:
        return round(100 * len(self.solved) / self.completed, 1) if self.completed else None


def build(start: datetime, end: datetime) -> KbReports:
    """The reports for uses and completions in [start, end]; never-used is over all time."""
    return KbReports(most_used=_most_used(start, end), solved=_solved(start, end),
                     completed=_completed(start, end), never_used=_never_used())


def _most_used(start: datetime, end: datetime) -> list[UsedArticle]:
    orders = func.count(distinct(KbUsage.work_order_id)).label("orders")
    rows = db.session.execute(
        select(KbArticle.id, KbArticle.title, KbArticle.language, KbArticle.retired_at, orders)
        .join(KbUsage, KbUsage.article_id == KbArticle.id)
        .where(KbUsage.used_at >= start, KbUsage.used_at <= end)
        .group_by(KbArticle.id, KbArticle.title, KbArticle.language, KbArticle.retired_at)
        .order_by(orders.desc(), KbArticle.title).limit(TOP))
    return [UsedArticle(i, title, language, count, retired is not None)
            for i, title, language, retired, count in rows]


def _completed_in(start: datetime, end: datetime):
    return (WorkOrderRow.completed_at >= start, WorkOrderRow.completed_at <= end)


def _solved(start: datetime, end: datetime) -> list[SolvedOrder]:
    rows = db.session.execute(
        select(WorkOrderRow.id, WorkOrderRow.number, WorkOrderRow.completed_at, KbArticle.title)
        .join(KbUsage, KbUsage.work_order_id == WorkOrderRow.id)
        .join(KbArticle, KbArticle.id == KbUsage.article_id)
        .where(*_completed_in(start, end))
        .order_by(WorkOrderRow.completed_at.desc(), WorkOrderRow.id, KbUsage.id))
    solved: dict[str, SolvedOrder] = {}
    for order_id, number, completed_at, title in rows:
        if order_id in solved:
            previous = solved[order_id]
            solved[order_id] = SolvedOrder(order_id, number, completed_at,
                                           f"{previous.articles}; {title}")
        else:
            solved[order_id] = SolvedOrder(order_id, number, completed_at, title)
    return list(solved.values())


def _completed(start: datetime, end: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(WorkOrderRow)
                             .where(*_completed_in(start, end)))


def _never_used() -> list[IdleArticle]:
    rows = db.session.execute(
        select(KbArticle.id, KbArticle.title, KbArticle.language, KbArticle.created_at)
        .where(KbArticle.retired_at.is_(None),
               ~exists().where(KbUsage.article_id == KbArticle.id))
        .order_by(KbArticle.created_at, KbArticle.id))
    return [IdleArticle(*row) for row in rows]
