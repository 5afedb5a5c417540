"""Price versions over HTTP: a PATCH starts a new version from now, the history lists them, and
a charge is priced at the version in effect at its client_time within the grace window."""

from __future__ import annotations

import pytest

from tests.api import new_id


def patch(api, code: str, body: dict, *, as_: str = "dispatcher", expect: int = 200):
    return api.request("PATCH", f"/api/v1/catalog/{code}", body, as_=as_,
                       expect=expect).get_json()


def history(api, code: str) -> list[dict]:
    return api.get(f"/api/v1/catalog/{code}/history", as_="dispatcher")["items"]


def started(api, world) -> dict:
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    device.do("workorder.start", work_order_id=order["id"])
    return order


def charge_at(api, order: dict, client_time: str, code: str = "AC-FILTER") -> dict:
    device = api.device()
    mutation = device.mutation("charge.add", work_order_id=order["id"], charge_id=new_id(),
                               quantity="1", catalog_code=code)
    mutation["client_time"] = client_time
    assert device.push(mutation)["results"][0]["status"] == "applied"
    return api.order(order["id"])["charges"][-1]


def test_a_new_price_is_a_new_version_from_now_and_the_history_lists_both(api, world, clock):
    clock.advance(hours=5)

    item = patch(api, "AC-FILTER", {"unit_price": "52.00"})

    assert (item["unit_price"], item["tax_rate"], item["version"]) == ("52", "0.13", 2)
    assert history(api, "AC-FILTER") == [
        {"unit_price": "45", "tax_rate": "0.13", "effective_from": "2026-11-23T02:00:00Z",
         "effective_to": "2026-11-23T07:00:00Z"},
        {"unit_price": "52", "tax_rate": "0.13", "effective_from": "2026-11-23T07:00:00Z",
         "effective_to": None}]


def test_an_item_never_repriced_has_one_open_version(api, world):
    assert history(api, "LAB-1H") == [{"unit_price": "33.33", "tax_rate": "0.06",
                                       "effective_from": "2026-11-23T02:00:00Z",
                                       "effective_to": None}]


def test_a_description_change_is_no_new_price_version(api, world, clock):
    clock.advance(hours=1)
    item = patch(api, "AC-FILTER", {"description": "Air filter, large", "active": True})

    assert item["description"] == "Air filter, large"
    assert len(history(api, "AC-FILTER")) == 1


def test_a_charge_quoted_before_the_change_keeps_the_old_price(api, world, clock):
    order = started(api, world)
    clock.advance(hours=2)
    patch(api, "AC-FILTER", {"unit_price": "52.00"})
    clock.advance(hours=1)

    line = charge_at(api, order, "2026-11-23T03:00:00Z")  # quoted an hour before the change

    assert (line["unit_price"], line["amount"]) == ("45", "45.00")
    assert line["priced_at"] == "2026-11-23T03:00:00Z"


def test_a_charge_quoted_after_the_change_gets_the_new_price(api, world, clock):
    order = started(api, world)
    clock.advance(hours=2)
    patch(api, "AC-FILTER", {"unit_price": "52.00", "tax_rate": "0.09"})
    clock.advance(hours=1)

    line = charge_at(api, order, "2026-11-23T04:30:00Z")

    assert (line["unit_price"], line["tax_rate"], line["amount"], line["tax"]) == (
        "52", "0.09", "52.00", "4.68")
    assert line["priced_at"] == "2026-11-23T04:30:00Z"


@pytest.mark.parametrize(("client_time", "why"), [
    ("2026-11-20T01:00:00Z", "more than 72 h before the server's time"),
    ("2026-11-30T00:00:00Z", "in the future"),
])
def test_a_device_clock_outside_the_window_gets_the_current_price(api, world, clock,
                                                                  client_time, why):
    order = started(api, world)
    clock.advance(hours=2)
    patch(api, "AC-FILTER", {"unit_price": "52.00"})

    line = charge_at(api, order, client_time)

    assert line["unit_price"] == "52", why
    assert line["priced_at"] == "2026-11-23T04:00:00Z"


def test_the_grace_window_is_configurable(api, world, clock, app):
    app.config["PRICE_GRACE_HOURS"] = 1
    order = started(api, world)
    clock.advance(hours=3)
    patch(api, "AC-FILTER", {"unit_price": "52.00"})

    line = charge_at(api, order, "2026-11-23T03:00:00Z")  # 2 h back: beyond one hour

    assert line["unit_price"] == "52"


def test_devices_get_the_new_price_on_their_next_pull(api, world, clock):
    _, cursor = api.pull_all("engineer")
    clock.advance(minutes=5)

    patch(api, "AC-FILTER", {"unit_price": "52.00"})

    changes, _ = api.pull_all("engineer", cursor)
    [change] = changes
    assert (change["type"], change["op"], change["data"]["unit_price"]) == (
        "catalog_item", "upsert", "52")


def test_retiring_an_item_reaches_devices_as_a_delete(api, world):
    _, cursor = api.pull_all("engineer")

    patch(api, "AC-FILTER", {"active": False})

    changes, _ = api.pull_all("engineer", cursor)
    assert [(c["type"], c["op"]) for c in changes] == [("catalog_item", "delete")]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "_schema"),
    ({"unit_price": "-1"}, "unit_price"),
    ({"unit_price": "12.345678"}, "unit_price"),
    ({"tax_rate": "1.5"}, "tax_rate"),
    ({"active": "yes"}, "active"),
    ({"code": "NEW"}, "code"),
    ({"currency": "USD"}, "currency"),
])
def test_a_bad_price_change_is_422_and_changes_nothing(api, world, body, field):
    answer = patch(api, "AC-FILTER", body, expect=422)

    assert field in answer["error"]["details"]["fields"]
    assert len(history(api, "AC-FILTER")) == 1


def test_unknown_items_are_404_and_engineers_may_not_change_prices(api, world):
    patch(api, "NOPE", {"unit_price": "1"}, expect=404)
    api.get("/api/v1/catalog/NOPE/history", as_="dispatcher", expect=404)
    patch(api, "AC-FILTER", {"unit_price": "1"}, as_="engineer", expect=403)


def test_two_price_changes_leave_one_open_version(api, world, clock):
    for price in ("50", "55", "60"):
        clock.advance(hours=1)
        patch(api, "AC-FILTER", {"unit_price": price})

    versions = history(api, "AC-FILTER")
    assert [v["unit_price"] for v in versions] == ["45", "50", "55", "60"]
    assert [v["effective_to"] is None for v in versions] == [False, False, False, True]
    assert all(a["effective_to"] == b["effective_from"] for a, b in zip(versions, versions[1:],
                                                                        strict=False))
