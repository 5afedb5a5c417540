"""Accounts over their lifetime: deactivate a leaver at once, reactivate, set a password."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from schemas.formats import is_uuid
from schemas.roles import ENGINEER
from server.extensions import db
from server.models import ApiToken, User
from sync.errors import Conflict, Forbidden, NotFound, ValidationFailed


def require_active(user: User) -> None:
    """Forbidden(account_inactive) for a deactivated account; called only once the password
    was right, so a guesser learns nothing about which accounts exist or are inactive."""
    if not user.active:
        raise Forbidden("this account is deactivated; ask a supervisor",
                        code="account_inactive")


def _user(user_id: str) -> User:
    user = db.session.get(User, user_id, with_for_update=True) if is_uuid(user_id) else None
    if user is None:
        raise NotFound("no such user", code="not_found")
    return user


def deactivate(user_id: str, actor: User, now: datetime) -> User:
    """Lock the account out now: every token is revoked (a reactivation does not revive
    them) and console sessions end on their next request."""
    user = _user(user_id)
    if user.id == actor.id:
        raise Conflict("you cannot deactivate your own account", code="cannot_deactivate_self")
    if user.active:
        user.active, user.deactivated_at = False, now
    db.session.execute(update(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    return user


def reactivate(user_id: str) -> User:
    """Let the account sign in again (with new tokens and sessions only)."""
    user = _user(user_id)
    user.active = True
    return user


def session_survives(user: User, signed_in_at: datetime) -> bool:
    """A console session signed in before the latest deactivation stays dead."""
    return user.active and (user.deactivated_at is None or signed_in_at > user.deactivated_at)


def set_password(username: str, password: str, hash_method: str) -> User:
    """Set a user's password (the CLI's `user set-password`)."""
    if len(password) < 8:
        raise ValidationFailed("the password must have at least 8 characters",
                               fields={"password": ["At least 8 characters."]})
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}", code="not_found")
    user.password_hash = generate_password_hash(password, method=hash_method)
    return user


def active_engineer(engineer_id: str, field: str = "engineer_id") -> User:
    """The active engineer with this id, or 422 naming `field` (inactive ones get no work)."""
    engineer = db.session.get(User, engineer_id) if is_uuid(engineer_id) else None
    if engineer is None or engineer.role != ENGINEER or not engineer.active:
        raise ValidationFailed(f"{field}: No such engineer.", fields={field: ["No such engineer."]})
    return engineer
