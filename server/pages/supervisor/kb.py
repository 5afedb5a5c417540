"""The knowledge base in the console: list and search, a Markdown editor with a
server-rendered preview, retirement, and the knowledge-base reports as CSV."""

from __future__ import annotations

import csv
import io

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from marshmallow import ValidationError

from schemas.auth import LANGUAGES
from schemas.kb import ArticleInputSchema
from server.clock import utcnow
from server.database import unit_of_work
from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view
from server.pages.supervisor.reports import csv_cell
from server.services import kb, kb_reports
from server.services import reports as report_service
from server.services.kb_render import excerpt, to_html
from sync.errors import DomainError

LIST_FIELDS = ("tags", "product_models", "fault_codes")


@bp.get("/kb")
@console_view
def kb_list():
    q = request.args.get("q", "").strip()[:200]
    if q:
        hits, _, _ = kb.search({"q": q, "limit": 100})
        articles = [article for article, _ in hits]
    else:
        articles, _, _ = kb.list_articles({"limit": 500, "retired": True})
    return render_template("supervisor/kb_list.html", articles=articles, q=q,
                           excerpt=excerpt)


def _form_data() -> dict:
    """The form as the API's body: comma- or line-separated lists become lists."""
    data = {name: request.form.get(name, "") for name in ("title", "body", "language")}
    for name in LIST_FIELDS:
        raw = request.form.get(name, "").replace("\n", ",")
        data[name] = [item.strip() for item in raw.split(",") if item.strip()]
    return data


def _editor(article, data: dict, errors: dict | None = None, status: int = 200):
    preview = to_html(data.get("body", "")) if data.get("body") else ""
    return render_template("supervisor/kb_edit.html", article=article, data=data,
                           errors=errors or {}, preview=preview,
                           languages=LANGUAGES), status


@bp.route("/kb/new", methods=["GET", "POST"])
@console_view
def kb_new():
    if request.method == "GET":
        return _editor(None, {"language": "zh-CN", "title": "", "body": ""})
    return _save(None)


@bp.route("/kb/<article_id>", methods=["GET", "POST"])
@console_view
def kb_edit(article_id):
    try:
        article = kb.get(article_id)
    except DomainError:
        abort(404)
    if request.method == "GET":
        return _editor(article, kb.document(article))
    if article.retired_at is not None:
        abort(409)
    return _save(article)


def _save(article):
    data = _form_data()
    try:
        parsed = ArticleInputSchema().load(data)
    except ValidationError as exc:
        return _editor(article, data, exc.messages, 422)
    if request.form.get("action") == "preview":
        return _editor(article, data)
    try:
        with unit_of_work():
            if article is None:
                article = kb.create(parsed, g.user, utcnow())
            else:
                article = kb.replace(article.id, parsed, g.user, utcnow())
    except DomainError as exc:
        return _editor(article, data, {"_": [exc.message]}, 409)
    flash(f"Saved version {article.version}.")
    return redirect(url_for("supervisor.kb_edit", article_id=article.id), code=303)


@bp.post("/kb/<article_id>/retire")
@console_view
def kb_retire(article_id):
    try:
        with unit_of_work():
            kb.retire(article_id, g.user, utcnow())
    except DomainError:
        abort(404)
    flash("Retired: it leaves every device on their next sync.")
    return redirect(url_for("supervisor.kb_edit", article_id=article_id), code=303)


def reports_for(weeks: int) -> kb_reports.KbReports:
    """The knowledge-base reports over the same window as the other reports."""
    window = report_service.period(utcnow(), current_app.config["TIMEZONE"], weeks)
    return kb_reports.build(window.start, window.end)


CSV_TABLES = {
    "most_used": (lambda r: r.most_used, [("article", "title"), ("language", "language"),
                                          ("orders", "orders"), ("retired", "retired"),
                                          ("article id", "article_id")]),
    "solved_with_an_article": (lambda r: r.solved, [
        ("order", "number"), ("completed at", "completed_at"), ("articles", "articles"),
        ("order id", "order_id")]),
    "never_used": (lambda r: r.never_used, [("article", "title"), ("language", "language"),
                                            ("created at", "created_at"),
                                            ("article id", "article_id")]),
}


@bp.get("/reports/kb/<table>.csv")
@console_view
def kb_report_csv(table):
    weeks = request.args.get("weeks", 12, type=int)
    if table not in CSV_TABLES or weeks not in (4, 12, 26, 52):
        abort(404)
    rows, columns = CSV_TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([heading for heading, _ in columns])
    writer.writerows([csv_cell(getattr(row, name)) for _, name in columns]
                     for row in rows(reports_for(weeks)))
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="kb-{table}-{weeks}w.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
