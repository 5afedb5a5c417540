"""The services' one way to say a field names something that does not exist or is wrong."""

from __future__ import annotations

from sync.errors import ValidationFailed


def invalid(field: str, message: str) -> ValidationFailed:
    """A 422 naming `field`, as a schema's own errors do."""
    return ValidationFailed(f"{field}: {message}", fields={field: [message]})
