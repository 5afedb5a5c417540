"""Service reports: the page with its charts, and every table as a CSV download."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from schemas.public import RATING_TAGS
from server.clock import utcnow
from server.pages import charts
from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view
from server.services import kb_reports, visit_reports
from server.services import reports as service

WEEKS = (4, 12, 26, 52)
DEFAULT_WEEKS = 12
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets may run as a formula


@dataclass(frozen=True)
class Column:
    heading: object  # a lazy string: the reader's language
    value: Callable
    numeric: bool = True


def _completion_columns(first) -> list[Column]:
    return [Column(first, lambda r: r.label, numeric=False),
            Column(_l("completed"), lambda r: r.completed),
            Column(_l("avg hours"), lambda r: r.avg_hours),
            Column(_l("p90 hours"), lambda r: r.p90_hours),
            Column(_l("within 4 h %"), lambda r: r.within_4h_pct),
            Column(_l("within 6 h %"), lambda r: r.within_6h_pct),
            Column(_l("overdue"), lambda r: r.overdue)]


# name -> (rows of the report, columns); the CSV files and the page's tables read the same.
TABLES: dict[str, tuple[Callable[[service.Reports], list], list[Column]]] = {
    "completion_by_engineer": (lambda r: r.by_engineer, _completion_columns(_l("engineer"))),
    "completion_by_region": (lambda r: r.by_region, _completion_columns(_l("region"))),
    "completion_by_week": (lambda r: r.by_week, _completion_columns(_l("week"))),
    "ratings_by_engineer": (lambda r: r.ratings, [
        Column(_l("engineer"), lambda r: r.engineer, numeric=False),
        Column(_l("ratings"), lambda r: r.ratings),
        Column(_l("avg stars"), lambda r: r.avg_stars),
        Column(_l("4-5 stars %"), lambda r: r.satisfied_pct),
        *[Column(tag, lambda r, tag=tag: r.tags.get(tag, 0)) for tag in RATING_TAGS]]),
    "unhappy_ratings": (lambda r: r.unhappy, [
        Column(_l("rated at"), lambda r: r.rated_at.isoformat(timespec="minutes"), numeric=False),
        Column(_l("order"), lambda r: r.order_number, numeric=False),
        Column(_l("order id"), lambda r: r.order_id, numeric=False),
        Column(_l("engineer"), lambda r: r.engineer, numeric=False),
        Column(_l("stars"), lambda r: r.stars),
        Column(_l("tags"), lambda r: " ".join(r.tags), numeric=False),
        Column(_l("comment"), lambda r: r.comment, numeric=False),
        Column(_l("blocked by the customer"), lambda r: "yes" if r.blocked else "",
               numeric=False)]),
    **{f"failed_visits_by_{by}": (
        lambda r, by=by: getattr(visit_reports.failed_visits(r.period), f"by_{by}"), [
            Column(_l(by), lambda r: r.label, numeric=False),
            Column(_l("failed visits"), lambda r: r.failed),
            Column(_l("share %"), lambda r: r.share_pct)])
       for by in ("reason", "engineer", "region")},
    "complaint_tags": (lambda r: r.complaints, [
        Column(_l("tag"), lambda r: r.tag, numeric=False),
        Column(_l("count"), lambda r: r.count),
        Column(_l("share %"), lambda r: r.share_pct),
        Column(_l("cumulative %"), lambda r: r.cumulative_pct)]),
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
        engineer_chart=charts.bar_chart(_("Orders completed per engineer"),
                                        [(r.label, r.completed) for r in built.by_engineer
                                         if r.completed]),
        week_chart=charts.bar_chart(_("Orders completed per week"),
                                    [(r.label, r.completed) for r in built.by_week]),
        pareto=charts.pareto_chart(_("Complaint tags (Pareto)"),
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
    writer.writerow([str(column.heading) for column in columns])
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
