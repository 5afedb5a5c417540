"""The office edits an order under optimistic concurrency (If-Match on the version)."""

from __future__ import annotations

import pytest

from tests.flows import new_job


def patch(api, order_id: str, body: dict, if_match: str | None, as_: str = "dispatcher"):
    headers = dict(api.headers(as_))
    if if_match is not None:
        headers["If-Match"] = if_match
    return api.client.open(f"/api/v1/workorders/{order_id}", method="PATCH", json=body,
                           headers=headers)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    return response.get_json()["error"]


def test_an_edit_with_the_current_version_applies_and_bumps_it(api, world):
    order = api.create_order(world)

    response = patch(api, order["id"], {"title": "Boiler leaking", "priority": "urgent",
                                        "due_at": "2026-11-24T09:00:00+08:00"},
                     f'"{order["version"]}"')

    document = response.get_json()
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{order["version"] + 1}"'
    assert (document["title"], document["priority"], document["due_at"]) == (
        "Boiler leaking", "urgent", "2026-11-24T01:00:00Z")
    assert document["version"] == order["version"] + 1
    edit = [e for e in api.order(order["id"])["timeline"] if e["action"] == "edit"]
    assert edit[0]["actor"] == "Dispatcher"
    assert edit[0]["details"]["changes"]["title"] == {"from": "Air conditioner not cooling",
                                                      "to": "Boiler leaking"}


def test_a_stale_version_is_412_with_the_current_document(api, world):
    order = api.create_order(world)
    assert patch(api, order["id"], {"title": "First"}, f'"{order["version"]}"').status_code == 200

    error = error_of(patch(api, order["id"], {"title": "Second"}, f'"{order["version"]}"'), 412)

    assert error["code"] == "version_conflict"
    assert error["details"]["version"] == order["version"] + 1
    assert error["details"]["document"]["title"] == "First"
    assert api.order(order["id"])["title"] == "First"


def test_an_edit_without_if_match_is_428_and_changes_nothing(api, world):
    order = api.create_order(world)

    error = error_of(patch(api, order["id"], {"title": "Blind"}, None), 428)

    assert error["code"] == "precondition_required"
    assert api.order(order["id"])["version"] == order["version"]


@pytest.mark.parametrize("if_match", ["*", "abc", '"1', "W/", '"99999999999999999999"'])
def test_an_if_match_that_names_no_version_is_400(api, world, if_match):
    order = api.create_order(world)

    assert error_of(patch(api, order["id"], {"title": "x"}, if_match), 400)["code"] == (
        "invalid_if_match")


def test_a_weak_tag_or_a_list_naming_the_current_version_is_accepted(api, world):
    order = api.create_order(world)

    response = patch(api, order["id"], {"description": "Ring twice"},
                     f'"1", W/"{order["version"]}"')

    assert response.status_code == 200


def test_the_engineers_device_sees_the_edit_on_its_next_pull(api, world):
    order = api.create_order(world)
    _, cursor = api.pull_all("engineer")

    patch(api, order["id"], {"due_at": "2026-11-25T10:00:00Z"}, f'"{order["version"]}"')
    changes, _ = api.pull_all("engineer", cursor)

    assert [(c["id"], c["data"]["due_at"]) for c in changes] == [(order["id"],
                                                                  "2026-11-25T10:00:00Z")]


def test_an_edit_that_changes_nothing_keeps_the_version(api, world):
    order = api.create_order(world)

    document = patch(api, order["id"], {"title": order["title"]},
                     f'"{order["version"]}"').get_json()

    assert document["version"] == order["version"]


def test_a_due_time_before_the_order_was_created_is_422(api, world):
    order = api.create_order(world)

    error = error_of(patch(api, order["id"], {"due_at": "2020-01-01T00:00:00Z"},
                           f'"{order["version"]}"'), 422)

    assert "due_at" in error["details"]["fields"]


def test_completed_and_cancelled_orders_are_not_editable(api, world, tmp_path):
    job = new_job(api, world, tmp_path).finish()
    cancelled = api.create_order(world)
    api.post(f"/api/v1/workorders/{cancelled['id']}/cancel", {"reason": "duplicate"},
             as_="dispatcher", expect=200)

    for order_id in (job.id, cancelled["id"]):
        version = api.order(order_id)["version"]
        error = error_of(patch(api, order_id, {"title": "late"}, f'"{version}"'), 409)
        assert error["code"] == "order_not_editable"


def test_engineers_may_not_edit_and_unknown_orders_are_404(api, world):
    order = api.create_order(world)

    assert error_of(patch(api, order["id"], {"title": "mine"}, '"1"', as_="engineer"),
                    403)["code"] == "forbidden"
    assert error_of(patch(api, "not-a-uuid", {"title": "x"}, '"1"'), 404)["code"] == "not_found"
    assert error_of(patch(api, "00000000-0000-4000-8000-000000000000", {"title": "x"}, '"1"'),
                    404)["code"] == "not_found"


@pytest.mark.parametrize("body", [{"status": "completed"}, {"title": ""},
                                  {"priority": "whenever"}, {"due_at": "tomorrow"},
                                  {"title": "a\u0000b"}])
def test_fields_the_office_may_not_set_or_mistyped_are_422(api, world, body):
    order = api.create_order(world)

    error = error_of(patch(api, order["id"], body, f'"{order["version"]}"'), 422)

    assert set(error["details"]["fields"]) == set(body)
