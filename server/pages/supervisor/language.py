"""The console's language: the user's own choice, else the browser's, else English."""

from __future__ import annotations

from flask import abort, g, redirect, request

from server.database import unit_of_work
from server.pages.supervisor import bp
from server.pages.supervisor.auth import back_to, console_user, console_view

# The console's languages and the Babel locale each is rendered in.
CONSOLE_LOCALES = {"zh-CN": "zh_Hans_CN", "en": "en"}


def console_locale(chosen: str | None) -> str:
    """The Babel locale for a user who chose `chosen` (None: follow the browser)."""
    if chosen in CONSOLE_LOCALES:
        return CONSOLE_LOCALES[chosen]
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="en")
    return CONSOLE_LOCALES["en" if best == "en" else "zh-CN"]


@bp.before_request
def _choose_locale():
    user = console_user()
    g.locale = console_locale(user.console_language if user else None)


@bp.post("/language")
@console_view
def choose_language():
    language = request.form.get("language")
    if language not in CONSOLE_LOCALES:
        abort(400)
    with unit_of_work():
        g.user.console_language = language
    return redirect(back_to(request.form.get("next", "")), code=303)
