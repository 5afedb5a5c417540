"""Domain errors: raised by the rules, mapped to HTTP status codes only in server/errors.py."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; `code` is the stable snake_case code clients branch on."""

    category = "conflict"
    code = "conflict"

    def __init__(self, message: str, code: str | None = None, **details):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details}


class BadRequest(DomainError):
    category = "bad_request"
    code = "bad_request"


class Unauthorized(DomainError):
    category = "unauthorized"
    code = "unauthorized"


class Forbidden(DomainError):
    category = "forbidden"
    code = "forbidden"


class NotFound(DomainError):
    category = "not_found"
    code = "not_found"


class Conflict(DomainError):
    category = "conflict"
    code = "conflict"


class TooLarge(DomainError):
    category = "too_large"
    code = "too_large"


class UnsupportedMediaType(DomainError):
    category = "unsupported_media_type"
    code = "unsupported_media_type"


class ValidationFailed(DomainError):
    category = "validation"
    code = "validation_error"


class PreconditionFailed(DomainError):
    """The caller's If-Match names a version that is no longer current."""

    category = "precondition_failed"
    code = "version_conflict"


class PreconditionRequired(DomainError):
    """An edit that must name the version it was made against did not."""

    category = "precondition_required"
    code = "precondition_required"


class Gone(DomainError):
    """The thing existed but has expired (an unfinished upload)."""

    category = "gone"
    code = "gone"
