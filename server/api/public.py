"""The customer's JSON endpoints, reached through the private link's token."""

from __future__ import annotations

from flask import Blueprint

from schemas.formats import iso
from schemas.public import (
    PreferenceInputSchema,
    PreferenceOutputSchema,
    PublicOrderSchema,
    RatingInputSchema,
    RatingOutputSchema,
)
from server.api.endpoint import endpoint
from server.clock import utcnow
from server.limits import public_limit, rating_limit
from server.services import customer_links, customers_public, preferences

bp = Blueprint("public", __name__)


@endpoint(bp, "/public/orders/<token>", methods=["GET"], roles=None,
          response=PublicOrderSchema, rate_limit=public_limit,
          summary="The customer's view: itemized charges, totals, digest, sign-off, photos")
def public_order(token):
    row = customer_links.order_for_token(token)
    return customers_public.public_view(row, token)


@endpoint(bp, "/public/orders/<token>/rating", methods=["POST"], roles=None,
          body=RatingInputSchema, response=RatingOutputSchema, status=201,
          rate_limit=rating_limit, summary="Rate the engineer, once, after completion")
def rate(token, body):
    row = customer_links.order_for_token(token)
    rating = customers_public.rate(row, body, utcnow())
    return {"stars": rating.stars, "tags": rating.tags, "comment": rating.comment,
            "created_at": iso(rating.created_at)}


@endpoint(bp, "/public/orders/<token>/preference", methods=["POST"], roles=None,
          body=PreferenceInputSchema, response=PreferenceOutputSchema,
          rate_limit=rating_limit,
          summary="After rating: ask for this engineer next time (favourite), never send them "
                  "again (blocked), or neither (none); changeable")
def choose_engineer(token, body):
    row = customer_links.order_for_token(token)
    return {"engineer": preferences.choose(row, body["engineer"], utcnow())}
