"""The OpenAPI 3 document, generated from the endpoint metadata and the marshmallow schemas.

Views registered with server.api.endpoint.endpoint carry their own metadata; the few that answer
something other than JSON (health aside: media HEAD, photo renditions) are described in
EXTRA_OPERATIONS here, so that every route under /api/v1 is in the document.
"""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from schemas.auth import RevokeOutputSchema
from schemas.common import DecimalValue
from schemas.formats import MIME_TYPES_ACCEPTED
from schemas.media import HealthOutputSchema, MediaOutputSchema
from schemas.mutations import ARGS_SCHEMAS

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
- A push's `mutations` are checked one by one: a mutation that does not match its `name`'s
  arguments is answered `rejected` (`validation_error`), the batch goes on.
- `/public/service-points/nearest` needs no token (rate-limited per address) and answers only
  active points without their ids; `open_now` is null when the hours are unknown.
"""
UUID = {"type": "string", "format": "uuid"}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
PATH_PARAMETERS = {"sha256": SHA256, "order_id": UUID, "user_id": UUID, "photo_id": UUID,
                   "token": {"type": "string"}}
BINARY = {"type": "string", "format": "binary"}
NO_BODY = {"description": "No body"}


def _image(description: str, types=("image/jpeg",)) -> dict:
    return {"description": description, "content": {t: {"schema": BINARY} for t in types}}


# Routes not registered through `endpoint`, by Flask endpoint name: {method: operation}.
EXTRA_OPERATIONS = {
    "api.meta.health": {"get": {
        "operationId": "health", "summary": "Whether the server answers", "responses": {"200": {
            "description": "OK", "content": {"application/json": {
                "schema": HealthOutputSchema}}}}}},
    "api.meta.openapi": {"get": {
        "operationId": "openapi_document", "summary": "This document", "responses": {"200": {
            "description": "OpenAPI 3", "content": {"application/json": {
                "schema": {"type": "object"}}}}}}},
    "api.media.exists": {"head": {
        "operationId": "media_exists", "roles": "all",
        "summary": "Whether an image with this SHA-256 is stored",
        "responses": {"200": {"description": "Stored"}, "404": {"description": "Not stored"}}}},
    "api.media.thumbnail": {"get": {
        "operationId": "photo_thumbnail", "roles": "all",
        "summary": "A JPEG thumbnail of a photo of an order the caller may see",
        "responses": {"200": _image("The thumbnail"), "304": {"description": "Not modified"}}}},
    "api.media.content": {"get": {
        "operationId": "photo_content", "roles": "all",
        "summary": "A photo's bytes as uploaded, for those who may see its order", "responses": {
            "200": _image("The photo", MIME_TYPES_ACCEPTED + ("application/octet-stream",)),
            "304": {"description": "Not modified"}}}},
}
# tus 1.0 resumable uploads (server/api/uploads.py): headers in, headers out, no JSON on success.
TUS_RESUMABLE = {"in": "header", "name": "Tus-Resumable", "required": True,
                 "schema": {"type": "string", "enum": ["1.0.0"]},
                 "description": "412 `tus_version_unsupported` without it"}
_NUMBER_HEADER = {"schema": {"type": "string", "pattern": "^[0-9]+$"}}
_EXPIRES = {"Upload-Expires": {"description": "When the unfinished upload is deleted "
                                              "(RFC 7231 date; moves on with every PATCH)",
                               "schema": {"type": "string"}}}
_OFFSET = {"Upload-Offset": {"description": "Bytes received so far", **_NUMBER_HEADER}}
TUS_OPERATIONS = {
    "api.uploads.capabilities": {"options": {
        "operationId": "tus_options", "summary": "The tus version, extensions and largest size",
        "responses": {"204": {"description": "What this server speaks", "headers": {
            "Tus-Version": {"schema": {"type": "string"}},
            "Tus-Extension": {"schema": {"type": "string"}},
            "Tus-Max-Size": {"description": "FIELDSYNC_MAX_MEDIA_BYTES", **_NUMBER_HEADER}}}}}},
    "api.uploads.create": {"post": {
        "operationId": "tus_create", "roles": "all",
        "summary": "Start a resumable upload of an image (tus creation)",
        "description": "`Upload-Length` over the media limit answers 413 `too_large`; "
                       "`Upload-Metadata` must carry `sha256` (base64 of the 64 lowercase hex "
                       "digits) that the finished file is checked against.",
        "parameters": [TUS_RESUMABLE, {
            "in": "header", "name": "Upload-Length", "required": True, **_NUMBER_HEADER}, {
            "in": "header", "name": "Upload-Metadata", "required": True,
            "schema": {"type": "string"}, "description": "`sha256 <base64>[,key <base64>...]`"}],
        "responses": {"201": {"description": "Created; PATCH the bytes to `Location`",
                              "headers": {"Location": {"schema": {"type": "string"}},
                                          **_EXPIRES}}}}},
    "api.uploads.offset": {"head": {
        "operationId": "tus_offset", "roles": "all",
        "summary": "How many bytes of the caller's upload arrived (resume from there)",
        "parameters": [TUS_RESUMABLE], "responses": {"200": {
            "description": "The offset",
            "headers": {**_OFFSET, "Upload-Length": _NUMBER_HEADER, **_EXPIRES}},
            # A HEAD answer has no body to carry the error.
            "401": {"description": "No valid token"},
            "404": {"description": "No such upload, or another user's"},
            "410": {"description": "Expired (removed: 404 from then on)"},
            "412": {"description": "No `Tus-Resumable: 1.0.0`"}}}},
    "api.uploads.append": {"patch": {
        "operationId": "tus_append", "roles": "all",
        "summary": "Append bytes at `Upload-Offset`; the last byte stores the file as PUT "
                   "/media/{sha256} would",
        "description": "409 `offset_mismatch` (details: `offset`) unless `Upload-Offset` is "
                       "the current offset; 413 past `Upload-Length`. On the last byte the "
                       "file is checked against its `sha256` and decoded: a refusal (422 "
                       "`hash_mismatch`, `invalid_image`, ...) removes the upload.",
        "parameters": [TUS_RESUMABLE, {
            "in": "header", "name": "Upload-Offset", "required": True, **_NUMBER_HEADER}],
        "requestBody": {"required": True, "content": {
            "application/offset+octet-stream": {"schema": BINARY}}},
        "responses": {"204": {"description": "Appended", "headers": {**_OFFSET,
                                                                    **_EXPIRES}}}}},
    "api.uploads.terminate": {"delete": {
        "operationId": "tus_terminate", "roles": "all",
        "summary": "Abandon an unfinished upload and delete its bytes (tus termination)",
        "parameters": [TUS_RESUMABLE], "responses": {"204": NO_BODY}}},
}
EXTRA_OPERATIONS.update(TUS_OPERATIONS)
# Served beside /api/v1 (where Prometheus looks), described here with the meta routes.
METRICS_OPERATION = {"get": {
    "operationId": "metrics", "tags": ["meta"],
    "summary": "Prometheus text exposition of the server's counters and gauges",
    "description": "With FIELDSYNC_METRICS_TOKEN set, send it as a bearer token (401 without "
                   "it); unset, only a loopback client not behind a proxy is served (403).",
    "security": [{"bearer": []}],
    "responses": {
        "200": {"description": "Prometheus text format", "content": {
            "text/plain": {"schema": {"type": "string"}}}},
        "401": {"description": "Missing or wrong metrics token", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "403": {"description": "No token set and the scraper is not local", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}
# Views that answer more than one success status (`endpoint` names only the usual one).
EXTRA_STATUSES = {"api.media.upload": {"201": "Stored (200: it was already there)"}}
# Answers of views that build their JSON without naming a schema.
RESPONSES = {"api.media.upload": MediaOutputSchema, "api.auth.revoke_token": RevokeOutputSchema}
# Request bodies that are not JSON.
RAW_BODIES = {"api.media.upload": {
    "required": True, "description": "A JPEG, PNG or HEIC image; its type is read from the bytes",
    "content": {"image/*": {"schema": BINARY}}}}


def openapi_path(rule: str) -> str:
    """`/media/<sha256>` (Flask, with or without a converter) as `/media/{sha256}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def build_spec(app: Flask) -> dict:
    """The spec of every route under /api/v1."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title="FieldSync", version="1.0.0", openapi_version="3.0.3",
                   plugins=[plugin], info={"description": DESCRIPTION})
    # Money and quantities travel as decimal strings (a JSON number is accepted on input).
    plugin.map_to_openapi_type(DecimalValue, "string", "decimal")
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    _mutation_schemas(spec)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = openapi_path(rule.rule)
        meta = getattr(app.view_functions[rule.endpoint], "openapi", None)
        operations = paths.setdefault(path, {})
        if meta is not None:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                operations[method.lower()] = _operation(meta, path, rule.endpoint)
        for method, extra in EXTRA_OPERATIONS.get(rule.endpoint, {}).items():
            operations[method] = _extra_operation(extra, path)
    if "metrics.metrics" in app.view_functions:
        paths["/metrics"] = METRICS_OPERATION
    for path, operations in paths.items():
        if operations:
            spec.path(path=path, operations=operations)
    return spec.to_dict()


def _mutation_schemas(spec: APISpec) -> None:
    """Each push mutation as its own schema (`name` fixed, `args` its arguments), and
    `Mutation` as their oneOf with `name` as the discriminator."""
    mapping = {}
    for name, args_schema in ARGS_SCHEMAS.items():
        component = "Mutation_" + name.replace(".", "_")
        args_component = args_schema.__name__
        if args_component not in spec.components.schemas:
            spec.components.schema(args_component, schema=args_schema)
        spec.components.schema(component, {
            "type": "object", "required": ["seq", "id", "name", "args"],
            "properties": {
                "seq": {"type": "integer", "minimum": 1}, "id": UUID,
                "name": {"type": "string", "enum": [name]},
                "args": {"$ref": f"#/components/schemas/{args_component}"},
                "client_time": {"type": "string", "format": "date-time", "nullable": True}}})
        mapping[name] = f"#/components/schemas/{component}"
    spec.components.schema("Mutation", {
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "name", "mapping": mapping}})


def _tag(path: str) -> str:
    return "meta" if path.count("/") == 3 else "media"


def _parameters(path: str) -> list[dict]:
    return [{"in": "path", "name": name, "required": True,
             "schema": PATH_PARAMETERS.get(name, {"type": "string"})}
            for name in re.findall(r"{([^}]+)}", path)]


def _error_responses(responses: dict) -> dict:
    responses["default"] = {"description": "Error", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return responses


def _operation(meta: dict, path: str, endpoint: str) -> dict:
    operation: dict = {"summary": meta["summary"], "operationId": endpoint.rsplit(".", 1)[-1],
                       "tags": [endpoint.split(".")[1]]}
    if meta["roles"] is not None:
        operation["security"] = [{"bearer": []}]
        operation["description"] = "Roles: " + ", ".join(meta["roles"])
    params = _parameters(path)
    if meta["query"] is not None:
        params.append({"in": "query", "schema": meta["query"]})
    if params:
        operation["parameters"] = params
    if meta["body"] is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": _body_schema(meta["body"])}}}
    elif endpoint in RAW_BODIES:
        operation["requestBody"] = RAW_BODIES[endpoint]
    success: dict = {"description": "OK"}
    response = meta["response"] or RESPONSES.get(endpoint)
    if response is not None:
        success["content"] = {"application/json": {"schema": response}}
    responses = {str(meta["status"]): success}
    for status, description in EXTRA_STATUSES.get(endpoint, {}).items():
        responses[status] = {**success, "description": description}
    operation["responses"] = _error_responses(responses)
    return operation


def _body_schema(schema):
    """The push body names its mutations by the oneOf; other bodies are their schema."""
    if schema.__name__ == "PushInputSchema":
        return {"type": "object", "required": ["client_id", "mutations"], "properties": {
            "client_id": UUID,
            "mutations": {"type": "array", "maxItems": 500,
                          "items": {"$ref": "#/components/schemas/Mutation"}}}}
    return schema


def _extra_operation(extra: dict, path: str) -> dict:
    operation = {"summary": extra["summary"], "operationId": extra["operationId"],
                 "tags": [_tag(path)], "responses": _error_responses(dict(extra["responses"]))}
    if extra.get("roles"):
        operation["security"] = [{"bearer": []}]
        operation["description"] = "Roles: every signed-in user"
    if extra.get("description"):
        operation["description"] = " ".join(
            filter(None, [operation.get("description", "") + ".", extra["description"]]))
    if extra.get("requestBody"):
        operation["requestBody"] = extra["requestBody"]
    params = _parameters(path) + extra.get("parameters", [])
    if params:
        operation["parameters"] = params
    return operation
