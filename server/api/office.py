"""Wave 2 office endpoints: price versions, revisits of failed visits, account states."""

from __future__ import annotations

from flask import Blueprint, g

from schemas.common import iso
from schemas.dispatch import CatalogOutputSchema
from schemas.office import (
    AccountOutputSchema,
    CatalogPatchSchema,
    PriceHistorySchema,
    RevisitInputSchema,
)
from schemas.workorder import WorkOrderOutputSchema
from server.api.endpoint import endpoint
from server.clock import utcnow
from server.services import accounts, catalog_prices, orders_repo, visits
from server.services.dispatch import catalog_document
from sync.document import to_document
from sync.money import plain

bp = Blueprint("office", __name__)
OFFICE = ("dispatcher", "supervisor")


@endpoint(bp, "/catalog/<code>", methods=["PATCH"], roles=OFFICE, body=CatalogPatchSchema,
          response=CatalogOutputSchema,
          summary="Change an item; a new price or tax rate is a new price version from now")
def patch_catalog_item(code, body):
    return catalog_document(catalog_prices.update_item(code, body, utcnow()))


@endpoint(bp, "/catalog/<code>/history", methods=["GET"], roles=OFFICE,
          response=PriceHistorySchema, summary="An item's price versions, oldest first")
def catalog_history(code):
    items = [{"unit_price": plain(v.unit_price), "tax_rate": plain(v.tax_rate),
              "effective_from": iso(v.effective_from), "effective_to": iso(v.effective_to)}
             for v in catalog_prices.history(code)]
    return {"items": items, "cursor": None, "has_more": False}


@endpoint(bp, "/workorders/<order_id>/revisit", methods=["POST"], roles=OFFICE,
          body=RevisitInputSchema, response=WorkOrderOutputSchema,
          summary="Schedule another visit to a failed one (back to assigned, new window)")
def revisit(order_id, body):
    row = visits.revisit(order_id, body, g.user, utcnow())
    return to_document(orders_repo.to_aggregate(row))


def _account(user) -> dict:
    return {"id": user.id, "username": user.username, "role": user.role, "name": user.name,
            "active": user.active}


@endpoint(bp, "/users/<user_id>/deactivate", methods=["POST"], roles=("supervisor",),
          response=AccountOutputSchema,
          summary="Lock an account out now: tokens and console sessions stop working")
def deactivate_user(user_id):
    return _account(accounts.deactivate(user_id, g.user, utcnow()))


@endpoint(bp, "/users/<user_id>/reactivate", methods=["POST"], roles=("supervisor",),
          response=AccountOutputSchema, summary="Let a deactivated account sign in again")
def reactivate_user(user_id):
    return _account(accounts.reactivate(user_id))
