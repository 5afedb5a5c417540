"""Text no database can store and JSON nested almost as deep as the parser allows, on every
endpoint: a 422 naming the field (400 for what is not JSON), never a 500; in a push, that one
mutation is rejected `unstorable_payload`, kept in a storable form, and the batch goes on.
Runs on SQLite and PostgreSQL through the `backend` fixture."""

from __future__ import annotations

import json

import pytest

from tests.api import SHENZHEN, new_id

LONE_SURROGATES = ["caf\udce9", "\ud800", "\udfff tail", "x\ud83dy"]  # last: half an emoji
UNSTORABLE = [*LONE_SURROGATES, "a\u0000b"]
# A few hundred levels: the parser takes it, every recursive serializer after it would not.
DEEP = 600


def raw(api, method: str, path: str, body: object, as_: str | None = None, query: str = ""):
    """Send `body` as JSON exactly as a device could: lone surrogates as \\u escapes."""
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    return api.client.open(path + query, method=method, data=data,
                           content_type="application/json", headers=api.headers(as_))


def nested(depth: int, leaf: str = '"x"') -> bytes:
    return b"[" * depth + leaf.encode() + b"]" * depth


def field_error(response, *path: str) -> dict:
    assert response.status_code == 422, (response.status_code, response.get_data()[:500])
    error = response.get_json()["error"]
    node = error["details"]["fields"]
    for part in path:
        assert part in node, (path, error)
        node = node[part]
    assert node
    return error


@pytest.fixture
def order(api, world):
    return api.create_order(world)


# --- every endpoint: 422 naming the field --------------------------------------------------

@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_text_when_asking_for_a_token_is_422_naming_the_field(api, world, text):
    for field in ("username", "password", "device_id"):
        body = {"username": "engineer", "password": "correct horse battery", field: text}

        response = raw(api, "POST", "/api/v1/auth/token", body)

        field_error(response, field)


@pytest.mark.parametrize("text", UNSTORABLE)
@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/customers", {"name": "?"}, "name"),
    ("/api/v1/customers", {"name": "Huang Min", "address": "?"}, "address"),
    ("/api/v1/catalog", {"code": "?", "kind": "part", "description": "x", "unit": "each",
                         "unit_price": "1", "tax_rate": "0"}, "code"),
    ("/api/v1/users", {"username": "someone", "password": "long enough", "role": "engineer",
                       "name": "?"}, "name"),
])
def test_unstorable_text_in_an_office_body_is_422_and_nothing_is_created(api, world, text,
                                                                          path, body, field):
    body = {key: text if key == field else value for key, value in body.items()}

    response = raw(api, "POST", path, body, as_="dispatcher")

    field_error(response, field)


@pytest.mark.parametrize("text", UNSTORABLE)
def test_an_unstorable_unknown_key_is_422_naming_it_in_a_storable_form(api, world, text):
    response = raw(api, "POST", "/api/v1/customers", {"name": "Huang Min", text: "x"},
                   as_="dispatcher")

    error = field_error(response)
    [key] = error["details"]["fields"]
    assert "\ufffd" in key
    assert api.get("/api/v1/workorders", as_="dispatcher")["items"] == []


@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_text_in_a_geofence_is_422_naming_the_geofence(api, world, text):
    body = {"customer_id": world.customer_id, "address": "Nanshan", "location": SHENZHEN,
            "geofence": {"type": text, "coordinates": []}}

    field_error(raw(api, "POST", "/api/v1/sites", body, as_="dispatcher"), "geofence")


def test_a_geofence_nested_almost_as_deep_as_the_parser_allows_is_422(api, world):
    prefix = json.dumps({"customer_id": world.customer_id, "address": "Nanshan",
                         "location": SHENZHEN})[:-1]
    data = (prefix + ', "geofence": {"type": "Polygon", "coordinates": ').encode() + \
        nested(DEEP, "1") + b"}}"

    response = raw(api, "POST", "/api/v1/sites", data, as_="dispatcher")

    error = field_error(response, "geofence", "coordinates")
    assert "nested" in json.dumps(error["details"]).lower()


def test_a_customer_name_nested_almost_as_deep_as_the_parser_allows_is_422(api, world):
    response = raw(api, "POST", "/api/v1/customers", b'{"name": ' + nested(DEEP) + b"}",
                   as_="dispatcher")

    field_error(response, "name")


# --- a push: that mutation is rejected, kept storable, and the batch goes on ----------------

def note(order: dict, seq: int, text: str = "after the bad one") -> dict:
    return {"seq": seq, "id": new_id(), "name": "workorder.note",
            "args": {"work_order_id": order["id"], "text": text},
            "client_time": "2026-11-23T10:00:00+08:00"}


