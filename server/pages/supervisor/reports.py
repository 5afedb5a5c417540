"""Service reports: the page with its charts, and every table as a CSV download."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, abort, current_app, render_template, request

from schemas.public import RATING_TAGS
from server.clock import utcnow
from server.pages import charts
from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view
from server.services import kb_reports
from server.services import reports as service

WEEKS = (4, 12, 26, 52)
DEFAULT_WEEKS = 12
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets may run as a formula


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable
    numeric: bool = True


def _completion_columns(first: str) -> list[Column]:
    return [Column(first, lambda r: r.label, numeric=False),
            Column("completed", lambda r: r.completed),
            Column("avg hours", lambda r: r.avg_hours),
            Column("p90 hours", lambda r: r.p90_hours),
            Column("within 4 h %", lambda r: r.within_4h_pct),
            Column("within 6 h %", lambda r: r.within_6h_pct),
            Column("overdue", lambda r: r.overdue)]


# name -> (rows of the report, columns); the CSV files and the page's tables read the same.
TABLES: dict[str, tuple[Callable[[service.Reports], list], list[Column]]] = {
    "completion_by_engineer": (lambda r: r.by_engineer, _completion_columns("engineer")),
    "completion_by_region": (lambda r: r.by_region, _completion_columns("region")),
    "completion_by_week": (lambda r: r.by_week, _completion_columns("week")),
    "ratings_by_engineer": (lambda r: r.ratings, [
        Column("engineer", lambda r: r.engineer, numeric=False),
        Column("ratings", lambda r: r.ratings),
        Column("avg stars", lambda r: r.avg_stars),
        Column("4-5 stars %", lambda r: r.satisfied_pct),
        *[Column(tag, lambda r, tag=tag: r.tags.get(tag, 0)) for tag in RATING_TAGS]]),
    "unhappy_ratings": (lambda r: r.unhappy, [
        Column("rated at", lambda r: r.rated_at.isoformat(timespec="minutes"), numeric=False),
        Column("order", lambda r: r.order_number, numeric=False),
        Column("order id", lambda r: r.order_id, numeric=False),
        Column("engineer", lambda r: r.engineer, numeric=False),
        Column("stars", lambda r: r.stars),
        Column("tags", lambda r: " ".join(r.tags), numeric=False),
        Column("comment", lambda r: r.comment, numeric=False)]),
    "complaint_tags": (lambda r: r.complaints, [
        Column("tag", lambda r: r.tag, numeric=False),
        Column("count", lambda r: r.count),
        Column("share %", lambda r: r.share_pct),
        Column("cumulative %", lambda r: r.cumulative_pct)]),
}


def _reports() -> tuple[int, service.Reports]:
    weeks = request.args.get("weeks", DEFAULT_WEEKS, type=int)
    if weeks not in WEEKS:
        abort(400)
    window = service.period(utcnow(), current_app.config["TIMEZONE"], weeks)
    return weeks, service.build(window)


@bp.get("/reports")
@console_view
def reports():
    weeks, built = _reports()
    return render_template(
        "supervisor/reports.html", reports=built, weeks=weeks, week_choices=WEEKS,
        tables={name: (columns, rows(built)) for name, (rows, columns) in TABLES.items()},
        engineer_chart=charts.bar_chart("Orders completed per engineer",
                                        [(r.label, r.completed) for r in built.by_engineer
                                         if r.completed]),
        week_chart=charts.bar_chart("Orders completed per week",
                                    [(r.label, r.completed) for r in built.by_week]),
        pareto=charts.pareto_chart("Complaint tags (Pareto)",
                                   [(t.tag, t.count) for t in built.complaints]),
        kb=kb_reports.build(built.period.start, built.period.end))


@bp.get("/reports/<table>.csv")
@console_view
def report_csv(table):
    if table not in TABLES:
        abort(404)
    weeks, built = _reports()
    rows, columns = TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading for column in columns])
    writer.writerows([csv_cell(column.value(row)) for column in columns] for row in rows(built))
    # The BOM lets spreadsheet programs read the UTF-8 (engineers' and customers' names).
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{table}-{built.period.weeks[0]}-{weeks}w.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_cell(value) -> str:
    """A cell's text; text a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)
