"""The office's lists (customers, sites, catalog, users) and order edits."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

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
from schemas.roles import OFFICE
from schemas.workorder import WorkOrderOutputSchema
from server.api.endpoint import ALL_ROLES, endpoint
from server.api.preconditions import entity_tag, versions_in
from server.clock import utcnow
from server.services import catalog, lists, orders, orders_repo, users
from server.services.orders_repo import customer_document, site_document
from sync.document import to_document

bp = Blueprint("office", __name__)


def _answer(page: dict, render) -> dict:
    return {**page, "items": [render(item) for item in page["items"]]}


def _document(row) -> dict:
    return to_document(orders_repo.to_aggregate(row))


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

