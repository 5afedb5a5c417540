"""Customers, sites, the catalog and work orders."""

from __future__ import annotations

from flask import Blueprint, current_app, g

from schemas.dispatch import (
    AssignInputSchema,
    CancelInputSchema,
    CandidatePageSchema,
    CandidatesQuerySchema,
    CatalogInputSchema,
    CatalogOutputSchema,
    CustomerInputSchema,
    CustomerOutputSchema,
    SiteInputSchema,
    SiteOutputSchema,
    VerifyInputSchema,
    WorkOrderInputSchema,
)
from schemas.public import CustomerLinkSchema
from schemas.roles import ENGINEER, OFFICE, SUPERVISOR
from schemas.workorder import WorkOrderOutputSchema
from server.api.endpoint import ALL_ROLES, endpoint
from server.clock import utcnow
from server.services import (
    candidates,
    catalog,
    customer_links,
    customers,
    orders,
    orders_repo,
    sites,
    timeline,
)
from server.services.orders_repo import customer_document, site_document
from sync.document import to_document

bp = Blueprint("dispatch", __name__)


def _document(row) -> dict:
    """The order's document as the caller may read it (engineers: no other order's names)."""
    return to_document(orders_repo.to_aggregate(row), office=g.user.role != ENGINEER)


@endpoint(bp, "/customers", methods=["POST"], roles=OFFICE, body=CustomerInputSchema,
          response=CustomerOutputSchema, status=201, summary="Create a customer")
def create_customer(body):
    return customer_document(customers.create_customer(body, utcnow()))


@endpoint(bp, "/sites", methods=["POST"], roles=OFFICE, body=SiteInputSchema,
          response=SiteOutputSchema, status=201,
          summary="Create a site with a polygon geofence or a radius (default 200 m)")
def create_site(body):
    return site_document(sites.create_site(body, utcnow(), current_app.config["TIMEZONE"]))


@endpoint(bp, "/catalog", methods=["POST"], roles=OFFICE, body=CatalogInputSchema,
          response=CatalogOutputSchema, status=201, summary="Add an item to the rate card")
def create_catalog_item(body):
    return catalog.catalog_document(catalog.create_catalog_item(body, utcnow()))


@endpoint(bp, "/workorders", methods=["POST"], roles=OFFICE, body=WorkOrderInputSchema,
          response=WorkOrderOutputSchema, status=201,
          summary="Create a work order; customer_url is shown only here")
def create_work_order(body):
    row, token = orders.create_work_order(body, g.user, utcnow(),
                                         current_app.config["TIMEZONE"])
    document = _document(row)
    document["customer_url"] = f"{current_app.config['PUBLIC_URL']}/c/{token}"
    return document


@endpoint(bp, "/workorders/<order_id>/assign", methods=["POST"], roles=OFFICE,
          body=AssignInputSchema, response=WorkOrderOutputSchema,
          summary="Assign or reassign to an engineer")
def assign(order_id, body):
    return _document(orders.assign(order_id, body["engineer_id"], g.user, utcnow()))


@endpoint(bp, "/workorders/<order_id>/assign-best", methods=["POST"], roles=OFFICE,
          response=WorkOrderOutputSchema,
          summary="Assign to the top candidate; 409 no_candidate when nobody is eligible")
def assign_best(order_id):
    return _document(orders.assign_best(order_id, g.user, utcnow(),
                                        current_app.config["TIMEZONE"]))


@endpoint(bp, "/workorders/<order_id>/candidates", methods=["GET"], roles=OFFICE,
          query=CandidatesQuerySchema, response=CandidatePageSchema,
          summary="Engineers ranked for this order, each with a score and the reasons for it "
                  "(README: How candidates are ranked)")
def list_candidates(order_id, query):
    ranked = candidates.for_order(order_id, query["limit"], utcnow(),
                                  current_app.config["TIMEZONE"])
    return {"items": [vars(candidate) for candidate in ranked], "cursor": None,
            "has_more": False}


@endpoint(bp, "/workorders/<order_id>/cancel", methods=["POST"], roles=OFFICE,
          body=CancelInputSchema, response=WorkOrderOutputSchema,
          summary="Cancel an order that is not completed")
def cancel(order_id, body):
    return _document(orders.cancel(order_id, body["reason"], g.user, utcnow()))


@endpoint(bp, "/workorders/<order_id>/verify", methods=["POST"], roles=(SUPERVISOR,),
          body=VerifyInputSchema, response=WorkOrderOutputSchema,
          summary="Approve a completed order or send it back for rework")
def verify(order_id, body):
    return _document(orders.verify(order_id, body["decision"], body.get("comment"),
                                     g.user, utcnow()))


@endpoint(bp, "/workorders/<order_id>", methods=["GET"], roles=ALL_ROLES,
          response=WorkOrderOutputSchema, summary="One order with its timeline")
def get_work_order(order_id):
    row = orders.visible_order(order_id, g.user)
    document = _document(row)
    document["timeline"] = timeline.entries(
        row.id, engineer_id=g.user.id if g.user.role == ENGINEER else None)
    return document


@endpoint(bp, "/workorders/<order_id>/customer-link", methods=["POST"], roles=OFFICE,
          response=CustomerLinkSchema,
          summary="Revoke the customer's link and issue a new one")
def rotate_customer_link(order_id):
    token = customer_links.rotate_link(order_id, g.user, utcnow())
    return {"customer_url": f"{current_app.config['PUBLIC_URL']}/c/{token}"}
