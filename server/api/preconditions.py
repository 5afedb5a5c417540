"""Conditional requests: If-Match names the version of an order the caller edited."""

from __future__ import annotations

import re

from sync.errors import BadRequest, PreconditionRequired

_ENTITY_TAG = re.compile(r'^\s*(?:W/)?(?:"(\d{1,18})"|(\d{1,18}))\s*$')


def entity_tag(version: int) -> str:
    """The ETag header value for an order at `version`."""
    return f'"{version}"'


def versions_in(if_match: str | None) -> set[int]:
    """The versions an If-Match header names; 428 without one, 400 when it is not ours."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired('send If-Match: "<version>" with the version you edited',
                                   code="precondition_required")
    versions = set()
    for tag in if_match.split(","):
        match = _ENTITY_TAG.match(tag)
        if match is None:
            raise BadRequest('If-Match must name versions, like "3"', code="invalid_if_match")
        versions.add(int(match.group(1) or match.group(2)))
    return versions
