"""The audit queue: completed orders waiting for verification, newest first, flagged."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view
from server.services import audit


@bp.get("/")
@console_view
def queue():
    filters = {name: request.args.get(name) or None for name in ("engineer_id", "region", "flag")}
    if filters["flag"] not in (None, *audit.FLAGS):
        return redirect(url_for("supervisor.queue"))
    page = request.args.get("page", 1, type=int)
    result = audit.queue(**filters, page=page,
                         per_page=max(1, current_app.config["AUDIT_PAGE_SIZE"]))
    links = {k: v for k, v in filters.items() if v}
    return render_template("supervisor/queue.html", items=result.items, result=result,
                           older=url_for("supervisor.queue", **links, page=result.page + 1)
                           if result.has_older else None,
                           newer=url_for("supervisor.queue", **links, page=result.page - 1)
                           if result.has_newer else None,
                           choices=audit.filter_choices(), filters=filters,
                           labels=audit.FLAG_LABELS)
