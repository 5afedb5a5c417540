"""Tokens and users."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g, request

from schemas.auth import (
    TokenInputSchema,
    TokenOutputSchema,
    UserInputSchema,
    UserOutputSchema,
    UserPatchSchema,
)
from schemas.formats import iso
from schemas.roles import ENGINEER, OFFICE
from server.api.endpoint import ALL_ROLES, endpoint
from server.clock import utcnow
from server.limits import sign_in_limits
from server.services import users
from server.services.ratings import rating_summary

bp = Blueprint("auth", __name__)


@bp.before_request
def _keep_sign_in_body():
    # The sign-in limits key on the username and are checked after the view has parsed the
    # body; keeping the bytes (at most MAX_JSON_BYTES) lets them read it again.
    if current_app.view_functions.get(request.endpoint) is issue_token:
        request.get_data(cache=True)


@endpoint(bp, "/auth/token", methods=["POST"], roles=None, body=TokenInputSchema,
          response=TokenOutputSchema, summary="Exchange a username and password for a token")
@sign_in_limits()  # failed guesses per account and address, per account, per address
def issue_token(body):
    ttl = timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
    token, row, user = users.issue_token(
        username=body["username"], password=body["password"],
        device_id=body.get("device_id"), now=utcnow(), ttl=ttl)
    return {"token": token, "user_id": user.id, "role": user.role,
            "expires_at": iso(row.expires_at)}


@endpoint(bp, "/auth/revoke", methods=["POST"], roles=ALL_ROLES,
          summary="Revoke the token used for this request (log out)")
def revoke_token():
    users.revoke_token(g.token, utcnow())
    return {"revoked": True}


@endpoint(bp, "/users", methods=["POST"], roles=OFFICE,
          body=UserInputSchema, response=UserOutputSchema, status=201,
          summary="Create a user")
def create_user(body):
    user = users.create_user(now=utcnow(), hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                             created_by=g.user, **body)
    return users.user_document(user)


@endpoint(bp, "/me", methods=["GET"], roles=ALL_ROLES, response=UserOutputSchema,
          summary="The calling user")
def me():
    return users.user_document(g.user)


@endpoint(bp, "/users/<user_id>", methods=["GET"], roles=ALL_ROLES, response=UserOutputSchema,
          summary="A user's profile; engineers' include their customer rating")
def get_user(user_id):
    user = users.visible_user(user_id, g.user)
    document = users.user_document(user)
    if user.role == ENGINEER:
        document["rating"] = rating_summary(user.id)
    return document


@endpoint(bp, "/users/<user_id>", methods=["PATCH"], roles=OFFICE, body=UserPatchSchema,
          response=UserOutputSchema,
          summary="Change a user's name, region, language, or an engineer's skills, languages, "
                  "home and service point (dispatchers: engineers only)")
def update_user(user_id, body):
    return users.user_document(users.update_user(user_id, body, g.user))
