"""Bad input over HTTP: each case answers its status with the contract's error shape, never 500,
and leaves nothing half-written. Runs on SQLite and PostgreSQL through the `backend` fixture."""

from __future__ import annotations

import base64
import re

import pytest

from tests.api import SHENZHEN, new_id

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
    return api.client.open(path, method=method, data=data, content_type=content_type,
                           headers={**api.headers(as_), **(headers or {})})


def b64(text: str) -> str:
    """Encoded like a pull cursor (unpadded)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def b64_padded(text: str) -> str:
    """Encoded like a work-order list cursor (padded)."""
    return base64.urlsafe_b64encode(text.encode()).decode()


def order_ids(api) -> list[str]:
    return [item["id"] for item in api.get("/api/v1/workorders", as_="dispatcher")["items"]]


@pytest.fixture
def order(api, world):
    """An order assigned to `engineer`."""
    return api.create_order(world)


# --- the body is not a JSON object ----------------------------------------------------------

@pytest.mark.parametrize("data", [
    b'{"name": ',
    b'{"name": "Huang Min",}',
    b"{'name': 'Huang Min'}",
    b'{"name": NaN}',
    b'{"name": Infinity}',
    b'{"name": "Huang Min"} trailing',
    b"\xff\xfe\xfa",
    b'{"name": "\xe9"}',
], ids=["truncated", "trailing_comma", "single_quotes", "nan", "infinity", "trailing_text",
        "not_utf8", "latin1_text"])
def test_a_body_that_is_not_json_is_400_malformed_json(api, world, data):
    response = send(api, "POST", "/api/v1/customers", data, as_="dispatcher")

    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize("data", [b"[]", b'[{"name": "Huang Min"}]', b'"Huang Min"', b"42",
                                  b"null", b"true", b""],
                         ids=["empty_array", "array_of_object", "string", "number", "null",
                              "boolean", "empty_body"])
def test_a_json_body_that_is_not_an_object_is_400(api, world, data):
    response = send(api, "POST", "/api/v1/customers", data, as_="dispatcher")

    assert_error(response, 400, "malformed_json")


def test_deeply_nested_json_is_400_malformed_json(api, world):
    data = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    response = send(api, "POST", "/api/v1/customers", data, as_="dispatcher")

    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize(("content_type", "data"), [
    ("text/plain", b'{"name": "Huang Min"}'),
    ("application/x-www-form-urlencoded", b"name=Huang+Min"),
    ("application/xml", b"<customer><name>Huang Min</name></customer>"),
    ("text/json", b'{"name": "Huang Min"}'),
    ("application/jsonx", b'{"name": "Huang Min"}'),
    (None, b'{"name": "Huang Min"}'),
], ids=["text_plain", "form", "xml", "text_json", "jsonx", "none"])
def test_a_body_that_is_not_application_json_is_415(api, world, content_type, data):
    response = send(api, "POST", "/api/v1/customers", data, content_type=content_type,
                    as_="dispatcher")

    assert_error(response, 415, "unsupported_media_type")


def test_a_json_content_type_with_a_charset_is_accepted(api, world):
    response = send(api, "POST", "/api/v1/customers", '{"name": "黄敏"}'.encode(),
                    content_type="application/json; charset=utf-8", as_="dispatcher")

    assert response.status_code == 201
    assert response.get_json()["name"] == "黄敏"


# --- validation: 422 naming each bad field -------------------------------------------------------

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


@pytest.mark.parametrize("path", sorted(BUILDERS))
def test_the_valid_bodies_of_the_grid_are_accepted(api, world, path):
    # The positive control: each 422 below is caused by its one bad field, nothing else.
    api.post(path, BUILDERS[path](world), as_="dispatcher", expect=201)


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/customers", "nmae"),
    ("/api/v1/sites", "radius"),
    ("/api/v1/catalog", "price"),
    ("/api/v1/workorders", "asignee"),
    ("/api/v1/users", "email"),
])
def test_an_unknown_field_is_422_naming_it(api, world, path, field):
    body = BUILDERS[path](world, **{field: "typo"})

    response = api.request("POST", path, body, as_="dispatcher")

    assert_field_error(response, field)


def test_an_unknown_field_in_a_nested_object_is_422_naming_its_path(api, world):
    body = site(world, location={**SHENZHEN, "alt": 12})

    response = api.request("POST", "/api/v1/sites", body, as_="dispatcher")

    assert_field_error(response, "location.alt")


def test_an_unknown_field_when_asking_for_a_token_is_422(api, world):
    response = api.request("POST", "/api/v1/auth/token",
                           {"username": "engineer", "password": "x", "device": "phone"})

    assert_field_error(response, "device")


def test_an_unknown_field_in_a_push_is_422(api, world):
    response = api.request("POST", "/api/v1/sync/push",
                           {"client_id": new_id(), "mutations": [], "since": 0},
                           as_="engineer")

    assert_field_error(response, "since")


def test_an_unknown_field_in_a_mutation_envelope_is_422_naming_its_position(api, world):
    device = api.device()
    mutation = {**device.mutation("workorder.accept", work_order_id=UNKNOWN_ID), "retry": 1}

    response = api.request("POST", "/api/v1/sync/push",
                           {"client_id": device.client_id, "mutations": [mutation]},
                           as_="engineer")

    assert_field_error(response, "mutations.0.retry")


@pytest.mark.parametrize(("path", "field", "value"), [
    ("/api/v1/customers", "name", 123),
    ("/api/v1/customers", "name", None),
    ("/api/v1/customers", "name", ""),
    ("/api/v1/customers", "name", "x" * 201),
    ("/api/v1/customers", "name", ["Huang", "Min"]),
    ("/api/v1/customers", "language", "fr"),
    ("/api/v1/customers", "phone", 13800138000),
    ("/api/v1/sites", "customer_id", "not-a-uuid"),
    ("/api/v1/sites", "customer_id", 7),
    ("/api/v1/sites", "customer_id", UNKNOWN_ID),
    ("/api/v1/sites", "address", None),
    ("/api/v1/sites", "location", "22.54,113.95"),
    ("/api/v1/sites", "location", {"lat": 91, "lon": 113.95}),
    ("/api/v1/sites", "location", {"lat": 22.54, "lon": -181}),
    ("/api/v1/sites", "location", {"lat": "north", "lon": 113.95}),
    ("/api/v1/sites", "location", {"lat": 22.54}),
    ("/api/v1/sites", "radius_m", 0),
    ("/api/v1/sites", "radius_m", -5),
    ("/api/v1/sites", "radius_m", "far"),
    ("/api/v1/sites", "geofence", "circle"),
    ("/api/v1/catalog", "unit_price", "-1"),
    ("/api/v1/catalog", "unit_price", "-0.01"),
    ("/api/v1/catalog", "unit_price", "1.23456"),
    ("/api/v1/catalog", "unit_price", 1.23456),
    ("/api/v1/catalog", "unit_price", "100000000.01"),
    ("/api/v1/catalog", "unit_price", "12,50"),
    ("/api/v1/catalog", "unit_price", "Infinity"),
    ("/api/v1/catalog", "unit_price", "NaN"),
    ("/api/v1/catalog", "unit_price", True),
    ("/api/v1/catalog", "unit_price", []),
    ("/api/v1/catalog", "unit_price", None),
    ("/api/v1/catalog", "tax_rate", "1.01"),
    ("/api/v1/catalog", "tax_rate", "-0.1"),
    ("/api/v1/catalog", "tax_rate", "0.12345"),
    ("/api/v1/catalog", "tax_rate", "13%"),
    ("/api/v1/catalog", "currency", "ABC"),
    ("/api/v1/catalog", "currency", "usd"),
    ("/api/v1/catalog", "currency", "US$"),
    ("/api/v1/catalog", "kind", "gift"),
    ("/api/v1/catalog", "code", "has space"),
    ("/api/v1/catalog", "code", ""),
    ("/api/v1/catalog", "description", ""),
    ("/api/v1/workorders", "customer_id", "not-a-uuid"),
    ("/api/v1/workorders", "customer_id", UNKNOWN_ID),
    ("/api/v1/workorders", "site_id", "123"),
    ("/api/v1/workorders", "site_id", UNKNOWN_ID),
    ("/api/v1/workorders", "title", 5),
    ("/api/v1/workorders", "title", ""),
    ("/api/v1/workorders", "priority", "asap"),
    ("/api/v1/workorders", "due_at", "tomorrow"),
    ("/api/v1/workorders", "due_at", "2026-11-24T10:00:00"),
    ("/api/v1/workorders", "due_at", 1795000000),
    ("/api/v1/workorders", "currency", "ABC"),
    ("/api/v1/workorders", "currency", "cny"),
    ("/api/v1/workorders", "assigned_engineer_id", "engineer"),
    ("/api/v1/workorders", "assigned_engineer_id", UNKNOWN_ID),
    ("/api/v1/users", "role", "admin"),
    ("/api/v1/users", "password", "short"),
    ("/api/v1/users", "username", "has space"),
    ("/api/v1/users", "messaging", {"kind": "email", "url": "https://example.com/hook"}),
    ("/api/v1/users", "messaging", {"kind": "webhook", "url": "ftp://example.com/hook"}),
])
def test_a_bad_field_is_422_naming_it(api, world, path, field, value):
    body = BUILDERS[path](world, **{field: value})

    response = api.request("POST", path, body, as_="dispatcher")

    assert_field_error(response, field)


@pytest.mark.parametrize("role", ["dispatcher", "supervisor"])
def test_an_order_cannot_be_assigned_to_someone_who_is_not_an_engineer(api, world, role):
    body = workorder(world, assigned_engineer_id=world.ids[role])

    response = api.request("POST", "/api/v1/workorders", body, as_="dispatcher")

    assert_field_error(response, "assigned_engineer_id")


@pytest.mark.parametrize(("field", "location", "radius"), [
    ("location", '{"lat": 1e400, "lon": 113.95}', "150"),
    ("radius_m", '{"lat": 22.54, "lon": 113.95}', "1e400"),
])
def test_a_number_too_large_for_a_float_is_422_not_infinity(api, world, field, location,
                                                            radius):
    raw = (f'{{"customer_id": "{world.customer_id}", "address": "Futian", '
           f'"location": {location}, "radius_m": {radius}}}')

    response = send(api, "POST", "/api/v1/sites", raw.encode(), as_="dispatcher")

    assert_field_error(response, field)


@pytest.mark.parametrize("due_at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
def test_a_due_time_outside_the_representable_range_is_422(api, world, due_at):
    response = api.request("POST", "/api/v1/workorders", workorder(world, due_at=due_at),
                           as_="dispatcher")

    assert_field_error(response, "due_at")


def test_a_nul_character_in_text_is_422(api, world):
    response = api.request("POST", "/api/v1/customers", {"name": "Huang\u0000Min"},
                           as_="dispatcher")

    assert_field_error(response, "name")


def test_a_site_for_an_unknown_customer_is_422_no_such_customer(api, world):
    response = api.request("POST", "/api/v1/sites", site(world, customer_id=UNKNOWN_ID),
                           as_="dispatcher")

    error = assert_field_error(response, "customer_id")
    assert error["details"]["fields"]["customer_id"] == ["No such customer."]


# --- geofences ----------------------------------------------------------------------------------

SQUARE = [[113.95, 22.54], [113.96, 22.54], [113.96, 22.55], [113.95, 22.55], [113.95, 22.54]]


@pytest.mark.parametrize("geofence", [
    {"type": "Point", "coordinates": [113.95, 22.54]},
    {"type": "polygon", "coordinates": [SQUARE]},
    {"coordinates": [SQUARE]},
    {"type": "Polygon"},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [SQUARE[:-1]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [114, 22], [113, 22]]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [114, 23], [114, 22], [113, 23],
                                         [113, 22]]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [200, 22], [200, 23], [113, 22]]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [114, 95], [114, 22], [113, 22]]]},
    {"type": "Polygon", "coordinates": [[["113", "22"], [114, 22], [114, 23], ["113", "22"]]]},
    {"type": "Polygon", "coordinates": [[[113], [114, 22], [114, 23], [113]]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [True, 22], [114, 23], [113, 22]]]},
    {"type": "Polygon", "coordinates": "113,22 114,22 114,23 113,22"},
], ids=["point", "lowercase_type", "no_type", "no_coordinates", "no_rings", "ring_not_closed",
        "too_few_positions", "self_intersecting", "longitude_out_of_range",
        "latitude_out_of_range", "string_coordinates", "one_coordinate", "boolean_coordinate",
        "coordinates_as_text"])
def test_an_invalid_geojson_polygon_for_a_site_is_422(api, world, geofence):
    response = api.request("POST", "/api/v1/sites", site(world, geofence=geofence),
                           as_="dispatcher")

    assert_field_error(response, "geofence", code="invalid_geofence")


def test_a_polygon_with_whole_degree_coordinates_is_accepted(api, world):
    geofence = {"type": "Polygon",
                "coordinates": [[[113, 22], [114, 22], [114, 23], [113, 23], [113, 22]]]}

    created = api.post("/api/v1/sites", site(world, geofence=geofence), as_="dispatcher",
                       expect=201)

    assert created["geofence"]["type"] == "Polygon"


def test_a_valid_polygon_with_fractional_coordinates_is_accepted(api, world):
    geofence = {"type": "Polygon", "coordinates": [SQUARE]}

    response = api.request("POST", "/api/v1/sites", site(world, geofence=geofence),
                           as_="dispatcher")

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["geofence"]["coordinates"][0][1] == [113.96, 22.54]


# --- cursors and limits ---------------------------------------------------------------------------

GARBAGE_CURSORS = ["garbage", "fs1:5", b64("fs1:-1"), b64("fs1:abc"), b64("fs2:5"), b64("5"),
                   b64("o1:5"), "____", "%00%01"]


@pytest.mark.parametrize("cursor", GARBAGE_CURSORS)
def test_a_pull_cursor_the_server_never_gave_out_is_400_invalid_cursor(api, world, cursor):
    response = api.request("GET", f"/api/v1/sync/pull?cursor={cursor}", as_="engineer")

    assert_error(response, 400, "invalid_cursor")


@pytest.mark.parametrize("cursor", ["garbage", b64_padded("o1:abc"), b64_padded("fs1:5"),
                                    b64_padded("o1:"), b64_padded("o1:-"), "____"])
def test_a_work_order_list_cursor_the_server_never_gave_out_is_400(api, world, cursor):
    response = api.request("GET", f"/api/v1/workorders?cursor={cursor}", as_="dispatcher")

    assert_error(response, 400, "invalid_cursor")


def test_a_work_order_list_cursor_that_was_given_out_is_accepted(api, world):
    first, second = api.create_order(world), api.create_order(world)
    page = api.get("/api/v1/workorders?limit=1", as_="dispatcher")

    following = api.get(f"/api/v1/workorders?limit=1&cursor={page['next_cursor']}",
                        as_="dispatcher")

    assert [item["id"] for item in page["items"] + following["items"]] == [second["id"],
                                                                           first["id"]]


def test_a_pull_cursor_that_was_given_out_is_accepted(api, world):
    changes, cursor = api.pull_all("engineer")

    again = api.get(f"/api/v1/sync/pull?cursor={cursor}", as_="engineer")

    assert {change["type"] for change in changes} == {"catalog_item"}
    assert again["changes"] == []


@pytest.mark.parametrize("path", ["/api/v1/sync/pull?cursor=" + b64(f"fs1:{10**30}"),
                                  "/api/v1/workorders?cursor=" + b64_padded(f"o1:{10**30}")],
                         ids=["pull", "list"])
def test_a_cursor_beyond_any_feed_position_is_400_invalid_cursor(api, world, path):
    response = api.request("GET", path, as_="engineer")

    assert_error(response, 400, "invalid_cursor")


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "ten", "", "1.5"])
def test_a_pull_limit_outside_1_to_1000_is_422(api, world, limit):
    response = api.request("GET", f"/api/v1/sync/pull?limit={limit}", as_="engineer")

    assert_field_error(response, "limit")


@pytest.mark.parametrize("limit", [1, 1000])
def test_a_pull_limit_at_either_end_of_the_range_is_accepted(api, world, limit):
    page = api.get(f"/api/v1/sync/pull?limit={limit}", as_="engineer")

    assert len(page["changes"]) == min(limit, 3)  # the three catalog items


@pytest.mark.parametrize(("query", "field"), [
    ("status=lost", "status"), ("limit=0", "limit"), ("limit=501", "limit"),
    ("engineer_id=abc", "engineer_id"), ("sort=number", "sort"),
])
def test_a_bad_work_order_list_query_is_422(api, world, query, field):
    response = api.request("GET", f"/api/v1/workorders?{query}", as_="dispatcher")

    assert_field_error(response, field)


def test_an_unknown_pull_parameter_is_422(api, world):
    response = api.request("GET", "/api/v1/sync/pull?since=5", as_="engineer")

    assert_field_error(response, "since")


# --- push batches -----------------------------------------------------------------------------

def push(api, client_id: str, mutations, as_: str = "engineer"):
    return api.request("POST", "/api/v1/sync/push",
                       {"client_id": client_id, "mutations": mutations}, as_=as_)


def notes(order, count: int = 1) -> list[dict]:
    return [{"seq": seq, "id": new_id(), "name": "workorder.note",
             "args": {"work_order_id": order["id"], "text": f"note {seq}"}}
            for seq in range(1, count + 1)]


@pytest.mark.parametrize(("seqs", "code"), [
    ([1, 3], "seq_not_consecutive"),
    ([2, 1], "seq_not_consecutive"),
    ([1, 1], "seq_not_consecutive"),
    ([1, 2, 4], "seq_not_consecutive"),
])
def test_a_push_with_non_consecutive_seqs_is_422_and_applies_nothing(api, world, order, seqs,
                                                                     code):
    device = api.device()
    mutations = [{**mutation, "seq": seq}
                 for mutation, seq in zip(notes(order, len(seqs)), seqs, strict=True)]

    assert_error(push(api, device.client_id, mutations), 422, code)

    assert api.order(order["id"])["notes"] == []
    assert device.push(*notes(order, 1))["results"][0]["status"] == "applied"


def test_a_push_with_two_mutations_sharing_an_id_is_422(api, world, order):
    first, second = notes(order, 2)

    response = push(api, new_id(), [first, {**second, "id": first["id"]}])

    assert_error(response, 422, "duplicate_mutation_id")
    assert api.order(order["id"])["notes"] == []


@pytest.mark.parametrize(("patch", "field"), [
    ({"seq": 0}, "seq"), ({"seq": -1}, "seq"), ({"seq": "1"}, "seq"), ({"seq": 1.5}, "seq"),
    ({"seq": True}, "seq"), ({"id": "not-a-uuid"}, "id"), ({"id": None}, "id"),
    ({"name": 5}, "name"), ({"name": ""}, "name"),
])
def test_a_bad_mutation_envelope_is_422_naming_the_field(api, world, order, patch, field):
    [mutation] = notes(order)

    response = push(api, new_id(), [{**mutation, **patch}])

    assert_field_error(response, f"mutations.0.{field}")


@pytest.mark.parametrize(("body", "field"), [
    ({"client_id": "not-a-uuid", "mutations": []}, "client_id"),
    ({"mutations": []}, "client_id"),
    ({"client_id": UNKNOWN_ID}, "mutations"),
    ({"client_id": UNKNOWN_ID, "mutations": "all of them"}, "mutations"),
    ({"client_id": UNKNOWN_ID, "mutations": [7]}, "mutations"),
])
def test_a_bad_push_body_is_422_naming_the_field(api, world, body, field):
    response = api.request("POST", "/api/v1/sync/push", body, as_="engineer")

    assert_field_error(response, field)


def test_a_push_of_more_than_500_mutations_is_422_and_applies_nothing(api, world, order):
    response = push(api, new_id(), notes(order, 501))

    assert_field_error(response, "mutations")
    assert api.order(order["id"])["notes"] == []


def test_a_push_of_exactly_500_mutations_is_accepted(api, world, order):
    answer = push(api, new_id(), notes(order, 500)).get_json()

    assert answer["acked_seq"] == 500
    assert {result["status"] for result in answer["results"]} == {"applied"}


def test_a_push_that_skips_ahead_is_409_seq_gap_with_the_acked_seq(api, world, order):
    device = api.device()
    device.push(*notes(order, 2))

    response = push(api, device.client_id, [{**notes(order)[0], "seq": 4}])

    error = assert_error(response, 409, "seq_gap")
    assert error["details"] == {"acked_seq": 2}
    assert len(api.order(order["id"])["notes"]) == 2


def test_an_acknowledged_seq_sent_with_another_id_is_409_seq_conflict(api, world, order):
    device = api.device()
    [first] = notes(order)
    device.push(first)

    response = push(api, device.client_id, [{**first, "id": new_id()}])

    assert_error(response, 409, "seq_conflict")
    assert [note["text"] for note in api.order(order["id"])["notes"]] == ["note 1"]


def test_a_client_id_used_by_another_engineer_is_403_client_not_yours(api, world, order):
    device = api.device("engineer")
    device.push(*notes(order, 1))
    other_order = api.create_order(world, assign_to="engineer2")
    [intruding] = notes(other_order)

    response = push(api, device.client_id, [{**intruding, "seq": 2}], as_="engineer2")

    assert_error(response, 403, "client_not_yours")
    assert api.order(other_order["id"])["notes"] == []
    assert device.push(*[{**m, "seq": 2} for m in notes(order)])["acked_seq"] == 2


# --- one bad mutation never fails the batch -------------------------------------------------

def _args(order_id, **args):
    return {"work_order_id": order_id, **args}


BAD_MUTATIONS = {
    "unknown_name": ("workorder.teleport", lambda oid: _args(oid), None, "unknown_mutation",
                     None),
    "name_in_other_case": ("Workorder.Note", lambda oid: _args(oid, text="x"), None,
                           "unknown_mutation", None),
    "args_a_list": ("workorder.note", lambda oid: [oid, "x"], None, "validation_error",
                    "args"),
    "args_a_string": ("workorder.note", lambda oid: "x", None, "validation_error", "args"),
    "no_order_id": ("workorder.note", lambda oid: {"text": "x"}, None, "validation_error",
                    "work_order_id"),
    "order_id_not_uuid": ("workorder.note", lambda oid: {"work_order_id": "WO-000001",
                                                         "text": "x"},
                          None, "validation_error", "work_order_id"),
    "empty_text": ("workorder.note", lambda oid: _args(oid, text=""), None,
                   "validation_error", "text"),
    "text_not_string": ("workorder.note", lambda oid: _args(oid, text=5), None,
                        "validation_error", "text"),
    "unknown_arg": ("workorder.note", lambda oid: _args(oid, text="x", colour="red"), None,
                    "validation_error", "colour"),
    "price_with_catalog_code": ("charge.add", lambda oid: _args(
        oid, charge_id=new_id(), quantity="1", catalog_code="LAB-1H", unit_price="0.01"),
        None, "validation_error", "unit_price"),
    "zero_quantity": ("charge.add", lambda oid: _args(
        oid, charge_id=new_id(), quantity="0", catalog_code="LAB-1H"),
        None, "validation_error", "quantity"),
    "location_out_of_range": ("workorder.start", lambda oid: _args(
        oid, location={"lat": 200, "lon": 0}), None, "validation_error", "location"),
    "bad_sha256": ("photo.attach", lambda oid: _args(
        oid, photo_id=new_id(), sha256="XYZ", kind="after"),
        None, "validation_error", "sha256"),
    "client_time_not_a_time": ("workorder.note", lambda oid: _args(oid, text="x"),
                               "yesterday", "validation_error", "client_time"),
    "client_time_without_offset": ("workorder.note", lambda oid: _args(oid, text="x"),
                                   "2026-11-23T10:00:00", "validation_error", "client_time"),
    "unknown_order": ("workorder.note", lambda oid: _args(UNKNOWN_ID, text="x"), None,
                      "not_found", None),
    "too_early_to_complete": ("workorder.complete", lambda oid: _args(oid), None,
                              "completion_incomplete", None),
    "charge_before_accepting": ("charge.add", lambda oid: _args(
        oid, charge_id=new_id(), quantity="1", catalog_code="LAB-1H"),
        None, "order_not_editable", None),
}


@pytest.mark.parametrize("case", sorted(BAD_MUTATIONS))
def test_a_bad_mutation_is_rejected_alone_and_later_ones_still_apply(api, world, order, case):
    name, make_args, client_time, code, field = BAD_MUTATIONS[case]
    device = api.device()
    bad = {"seq": 1, "id": new_id(), "name": name, "args": make_args(order["id"]),
           "client_time": client_time}
    good = {"seq": 2, "id": new_id(), "name": "workorder.note",
            "args": {"work_order_id": order["id"], "text": "after the bad one"}}

    answer = push(api, device.client_id, [bad, good]).get_json()

    assert answer["acked_seq"] == 2
    rejected, applied = answer["results"]
    assert (rejected["seq"], rejected["id"], rejected["status"]) == (1, bad["id"], "rejected")
    assert set(rejected["error"]) == {"code", "message", "details"}
    assert rejected["error"]["code"] == code
    if field is not None:
        assert field in rejected["error"]["details"]["fields"]
    assert (applied["status"], applied["version"]) == ("applied", order["version"] + 1)
    after = api.order(order["id"])
    assert [note["text"] for note in after["notes"]] == ["after the bad one"]
    assert after["version"] == order["version"] + 1


def test_null_args_reject_only_that_mutation(api, world, order):
    bad = {"seq": 1, "id": new_id(), "name": "workorder.note", "args": None}
    good = {**notes(order)[0], "seq": 2}

    response = push(api, new_id(), [bad, good])

    assert response.status_code == 200, response.get_json()
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]


def test_a_note_with_a_nul_character_is_rejected_alone(api, world, order):
    bad = {"seq": 1, "id": new_id(), "name": "workorder.note",
           "args": {"work_order_id": order["id"], "text": "a\u0000b"}}
    good = {**notes(order)[0], "seq": 2}

    response = push(api, new_id(), [bad, good])

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]


def test_a_rejected_mutation_is_kept_in_the_orders_timeline(api, world, order):
    device = api.device()
    mutation = device.mutation("charge.add", work_order_id=order["id"], charge_id=new_id(),
                               quantity="1", catalog_code="LAB-1H")

    device.push(mutation)

    [entry] = [e for e in api.order(order["id"], as_="supervisor")["timeline"]
               if e["action"] == "rejected"]
    assert entry["details"]["mutation"]["id"] == mutation["id"]
    assert entry["details"]["mutation"]["args"]["catalog_code"] == "LAB-1H"
    assert entry["details"]["error"]["code"] == "order_not_editable"


# --- tokens ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("authorization", "code"), [
    (None, "missing_token"),
    ("", "missing_token"),
    ("Bearer", "missing_token"),
    ("Bearer    ", "missing_token"),
    ("Basic ZGlzcGF0Y2hlcjpwYXNzd29yZA==", "missing_token"),
    ("Token abc", "missing_token"),
    ("Bearer forged-token", "invalid_token"),
    ("Bearer " + "A" * 43, "invalid_token"),
    ("Bearer " + "x" * 10_000, "invalid_token"),
    ("Bearer é", "invalid_token"),
])
def test_a_missing_or_forged_token_is_401(api, world, authorization, code):
    headers = {} if authorization is None else {"Authorization": authorization}

    response = api.client.get("/api/v1/workorders", headers=headers)

    assert_error(response, 401, code)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("age", "status"), [
    ({"days": 29, "hours": 23}, 200),
    ({"days": 30}, 401),
    ({"days": 31}, 401),
])
def test_a_token_lasts_thirty_days(api, world, clock, age, status):
    clock.advance(**age)

    response = api.request("GET", "/api/v1/me", as_="engineer")

    if status == 200:
        assert response.status_code == 200
        assert response.get_json()["username"] == "engineer"
    else:
        assert_error(response, 401, "invalid_token")


def test_an_expired_token_cannot_push(api, world, clock, order):
    clock.advance(days=31)

    response = push(api, new_id(), notes(order))

    assert_error(response, 401, "invalid_token")
    api.login("dispatcher")
    assert api.order(order["id"])["notes"] == []


def test_a_revoked_token_is_401_and_a_new_login_works(api, world):
    assert api.post("/api/v1/auth/revoke", None, as_="engineer", expect=200) == {"revoked": True}

    assert_error(api.request("GET", "/api/v1/me", as_="engineer"), 401, "invalid_token")
    assert_error(api.request("POST", "/api/v1/auth/revoke", as_="engineer"), 401,
                 "invalid_token")
    api.login("engineer")
    assert api.get("/api/v1/me", as_="engineer")["username"] == "engineer"


def test_wrong_credentials_are_401_without_saying_which_part_was_wrong(api, world):
    wrong_password = api.request("POST", "/api/v1/auth/token",
                                 {"username": "engineer", "password": "wrong password"})
    unknown_user = api.request("POST", "/api/v1/auth/token",
                               {"username": "nobody", "password": "correct horse battery"})

    assert assert_error(wrong_password, 401, "invalid_credentials") \
        == assert_error(unknown_user, 401, "invalid_credentials")


# --- roles and scope -----------------------------------------------------------------------------

OFFICE_ENDPOINTS = ["/api/v1/customers", "/api/v1/sites", "/api/v1/catalog",
                    "/api/v1/workorders", "/api/v1/users", "/api/v1/workorders/{id}/assign",
                    "/api/v1/workorders/{id}/cancel", "/api/v1/workorders/{id}/verify"]


@pytest.mark.parametrize("path", OFFICE_ENDPOINTS)
def test_an_engineer_calling_an_office_endpoint_is_403(api, world, order, path):
    response = api.request("POST", path.format(id=order["id"]), {}, as_="engineer")

    error = assert_error(response, 403, "forbidden")
    assert error["details"] == {"role": "engineer"}
    assert api.order(order["id"])["version"] == order["version"]


@pytest.mark.parametrize("path", OFFICE_ENDPOINTS[:5])
def test_the_role_is_checked_before_the_body_is_read(api, world, path):
    response = send(api, "POST", path, b"{not json", as_="engineer")

    assert_error(response, 403, "forbidden")


def test_only_a_supervisor_may_verify(api, world, order):
    response = api.request("POST", f"/api/v1/workorders/{order['id']}/verify",
                           {"decision": "approve"}, as_="dispatcher")

    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize("username", ["dispatcher", "supervisor"])
@pytest.mark.parametrize(("method", "path"), [("POST", "/api/v1/sync/push"),
                                              ("GET", "/api/v1/sync/pull")])
def test_only_engineers_push_and_pull(api, world, order, username, method, path):
    body = {"client_id": new_id(), "mutations": notes(order)} if method == "POST" \
        else None

    response = api.request(method, path, body, as_=username)

    assert_error(response, 403, "forbidden")
    assert api.order(order["id"])["notes"] == []


def test_another_engineers_order_is_404_exactly_like_an_unknown_one(api, world, order):
    theirs = api.request("GET", f"/api/v1/workorders/{order['id']}", as_="engineer2")
    unknown = api.request("GET", f"/api/v1/workorders/{UNKNOWN_ID}", as_="engineer2")

    assert assert_error(theirs, 404, "not_found") == assert_error(unknown, 404, "not_found")


@pytest.mark.parametrize("order_id", [UNKNOWN_ID, "not-a-uuid", "WO-000001", "1", "%20"])
@pytest.mark.parametrize("username", ["dispatcher", "engineer"])
def test_an_unknown_or_malformed_order_id_is_404(api, world, order, order_id, username):
    response = api.request("GET", f"/api/v1/workorders/{order_id}", as_=username)

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("order_id", [UNKNOWN_ID, "not-a-uuid"])
@pytest.mark.parametrize(("action", "username"), [("assign", "dispatcher"),
                                                  ("cancel", "dispatcher"),
                                                  ("verify", "supervisor")])
def test_acting_on_an_unknown_order_is_404(api, world, order_id, action, username):
    body = {"assign": {"engineer_id": world.ids["engineer"]},
            "cancel": {"reason": "customer called"},
            "verify": {"decision": "approve"}}[action]

    response = api.request("POST", f"/api/v1/workorders/{order_id}/{action}", body,
                           as_=username)

    assert_error(response, 404, "not_found")


def test_a_mutation_on_another_engineers_order_is_rejected_not_found(api, world, order):
    result = api.device("engineer2").do("workorder.accept", work_order_id=order["id"])

    assert (result["status"], result["error"]["code"]) == ("rejected", "not_found")
    assert api.order(order["id"])["status"] == "assigned"


# --- state conflicts ---------------------------------------------------------------------------

def test_cancelling_a_cancelled_order_is_409(api, world, order):
    path = f"/api/v1/workorders/{order['id']}/cancel"
    cancelled = api.post(path, {"reason": "customer called"}, as_="dispatcher", expect=200)

    response = api.request("POST", path, {"reason": "again"}, as_="dispatcher")

    error = assert_error(response, 409, "invalid_transition")
    assert error["details"] == {"action": "cancel", "status": "cancelled"}
    assert api.order(order["id"])["version"] == cancelled["version"]


def test_verifying_an_order_that_is_not_completed_is_409(api, world, order):
    response = api.request("POST", f"/api/v1/workorders/{order['id']}/verify",
                           {"decision": "approve"}, as_="supervisor")

    assert_error(response, 409, "invalid_transition")
    assert api.order(order["id"])["status"] == "assigned"


@pytest.mark.parametrize(("path", "body", "code"), [
    ("/api/v1/catalog", {"code": "LAB-1H", "kind": "labour", "description": "Again",
                         "unit": "h", "unit_price": "1", "tax_rate": "0"}, "code_taken"),
    ("/api/v1/users", {"username": "engineer", "password": "long enough pw",
                       "role": "engineer", "name": "Twin"}, "username_taken"),
])
def test_a_taken_code_or_username_is_409(api, world, path, body, code):
    assert_error(api.request("POST", path, body, as_="dispatcher"), 409, code)


# --- size, routes, methods ----------------------------------------------------------------------

@pytest.mark.parametrize(("path", "username"), [("/api/v1/customers", "dispatcher"),
                                                ("/api/v1/sync/push", "engineer")])
def test_a_body_over_the_size_limit_is_413(api, world, path, username):
    assert api.app.config["MAX_JSON_BYTES"] == 2 * MIB
    data = b'{"name": "' + b"x" * (3 * MIB) + b'"}'

    response = send(api, "POST", path, data, as_=username)

    assert_error(response, 413, "too_large")


def test_a_body_under_the_size_limit_is_judged_on_its_content(api, world):
    data = b'{"name": "' + b"x" * MIB + b'"}'

    response = send(api, "POST", "/api/v1/customers", data, as_="dispatcher")

    assert_field_error(response, "name")


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/nope"),
    ("POST", "/api/v1/nope"),
    ("GET", "/nope"),
    ("GET", "/api/v2/workorders"),
    ("POST", f"/api/v1/workorders/{UNKNOWN_ID}/reopen"),
])
def test_an_unknown_route_is_a_json_404(api, world, method, path):
    response = api.request(method, path, {} if method == "POST" else None, as_="dispatcher")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(("method", "path"), [
    ("DELETE", "/api/v1/customers"),
    ("PUT", "/api/v1/catalog"),
    ("GET", "/api/v1/sync/push"),
    ("GET", "/api/v1/auth/token"),
    ("DELETE", f"/api/v1/workorders/{UNKNOWN_ID}"),
    ("PUT", f"/api/v1/workorders/{UNKNOWN_ID}"),
])
def test_a_wrong_method_is_a_json_405(api, world, method, path):
    response = api.request(method, path, as_="dispatcher")

    assert_error(response, 405, "method_not_allowed")


def test_a_405_lists_the_allowed_methods(api, world):
    response = api.request("DELETE", "/api/v1/customers", as_="dispatcher")

    assert response.status_code == 405
    assert set(response.headers.get("Allow", "").split(", ")) == {"GET", "HEAD", "POST",
                                                                  "OPTIONS"}


# --- no half-writes -----------------------------------------------------------------------------

def test_a_work_order_with_another_customers_site_is_422_and_not_created(api, world, order):
    other = api.post("/api/v1/customers", {"name": "Chen Jie"}, as_="dispatcher", expect=201)
    their_site = api.post("/api/v1/sites", site(world, customer_id=other["id"]),
                          as_="dispatcher", expect=201)
    before = order_ids(api)

    response = api.request("POST", "/api/v1/workorders",
                           workorder(world, site_id=their_site["id"]), as_="dispatcher")

    assert_field_error(response, "site_id")
    assert order_ids(api) == before == [order["id"]]


@pytest.mark.parametrize("patch", [
    {"assigned_engineer_id": UNKNOWN_ID},
    {"currency": "ABC"},
    {"customer_id": UNKNOWN_ID},
])
def test_a_rejected_work_order_leaves_the_list_unchanged(api, world, order, patch):
    before = order_ids(api)

    response = api.request("POST", "/api/v1/workorders", workorder(world, **patch),
                           as_="dispatcher")

    assert_error(response, 422, "validation_error")
    assert order_ids(api) == before
    assert api.create_order(world)["number"] == "WO-000002"


def test_a_rejected_assignment_leaves_the_order_unchanged(api, world, order):
    response = api.request("POST", f"/api/v1/workorders/{order['id']}/assign",
                           {"engineer_id": world.ids["supervisor"]}, as_="dispatcher")

    assert_field_error(response, "engineer_id")
    after = api.order(order["id"])
    assert (after["version"], after["assigned_engineer_id"]) == (
        order["version"], world.ids["engineer"])
