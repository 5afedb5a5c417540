"""The audit queue: completed orders waiting for verification, newest first, flagged."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from server.pages.supervisor import bp
from server.pages.supervisor.auth import console_view
from server.services import audit


@bp.get("/")
@console_view
def queue():
    filters = {name: request.args.get(name) or None for name in ("engineer_id", "region", "flag")}
    if filters["flag"] not in (None, *audit.FLAGS):
        return redirect(url_for("supervisor.queue"))
    return render_template("supervisor/queue.html", items=audit.queue(**filters),
                           choices=audit.filter_choices(), filters=filters,
                           labels=audit.FLAG_LABELS)
