"""Secret tokens (bearer tokens, customer links): random, and stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def digest(token: str) -> str:
    """The SHA-256 (hex) that is stored in place of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(nbytes: int) -> tuple[str, str]:
    """A URL-safe random token of `nbytes` bytes and its stored digest."""
    token = secrets.token_urlsafe(nbytes)
    return token, digest(token)


def matches(stored_digest: str, token: str) -> bool:
    """Constant-time check of a token against a stored digest. Lookups are by digest; this
    guards against a database collation answering a row that is not byte-equal."""
    return hmac.compare_digest(stored_digest, digest(token))
