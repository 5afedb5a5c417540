"""Service points: the office's list and form, and the public nearest search."""

from __future__ import annotations

from flask import Blueprint, current_app

from schemas.roles import OFFICE
from schemas.service_points import (
    NearestPageSchema,
    NearestQuerySchema,
    ServicePointInputSchema,
    ServicePointListQuerySchema,
    ServicePointOutputSchema,
    ServicePointPageSchema,
)
from server.api.endpoint import endpoint
from server.clock import utcnow
from server.limits import public_limit
from server.services import service_points

bp = Blueprint("service_points", __name__)


@endpoint(bp, "/service-points", methods=["POST"], roles=OFFICE, body=ServicePointInputSchema,
          response=ServicePointOutputSchema, status=201,
          summary="Create a service point; `opening_hours` in OpenStreetMap syntax")
def create_service_point(body):
    point = service_points.create(body, utcnow(), current_app.config["TIMEZONE"])
    return service_points.document(point)


@endpoint(bp, "/service-points", methods=["GET"], roles=OFFICE,
          query=ServicePointListQuerySchema, response=ServicePointPageSchema,
          summary="Service points by name; `q` searches name and address, `active` filters")
def list_service_points(query):
    page = service_points.listing(query)
    return {**page, "items": [service_points.document(p) for p in page["items"]]}


@endpoint(bp, "/public/service-points/nearest", methods=["GET"], roles=None,
          query=NearestQuerySchema, response=NearestPageSchema, rate_limit=public_limit,
          summary="Public, no token: the active service points nearest lat/lon (geodesic km) "
                  "and whether each is open now in its own time zone")
def nearest_service_points(query):
    return {"items": service_points.nearest_documents(query["lat"], query["lon"],
                                                      query["limit"], utcnow())}
