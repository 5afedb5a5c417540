"""Tokens and users."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g

from schemas.auth import TokenInputSchema, TokenOutputSchema, UserInputSchema, UserOutputSchema
from schemas.formats import iso
from schemas.roles import ENGINEER, OFFICE
from server.api.endpoint import ALL_ROLES, endpoint
from server.clock import utcnow
from server.extensions import limiter
from server.limits import failed_sign_in, login_limit
from server.services import users
from server.services.ratings import rating_summary

bp = Blueprint("auth", __name__)


@endpoint(bp, "/auth/token", methods=["POST"], roles=None, body=TokenInputSchema,
          response=TokenOutputSchema, summary="Exchange a username and password for a token")
@limiter.limit(login_limit, deduct_when=failed_sign_in)  # failed guesses per client address
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
