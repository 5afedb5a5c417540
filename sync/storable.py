"""Whether a decoded JSON value can be stored and answered as given, and a form that can.

`json.loads` accepts three things nothing downstream can keep: a lone surrogate escape
(`"\\ud800"`), which no UTF-8 encoder (database drivers, JSON answers) can write; a NUL
character, which PostgreSQL text refuses; and nesting a few hundred levels deep, on which every
recursive serializer (json, SQLAlchemy, marshmallow) dies of RecursionError. Requests are
checked with `find_problem` before anything else reads them; what a device sent and the server
must keep anyway (a rejected mutation) is kept in the form `storable` gives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from schemas.storable_text import MAX_DEPTH, REASONS, UNSTORABLE, text_problem
from sync.errors import ValidationFailed

REPLACEMENT = "\ufffd"
TOO_DEEP = "\u2026 (nested too deeply to keep)"

Path = tuple[str | int, ...]


class Unstorable(ValidationFailed):
    """A value that cannot be stored as given; `path` leads to it (storable keys only)."""

    code = "unstorable_payload"

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        where = ".".join(map(str, path)) or "the body"
        super().__init__(f"{where}: {REASONS[reason]}", path=where, reason=reason)

    def fields(self) -> dict:
        """The problem as marshmallow-style nested field errors, for a 422."""
        node: object = [REASONS[self.reason]]
        for part in reversed(self.path or ("_schema",)):
            node = {part: node}
        return node


def find_problem(value: object, *, opaque: Iterable[Path] = (),
                 max_depth: int = MAX_DEPTH) -> Unstorable | None:
    """The first unstorable text, key or nesting in `value`; None if it can be kept as is.
    Paths matching a pattern in `opaque` ("*" for any list index or key) are not looked into:
    their owner judges them itself (a push judges each mutation's payload on its own)."""
    return _find(value, (), tuple(opaque), max_depth)


def _find(value, path: Path, opaque: tuple[Path, ...], depth_left: int) -> Unstorable | None:
    if path and any(_matches(path, pattern) for pattern in opaque):
        return None
    if isinstance(value, str):
        reason = text_problem(value)
        return Unstorable(path, reason) if reason else None
    if not isinstance(value, dict | list):
        return None
    if depth_left <= 0:
        return Unstorable(path, "too_deep")
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(key, str) and (reason := text_problem(key)):
            return Unstorable((*path, _clean_text(key)), reason)
        if problem := _find(item, (*path, key), opaque, depth_left - 1):
            return problem
    return None


def _matches(path: Path, pattern: Path) -> bool:
    return len(path) == len(pattern) and all(
        want == "*" or want == part for part, want in zip(path, pattern, strict=True))


def require_storable(value: object, **kwargs) -> None:
    """Raise Unstorable (422 `unstorable_payload`) unless `value` can be kept as given."""
    if problem := find_problem(value, **kwargs):
        raise problem


def storable(value: object, max_depth: int = MAX_DEPTH) -> object:
    """A copy of `value` any database and JSON encoder can keep: unstorable characters become
    U+FFFD, what lies deeper than `max_depth` becomes a marker, and numbers too large for a
    JSON reader's float stay exact as strings. Values that are fine come back equal."""
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, Decimal) and not math.isfinite(float(value)):
        return str(value)
    if not isinstance(value, dict | list):
        return value
    if max_depth <= 0:
        return TOO_DEEP
    if isinstance(value, list):
        return [storable(item, max_depth - 1) for item in value]
    cleaned: dict = {}
    for key, item in value.items():
        key = _clean_text(key) if isinstance(key, str) else key
        while key in cleaned:  # two keys that differed only in unstorable characters
            key = f"{key}{REPLACEMENT}"
        cleaned[key] = storable(item, max_depth - 1)
    return cleaned


def _clean_text(text: str) -> str:
    return UNSTORABLE.sub(REPLACEMENT, text)


def storable_envelope(envelope):
    """A mutation envelope (any dataclass with name, args, client_time) in storable form."""
    return replace(envelope, name=storable(envelope.name), args=storable(envelope.args),
                   client_time=storable(envelope.client_time))
