"""The OpenAPI 3 document, generated from the endpoint metadata and the marshmallow schemas."""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "details"],
                             "properties": {"code": {"type": "string"},
                                            "message": {"type": "string"},
                                            "details": {"type": "object"}}}},
}
DESCRIPTION = """FieldSync HTTP API v1. Errors always have the shape of `Error`.

Decisions where the contract is silent:
- `customer_url` is returned only when the order is created (the token is stored hashed).
- Push answers every mutation after a `retry` with `retry`/`not_processed`; a duplicate
  answers `original_status` beside `error`/`version` of its first result.
- Work-order lists are keyset-paginated: pass `next_cursor` back as `cursor`.
"""


def build_spec(app: Flask) -> dict:
    """The spec of every endpoint registered with server.api.endpoint.endpoint."""
    spec = APISpec(title="FieldSync", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION})
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        meta = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if meta is None:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_][a-z0-9_]*)>", r"{\1}", rule.rule)
        operations = {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operations[method.lower()] = _operation(meta, path)
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(meta: dict, path: str) -> dict:
    operation: dict = {"summary": meta["summary"], "responses": {}}
    if meta["roles"] is not None:
        operation["security"] = [{"bearer": []}]
        operation["description"] = "Roles: " + ", ".join(meta["roles"])
    params = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
              for name in re.findall(r"{([a-z_][a-z0-9_]*)}", path)]
    if meta["query"] is not None:
        params.append({"in": "query", "schema": meta["query"]})
    if params:
        operation["parameters"] = params
    if meta["body"] is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": meta["body"]}}}
    success = {"description": "OK"}
    if meta["response"] is not None:
        success["content"] = {"application/json": {"schema": meta["response"]}}
    operation["responses"][str(meta["status"])] = success
    operation["responses"]["default"] = {"description": "Error", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return operation
