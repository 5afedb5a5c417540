"""Helpers of the bad-input tests: the contract's error shape, raw requests, valid bodies."""

from __future__ import annotations

import base64
import re

from tests.api import SHENZHEN, new_id
from tests.openapi_check import check_response

MIB = 1024 * 1024
UNKNOWN_ID = "0b0b0b0b-0000-4000-8000-00000000b0b0"


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is `status` with the contract's error body; its `error` object."""
    assert response.status_code == status, (response.status_code,
                                            response.get_data(as_text=True)[:1000])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", error["code"]), error["code"]
    assert isinstance(error["message"], str) and error["message"].strip()
    assert isinstance(error["details"], dict)
    if code is not None:
        assert error["code"] == code, error
    return error


def assert_field_error(response, field: str, code: str = "validation_error") -> dict:
    """422 whose details name `field` (a dotted path into nested fields)."""
    error = assert_error(response, 422, code)
    node = error["details"]["fields"]
    for part in field.split("."):
        assert part in node, (field, error["details"])
        node = node[part]
    assert node, error["details"]
    return error


def send(api, method: str, path: str, data=None, *, content_type: str | None = "application/json",
         as_: str | None = None, headers: dict | None = None):
    """A raw request: the bytes and content type exactly as given."""
    response = api.client.open(path, method=method, data=data, content_type=content_type,
                               headers={**api.headers(as_), **(headers or {})})
    check_response(response)
    return response


def b64(text: str) -> str:
    """Encoded like a pull cursor (unpadded)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def b64_padded(text: str) -> str:
    """Encoded like a work-order list cursor (padded)."""
    return base64.urlsafe_b64encode(text.encode()).decode()


def order_ids(api) -> list[str]:
    return [item["id"] for item in api.get("/api/v1/workorders", as_="dispatcher")["items"]]


def customer(world, **patch):
    return {"name": "Huang Min", **patch}


def site(world, **patch):
    return {"customer_id": world.customer_id, "address": "Futian, Shenzhen",
            "location": SHENZHEN, **patch}


def catalog(world, **patch):
    return {"code": "FAN-1", "kind": "part", "description": "Fan", "unit": "each",
            "unit_price": "10.00", "tax_rate": "0.13", **patch}


def workorder(world, **patch):
    return {"customer_id": world.customer_id, "site_id": world.site_id,
            "title": "Air conditioner leaking", **patch}


def user(world, **patch):
    return {"username": "newbie", "password": "long enough pw", "role": "engineer",
            "name": "New Engineer", **patch}


BUILDERS = {"/api/v1/customers": customer, "/api/v1/sites": site, "/api/v1/catalog": catalog,
            "/api/v1/workorders": workorder, "/api/v1/users": user}


def push(api, client_id: str, mutations, as_: str = "engineer"):
    return api.request("POST", "/api/v1/sync/push",
                       {"client_id": client_id, "mutations": mutations}, as_=as_)


def notes(order, count: int = 1) -> list[dict]:
    return [{"seq": seq, "id": new_id(), "name": "workorder.note",
             "args": {"work_order_id": order["id"], "text": f"note {seq}"}}
            for seq in range(1, count + 1)]