def hostile_mutations(order: dict) -> dict[str, dict]:
    cases = {}
    for index, text in enumerate(UNSTORABLE):
        cases[f"note_text_{index}"] = {"args": {"work_order_id": order["id"], "text": text}}
        cases[f"args_key_{index}"] = {"args": {"work_order_id": order["id"], "text": "x",
                                               text: "value"}}
        cases[f"nested_value_{index}"] = {"args": {"work_order_id": order["id"],
                                                   "text": "x", "extra": [{"k": text}]}}
        cases[f"client_time_{index}"] = {"client_time": f"2026-11-23T10:00:00{text}"}
        cases[f"name_{index}"] = {"name": f"workorder.note{text}"}
    return cases


HOSTILE_CASES = sorted(hostile_mutations({"id": "x"}))


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_an_unstorable_mutation_is_rejected_alone_and_kept_in_the_timeline(api, world, order,
                                                                           case):
    bad = {**note(order, 1, "x"), **hostile_mutations(order)[case]}
    good = note(order, 2)
    body = {"client_id": new_id(), "mutations": [bad, good]}

    response = raw(api, "POST", "/api/v1/sync/push", body, as_="engineer")

    assert response.status_code == 200, response.get_data()[:500]
    answer = response.get_json()
    rejected, applied = answer["results"]
    assert answer["acked_seq"] == 2
    assert (rejected["status"], rejected["error"]["code"]) == ("rejected", "unstorable_payload")
    assert applied["status"] == "applied"
    after = api.order(order["id"], as_="supervisor")
    assert [n["text"] for n in after["notes"]] == ["after the bad one"]
    [kept] = [e for e in after["timeline"] if e["action"] == "rejected"]
    assert kept["details"]["mutation"]["id"] == bad["id"]
    assert "\ufffd" in json.dumps(kept["details"]["mutation"], ensure_ascii=False)
    assert kept["details"]["error"]["code"] == "unstorable_payload"


@pytest.mark.parametrize("case", ["note_text_0", "args_key_4", "client_time_1", "name_4"])
def test_a_retry_of_a_batch_with_an_unstorable_mutation_answers_the_same(api, world, order,
                                                                         case):
    bad = {**note(order, 1, "x"), **hostile_mutations(order)[case]}
    body = {"client_id": new_id(), "mutations": [bad, note(order, 2)]}

    first = raw(api, "POST", "/api/v1/sync/push", body, as_="engineer").get_json()
    again = raw(api, "POST", "/api/v1/sync/push", body, as_="engineer").get_json()

    assert again["acked_seq"] == first["acked_seq"] == 2
    for before, after in zip(first["results"], again["results"], strict=True):
        assert after["status"] == "duplicate"
        assert after["original_status"] == before["status"]
        assert after.get("error") == before.get("error")
    assert len(api.order(order["id"])["notes"]) == 1


def test_args_nested_almost_as_deep_as_the_parser_allows_are_rejected_alone(api, world, order):
    client_id = new_id()
    args_prefix = json.dumps({"work_order_id": order["id"], "text": "x"})[:-1] + ', "extra": '
    envelope = (f'{{"seq": 1, "id": "{new_id()}", "name": "workorder.note", "args": '
                + args_prefix).encode() + nested(DEEP) + b"}}"
    data = (f'{{"client_id": "{client_id}", "mutations": [').encode() + envelope + b", " + \
        json.dumps(note(order, 2)).encode() + b"]}"

    response = raw(api, "POST", "/api/v1/sync/push", data, as_="engineer")

    assert response.status_code == 200, response.get_data()[:500]
    rejected, applied = response.get_json()["results"]
    assert rejected["error"]["code"] == "unstorable_payload"
    assert rejected["error"]["details"]["reason"] == "too_deep"
    assert applied["status"] == "applied"
    [kept] = [e for e in api.order(order["id"], as_="supervisor")["timeline"]
              if e["action"] == "rejected"]
    assert kept["details"]["mutation"]["args"]["text"] == "x"


def test_a_client_time_nested_almost_as_deep_as_the_parser_allows_is_rejected_alone(
        api, world, order):
    envelope = json.dumps(note(order, 1, "x"))[:-1] + ', "client_time": '
    envelope = envelope.replace('"client_time": "2026-11-23T10:00:00+08:00", ', "")
    data = (f'{{"client_id": "{new_id()}", "mutations": [' + envelope).encode() + \
        nested(DEEP) + b"}, " + json.dumps(note(order, 2)).encode() + b"]}"

    response = raw(api, "POST", "/api/v1/sync/push", data, as_="engineer")

    assert response.status_code == 200, response.get_data()[:500]
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]


def test_a_number_too_large_for_a_float_is_kept_exactly_in_a_rejected_mutation(api, world,
                                                                                order):
    bad = note(order, 1, "x")
    data = json.dumps({"client_id": new_id(), "mutations": [bad, note(order, 2)]}).replace(
        '"text": "x"', '"text": "x", "extra": 1e999999')

    response = raw(api, "POST", "/api/v1/sync/push", data.encode(), as_="engineer")

    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]
    [kept] = [e for e in api.order(order["id"], as_="supervisor")["timeline"]
              if e["action"] == "rejected"]
    assert kept["details"]["mutation"]["args"]["extra"] == "1E+999999"
