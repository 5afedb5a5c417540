"""Sign-in with a session cookie; every console view needs a supervisor or dispatcher."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for

from schemas.roles import OFFICE, SUPERVISOR
from server.clock import utcnow
from server.extensions import csrf, db
from server.limits import sign_in_limits
from server.models import User
from server.pages.supervisor import bp
from server.services.accounts import session_survives
from server.services.users import check_password
from sync.errors import Forbidden, Unauthorized

CONSOLE_ROLES = OFFICE


@bp.before_request
def _protect_forms():
    # Console forms post with the session cookie, so every POST must carry the CSRF token.
    if request.method == "POST":
        csrf.protect()


def session_expired() -> bool:
    """A console session ends CONSOLE_SESSION_MAX_HOURS after sign-in, however often it is
    used: a stolen or forgotten cookie does not live forever by being refreshed."""
    try:
        signed_in_at = datetime.fromisoformat(session["signed_in_at"])
    except (KeyError, TypeError, ValueError):
        return True
    limit = timedelta(hours=current_app.config["CONSOLE_SESSION_MAX_HOURS"])
    return not timedelta(0) <= utcnow() - signed_in_at <= limit


def console_user() -> User | None:
    user_id = session.get("user_id")
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active or user.role not in CONSOLE_ROLES:
        return None
    if not session_survives(user, datetime.fromisoformat(session["signed_in_at"])):
        return None  # signed in before a deactivation: a reactivation does not revive it
    return user


def console_view(fn):
    """Only signed-in supervisors and dispatchers; others go to the sign-in page."""

    @wraps(fn)
    def view(*args, **kwargs):
        if "user_id" in session and session_expired():
            session.clear()
            flash("Your session has ended; please sign in again.")
            return redirect(url_for("supervisor.login", next=request.path))
        user = console_user()
        if user is None:
            if "user_id" in session:
                session.clear()
                abort(403)
            return redirect(url_for("supervisor.login", next=request.path))
        g.user = user
        return fn(*args, **kwargs)

    return view


def supervisors_only():
    if g.user.role != SUPERVISOR:
        abort(403)


def back_to(target: str) -> str:
    """Where sign-in returns to: `target` if it is a console path on this site, else the queue.

    Control characters would break the Location header (500), and a backslash is read as a
    slash by browsers, so either sends the user to the queue rather than anywhere chosen."""
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not parts.path.startswith("/supervisor/")
            or not target.isprintable() or "\\" in target):
        return url_for("supervisor.queue")
    return target


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits(methods=["POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            user = check_password(request.form.get("username", ""),
                                  request.form.get("password", ""))
            if user.role not in CONSOLE_ROLES:
                raise Unauthorized("not a console user", code="forbidden")
        except Unauthorized:
            error = "Wrong username or password, or not a supervisor or dispatcher."
        except Forbidden:  # account_inactive
            error = "This account is deactivated; ask a supervisor."
            return render_template("supervisor/login.html", error=error), 403
        else:
            session.clear()  # a fresh session on sign-in: no fixation
            session.permanent = True
            session["user_id"] = user.id
            session["signed_in_at"] = utcnow().isoformat()
            return redirect(back_to(request.args.get("next", "")), code=303)
    return render_template("supervisor/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    session.clear()
    flash("Signed out.")
    return redirect(url_for("supervisor.login"), code=303)
