"""One decorator per API view: authentication, role check, parsing, commit, OpenAPI metadata."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import wraps

from flask import Blueprint, Response, g, jsonify, request
from marshmallow import Schema, ValidationError

from schemas.common import first_errors
from schemas.roles import ROLES
from server.clock import utcnow
from server.database import unit_of_work
from server.extensions import db, limiter
from server.services.users import resolve_token
from sync.errors import BadRequest, Forbidden, Unauthorized, UnsupportedMediaType, ValidationFailed
from sync.storable import find_problem

ALL_ROLES = ROLES


def authenticate(roles: tuple[str, ...]):
    """The calling user, from the bearer token; 401 without a valid one, 403 for other roles."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send 'Authorization: Bearer <token>'", code="missing_token")
    user, token_row = resolve_token(token.strip(), utcnow())
    if user.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}", code="forbidden",
                        role=user.role)
    g.user, g.token = user, token_row
    return user


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def json_body() -> object:
    """The request's JSON (floats as exact Decimals), or 400/415."""
    if not request.mimetype or request.mimetype != "application/json":
        raise UnsupportedMediaType("send the body as application/json",
                                   code="unsupported_media_type")
    try:
        return json.loads(request.get_data(cache=False) or b"null", parse_float=Decimal,
                          parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}", code="malformed_json") from exc
    except RecursionError as exc:
        raise BadRequest("the body nests too deeply", code="malformed_json") from exc


def load(schema: Schema, data, *, screen: bool = True) -> dict:
    """Validate with a schema: 400 if not an object, 422 naming each bad field; `screen`
    first refuses text no database can store (NUL, lone surrogates) and deep nesting."""
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object", code="malformed_json")
    # Before the schema: its recursion and error messages must never meet such values.
    problem = find_problem(data, opaque=getattr(schema, "OPAQUE_PATHS", ())) if screen else None
    if problem is not None:
        raise ValidationFailed("some fields are not valid", fields=problem.fields())
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed("some fields are not valid", fields=first_errors(exc)) from exc


def endpoint(bp: Blueprint, rule: str, *, methods: list[str], roles: tuple[str, ...] | None,
             summary: str, body: type[Schema] | None = None, query: type[Schema] | None = None,
             response: type[Schema] | None = None, status: int = 200,
             snapshot: bool = False, rate_limit=None):
    """Register a JSON view; `roles=None` makes it public; `snapshot` reads one consistent
    snapshot (REPEATABLE READ on PostgreSQL; SQLite read transactions always are);
    `rate_limit` is a callable giving a Flask-Limiter limit string."""

    def decorate(fn):
        def answer(**kwargs):
            if snapshot and db.session.get_bind().dialect.name == "postgresql":
                db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            if roles is not None:
                authenticate(roles)
            if body is not None:
                kwargs["body"] = load(body(), json_body())
            if query is not None:
                # A query string is flat and decoded with replacement characters; its
                # fields judge NUL themselves (a cursor answers invalid_cursor).
                kwargs["query"] = load(query(), request.args.to_dict(), screen=False)
            return fn(**kwargs)

        @wraps(fn)
        def view(**kwargs):
            if request.method in ("GET", "HEAD"):
                result = answer(**kwargs)  # reads: the request's end drops the transaction
            else:
                with unit_of_work():
                    result = answer(**kwargs)
            if isinstance(result, Response):
                return result
            if isinstance(result, tuple):  # (body, status) where the status varies
                return jsonify(result[0]), result[1]
            return jsonify(result), status

        if rate_limit is not None:
            view = limiter.limit(rate_limit)(view)
        view.openapi = {"summary": summary, "roles": roles, "body": body, "query": query,
                        "response": response, "status": status}
        bp.add_url_rule(rule, endpoint=fn.__name__, view_func=view, methods=methods)
        return view

    return decorate
