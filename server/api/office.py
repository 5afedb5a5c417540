"""The office: lists, order edits and revisits, price versions, account states."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from schemas.dispatch import CatalogOutputSchema
from schemas.formats import iso
from schemas.lists import (
    CatalogListQuerySchema,
    CatalogPageSchema,
    CustomerListQuerySchema,
    CustomerPageSchema,
    SiteListQuerySchema,
    SitePageSchema,
    UserListQuerySchema,
    UserPageSchema,
    WorkOrderListQuerySchema,
    WorkOrderPageSchema,
    WorkOrderPatchSchema,
)
from schemas.office import (
    AccountOutputSchema,
    CatalogPatchSchema,
    PriceHistorySchema,
    RevisitInputSchema,
)
from schemas.roles import ENGINEER, OFFICE, SUPERVISOR
from schemas.workorder import WorkOrderOutputSchema
from server.api.endpoint import ALL_ROLES, endpoint
from server.api.preconditions import entity_tag, versions_in
from server.clock import utcnow
from server.services import (
    accounts,
    catalog,
    catalog_prices,
    lists,
    orders,
    orders_repo,
    users,
    visits,
)
from server.services.orders_repo import customer_document, site_document
from sync.document import to_document
from sync.money import plain

bp = Blueprint("office", __name__)


def _answer(page: dict, render) -> dict:
    return {**page, "items": [render(item) for item in page["items"]]}


def _document(row) -> dict:
    """The order as the caller may read it (the office reads which other order a photo is on)."""
    return to_document(orders_repo.to_aggregate(row), office=g.user.role != ENGINEER)


@endpoint(bp, "/customers", methods=["GET"], roles=OFFICE, query=CustomerListQuerySchema,
          response=CustomerPageSchema, summary="Customers by name; `q` searches name and phone")
def list_customers(query):
    return _answer(lists.customers(query), customer_document)


@endpoint(bp, "/sites", methods=["GET"], roles=OFFICE, query=SiteListQuerySchema,
          response=SitePageSchema, summary="Sites by address, of one customer if asked")
def list_sites(query):
    return _answer(lists.sites(query), site_document)


@endpoint(bp, "/catalog", methods=["GET"], roles=ALL_ROLES, query=CatalogListQuerySchema,
          response=CatalogPageSchema, summary="The rate card by code; `active` filters")
def list_catalog(query):
    return _answer(lists.catalog(query), catalog.catalog_document)


@endpoint(bp, "/users", methods=["GET"], roles=OFFICE, query=UserListQuerySchema,
          response=UserPageSchema, summary="Users by username; filter by role, region, `q`")
def list_users(query):
    return _answer(lists.users(query), users.user_document)


@endpoint(bp, "/workorders", methods=["GET"], roles=ALL_ROLES, query=WorkOrderListQuerySchema,
          response=WorkOrderPageSchema,
          summary="Orders, newest first (engineers: their own); `q` searches number, title "
                  "and customer")
def list_work_orders(query):
    page = _answer(lists.work_orders(query, g.user), _document)
    return {**page, "next_cursor": page["cursor"]}


@endpoint(bp, "/workorders/<order_id>", methods=["PATCH"], roles=OFFICE,
          body=WorkOrderPatchSchema, response=WorkOrderOutputSchema,
          summary='Edit an order; send If-Match: "<version>" (412 when stale, 428 without)')
def edit_work_order(order_id, body):
    expected = versions_in(request.headers.get("If-Match"))
    row = orders.edit(order_id, body, expected, g.user, utcnow())
    response = jsonify(_document(row))
    response.headers["ETag"] = entity_tag(row.version)
    return response


@endpoint(bp, "/catalog/<code>", methods=["PATCH"], roles=OFFICE, body=CatalogPatchSchema,
          response=CatalogOutputSchema,
          summary="Change an item; a new price or tax rate is a new price version from now")
def patch_catalog_item(code, body):
    return catalog.catalog_document(catalog_prices.update_item(code, body, utcnow()))


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
    return _document(visits.revisit(order_id, body, g.user, utcnow()))


def _account(user) -> dict:
    return {"id": user.id, "username": user.username, "role": user.role, "name": user.name,
            "active": user.active}


@endpoint(bp, "/users/<user_id>/deactivate", methods=["POST"], roles=(SUPERVISOR,),
          response=AccountOutputSchema,
          summary="Lock an account out now: tokens and console sessions stop working")
def deactivate_user(user_id):
    return _account(accounts.deactivate(user_id, g.user, utcnow()))


@endpoint(bp, "/users/<user_id>/reactivate", methods=["POST"], roles=(SUPERVISOR,),
          response=AccountOutputSchema, summary="Let a deactivated account sign in again")
def reactivate_user(user_id):
    return _account(accounts.reactivate(user_id))
