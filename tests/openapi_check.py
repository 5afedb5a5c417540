"""Every answer the tests receive under /api/v1 is checked against the OpenAPI document."""

from __future__ import annotations

from functools import cache

from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound


@cache
def document() -> dict:
    """The document as the server builds it (the same for every app the tests create)."""
    from server import create_app
    from server.api.openapi import build_spec

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "spec",
                      "TESTING": True})
    return build_spec(app)


class _AnsweredRequest(WerkzeugOpenAPIRequest):
    """The request as far as finding its operation needs: its body was read by the view."""

    @property
    def body(self) -> bytes | None:
        return None


@cache
def _openapi() -> OpenAPI:
    return OpenAPI.from_dict(document())


def check_response(response) -> None:
    """Raise unless `response` (a werkzeug test response) is one the document describes.
    A 404 or 405 for a path or method the document does not name is the router's answer to
    a wrong address, which the tests make on purpose; anything else must be described."""
    request = response.request
    if not request.path.startswith("/api/v1/"):
        return
    try:
        _openapi().validate_response(_AnsweredRequest(request),
                                     WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        if response.status_code not in (404, 405):
            raise
