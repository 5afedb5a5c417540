"""Users, passwords and bearer tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from schemas.formats import is_uuid
from schemas.roles import ENGINEER, OFFICE, SUPERVISOR
from server.extensions import db
from server.models import ApiToken, User
from server.services import accounts, engineers, tokens
from sync.errors import Conflict, Forbidden, NotFound, Unauthorized

# Compared against when the username is unknown, so a wrong username costs as long as a wrong
# password and response times do not reveal which usernames exist.
_DUMMY_HASH = generate_password_hash("not a real password")
TOKEN_BYTES = 32  # 256 random bits


def may_create(creator: User, role: str) -> None:
    """Forbidden unless `creator` may create an account with `role`."""
    if role in OFFICE and creator.role != SUPERVISOR:
        # A dispatcher hires engineers; office accounts (and their powers) need a supervisor.
        raise Forbidden("only a supervisor may create supervisor or dispatcher accounts",
                        role=role)


def create_user(*, username: str, password: str, role: str, name: str, now: datetime,
                region: str | None = None, language: str = "zh-CN",
                messaging: dict | None = None, hash_method: str = "scrypt",
                created_by: User | None = None, **profile) -> User:
    """A new user with a scrypt password hash (werkzeug); Conflict if the username is taken.
    `created_by` is the account creating it (None: the operator's command line); `profile`
    holds an engineer's skills, languages, home and service point."""
    if created_by is not None:
        may_create(created_by, role)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict("that username is taken", code="username_taken", username=username)
    password_hash = generate_password_hash(password, method=hash_method)
    user = User(username=username, password_hash=password_hash, role=role, name=name,
                region=region, language=language, created_at=now,
                messaging_kind=(messaging or {}).get("kind"),
                messaging_url=(messaging or {}).get("url"),
                messaging_mention=(messaging or {}).get("mention"))
    engineers.apply_profile(user, profile)
    try:
        with db.session.begin_nested():  # a concurrent create of the same name loses here
            db.session.add(user)
    except IntegrityError as exc:
        raise Conflict("that username is taken", code="username_taken",
                       username=username) from exc
    return user


def check_password(username: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized (same cost either way);
    Forbidden(account_inactive) for the right password of a deactivated account."""
    user = db.session.scalar(select(User).where(User.username == username))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid:
        raise Unauthorized("wrong username or password", code="invalid_credentials")
    accounts.require_active(user)
    return user


def issue_token(*, username: str, password: str, device_id: str | None, now: datetime,
                ttl: timedelta) -> tuple[str, ApiToken, User]:
    """A new random bearer token (256 bits) for valid credentials."""
    user = check_password(username, password)
    token, token_hash = tokens.new_token(TOKEN_BYTES)
    row = ApiToken(user_id=user.id, token_hash=token_hash, device_id=device_id,
                   created_at=now, expires_at=now + ttl)
    db.session.add(row)
    db.session.flush()
    return token, row, user


def resolve_token(token: str, now: datetime) -> tuple[User, ApiToken]:
    """The user and token row behind a bearer token, or Unauthorized."""
    # The token and its user in one query: every API request starts here.
    found = db.session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                               .where(ApiToken.token_hash == tokens.digest(token))).first()
    row, user = found if found is not None else (None, None)
    if row is None or not tokens.matches(row.token_hash, token):
        raise Unauthorized("invalid token", code="invalid_token")
    if row.revoked_at is not None or row.expires_at <= now:
        raise Unauthorized("this token has expired or was revoked", code="invalid_token")
    if user is None or not user.active:
        raise Unauthorized("invalid token", code="invalid_token")
    return user, row


def revoke_token(row: ApiToken, now: datetime) -> None:
    row.revoked_at = now


def revoke_all_tokens(username: str, now: datetime) -> int:
    """Revoke every live token of a user; the number revoked."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise Forbidden("no such user", code="not_found")
    result = db.session.execute(update(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    return result.rowcount


def visible_user(user_id: str, viewer: User) -> User:
    """A user the viewer may see: the office sees everyone, an engineer only themselves."""
    user = db.session.get(User, user_id) if is_uuid(user_id) else None
    if user is None or (viewer.role == ENGINEER and user.id != viewer.id):
        raise NotFound("no such user", code="not_found")
    return user


def user_document(user: User) -> dict:
    messaging = None
    if user.messaging_kind:
        messaging = {"kind": user.messaging_kind, "url": user.messaging_url}
        if user.messaging_mention:
            messaging["mention"] = user.messaging_mention
    document = {"id": user.id, "username": user.username, "role": user.role,
                "name": user.name, "region": user.region, "language": user.language,
                "messaging": messaging}
    if user.role == ENGINEER:
        document.update(engineers.profile_document(user))
    return document


def update_user(user_id: str, changes: dict, actor: User) -> User:
    """Change a user's name, region, language or (engineers) profile; the office changes
    engineers, and only a supervisor changes office accounts."""
    user = db.session.get(User, user_id, with_for_update=True) if is_uuid(user_id) else None
    if user is None:
        raise NotFound("no such user", code="not_found")
    may_create(actor, user.role)
    for name in ("name", "region", "language"):
        if name in changes:
            setattr(user, name, changes[name])
    engineers.apply_profile(user, changes)
    return user
