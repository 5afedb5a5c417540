"""Failed visits end to end over HTTP: the engineer reports one, the office sees it in the
follow-up list and the reports, and sends someone again; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.alerts.helpers import levels, scan
from tests.console import Console

WINDOW = {"window_start": "2026-11-24T09:00:00+08:00", "window_end": "2026-11-24T12:00:00+08:00"}


def accepted(api, world, **extra) -> dict:
    order = api.create_order(world, **extra)
    assert api.device().do("workorder.accept", work_order_id=order["id"])["status"] == "applied"
    return order


def fail(api, order: dict, reason: str = "customer_absent", username: str = "engineer",
         **extra) -> dict:
    return api.device(username).do("workorder.fail_visit", work_order_id=order["id"],
                                   reason=reason, **extra)


@pytest.mark.parametrize("start_first", [False, True])
def test_a_failed_visit_on_an_accepted_or_started_order_is_kept_with_its_reason(
        api, world, start_first):
    order = accepted(api, world)
    if start_first:
        api.device().do("workorder.start", work_order_id=order["id"])

    result = fail(api, order, "no_access", note="Gate locked, nobody answers",
                  location={"lat": 22.5405, "lon": 113.953})

    assert result["status"] == "applied"
    stored = api.order(order["id"])
    assert stored["status"] == "visit_failed"
    assert stored["failure_reason"] == "no_access"
    assert stored["failed_at"] == "2026-11-23T02:00:00Z"
    [attempt] = [e for e in stored["timeline"] if e["action"] == "workorder.fail_visit"]
    assert attempt["details"] == {"status": "visit_failed", "reason": "no_access",
                                  "note": "Gate locked, nobody answers",
                                  "location": {"lat": 22.5405, "lon": 113.953}}
    assert attempt["role"] == "engineer"


def test_a_visit_cannot_fail_before_it_was_accepted(api, world):
    order = api.create_order(world)

    result = fail(api, order)

    assert result["status"] == "rejected"
    assert result["error"]["code"] == "invalid_transition"
    assert api.order(order["id"])["status"] == "assigned"


@pytest.mark.parametrize("args", [{"reason": "bored"}, {}, {"reason": "other", "note": ""}])
def test_a_failed_visit_without_a_known_reason_is_rejected_naming_the_field(api, world, args):
    order = accepted(api, world)

    result = api.device().do("workorder.fail_visit", work_order_id=order["id"], **args)

    assert result["status"] == "rejected"
    assert result["error"]["code"] == "validation_error"
    assert set(result["error"]["details"]["fields"]) <= {"reason", "note"}
    assert api.order(order["id"])["status"] == "accepted"


def test_another_engineer_cannot_fail_the_visit(api, world):
    order = accepted(api, world)

    assert fail(api, order, username="engineer2")["error"]["code"] == "not_found"


def test_a_revisit_takes_the_order_back_to_assigned_with_a_new_window(api, world, clock):
    order = accepted(api, world)
    fail(api, order)
    clock.advance(hours=1)

    revisited = api.post(f"/api/v1/workorders/{order['id']}/revisit", WINDOW,
                         as_="dispatcher", expect=200)

    assert revisited["status"] == "assigned"
    assert revisited["assigned_engineer_id"] == world.ids["engineer"]
    assert revisited["assigned_at"] == "2026-11-23T03:00:00Z"
    assert revisited["accepted_at"] is None
    assert (revisited["window_start"], revisited["window_end"]) == (
        "2026-11-24T01:00:00Z", "2026-11-24T04:00:00Z")
    actions = [e["action"] for e in api.order(order["id"])["timeline"]]
    assert actions[-2:] == ["workorder.fail_visit", "revisit"]
    # The engineer's device sees the new schedule and may accept again.
    changes, _ = api.pull_all("engineer")
    [pulled] = [c["data"] for c in changes if c["id"] == order["id"]]
    assert pulled["window_start"] == "2026-11-24T01:00:00Z"
    assert api.device().do("workorder.accept", work_order_id=order["id"])["status"] == "applied"


def test_a_revisit_may_send_another_engineer_and_the_first_one_loses_the_order(api, world):
    order = accepted(api, world)
    fail(api, order)
    _, cursor = api.pull_all("engineer")

    api.post(f"/api/v1/workorders/{order['id']}/revisit",
             {**WINDOW, "engineer_id": world.ids["engineer2"]}, as_="supervisor", expect=200)

    assert api.order(order["id"])["assigned_engineer_id"] == world.ids["engineer2"]
    changes, _ = api.pull_all("engineer", cursor)
    assert [(c["id"], c["op"]) for c in changes] == [(order["id"], "delete")]


@pytest.mark.parametrize("engineer", ["engineer2", "engineer"])
def test_assign_also_takes_a_failed_visit_back_to_assigned(api, world, clock, engineer):
    order = accepted(api, world)
    fail(api, order)
    clock.advance(minutes=10)

    answer = api.post(f"/api/v1/workorders/{order['id']}/assign",
                      {"engineer_id": world.ids[engineer]}, as_="dispatcher", expect=200)

    assert answer["status"] == "assigned"
    assert answer["assigned_engineer_id"] == world.ids[engineer]
    assert answer["assigned_at"] == "2026-11-23T02:10:00Z"


@pytest.mark.parametrize(("body", "field"), [
    ({"window_start": "2026-11-24T12:00:00+08:00", "window_end": "2026-11-24T09:00:00+08:00"},
     "window_end"),
    ({"window_start": "2026-11-20T09:00:00+08:00", "window_end": "2026-11-20T12:00:00+08:00"},
     "window_end"),
    ({"window_start": "2026-11-24T09:00:00"} | {"window_end": "2026-11-24T12:00:00+08:00"},
     "window_start"),
    ({"window_end": "2026-11-24T12:00:00+08:00"}, "window_start"),
    ({**WINDOW, "engineer_id": "00000000-0000-4000-8000-000000000000"}, "engineer_id"),
    ({**WINDOW, "when": "tomorrow"}, "when"),
])
def test_a_mistyped_revisit_is_422_naming_the_field_and_changes_nothing(api, world, body,
                                                                        field):
    order = accepted(api, world)
    fail(api, order)

    answer = api.post(f"/api/v1/workorders/{order['id']}/revisit", body, as_="dispatcher",
                      expect=422)

    assert field in answer["error"]["details"]["fields"]
    assert api.order(order["id"])["status"] == "visit_failed"


def test_only_a_failed_visit_can_be_revisited(api, world):
    order = accepted(api, world)

    answer = api.post(f"/api/v1/workorders/{order['id']}/revisit", WINDOW, as_="dispatcher",
                      expect=409)

    assert answer["error"]["code"] == "invalid_transition"


def test_engineers_may_not_schedule_revisits_and_unknown_orders_are_404(api, world):
    order = accepted(api, world)
    fail(api, order)

    api.post(f"/api/v1/workorders/{order['id']}/revisit", WINDOW, as_="engineer", expect=403)
    api.post("/api/v1/workorders/00000000-0000-4000-8000-000000000000/revisit", WINDOW,
             as_="dispatcher", expect=404)


def test_a_failed_visit_past_due_is_overdue_but_raises_no_warning_or_escalation(
        api, world, clock):
    order = accepted(api, world, due_at="2026-11-23T05:00:00Z")
    fail(api, order)
    clock.advance(hours=7)

    scan(api)

    # (the assignment message, sent when the order was created, is not a rule)
    assert [level for level in levels(api, order["id"]) if level != "assignment"] == ["overdue"]


def test_the_console_lists_failed_visits_oldest_first_with_reason_and_age(api, world, clock,
                                                                         app):
    first = accepted(api, world, title="Boiler")
    fail(api, first, "parts_missing")
    clock.advance(hours=2)
    second = accepted(api, world, title="Fridge")
    fail(api, second, "customer_absent")
    third = accepted(api, world, title="Revisited already")
    fail(api, third)
    api.post(f"/api/v1/workorders/{third['id']}/revisit", WINDOW, as_="dispatcher", expect=200)
    clock.advance(minutes=30)
    console = Console(app)
    console.login("dispatcher")

    page = console.html("/supervisor/follow-up")

    rows = re.findall(r"<tr>\s*<td><a [^>]*>(WO-\d+)</a></td>.*?</tr>", page, re.S)
    assert rows == [first["number"], second["number"]]
    assert "Parts missing" in page and "Customer absent" in page
    assert "2 h 30 min" in page and "30 min" in page
    assert 'href="/supervisor/follow-up"' in console.html("/supervisor/")


def test_the_follow_up_list_is_for_the_office_only(app, world):
    console = Console(app)
    assert console.get("/supervisor/follow-up").status_code == 302  # sign in first
    console.login("engineer")
    assert console.get("/supervisor/follow-up").status_code == 302


def test_reports_count_failed_visits_by_reason_engineer_and_region(api, world, app):
    for reason in ("customer_absent", "customer_absent", "no_access"):
        fail(api, accepted(api, world), reason)
    api.device("engineer").do("workorder.fail_visit",
                              work_order_id=api.create_order(world)["id"],
                              reason="other")  # rejected: not accepted, does not count
    console = Console(app)
    console.login("supervisor")

    page = console.html("/supervisor/reports")
    by_reason = _csv(console, "failed_visits_by_reason")
    by_engineer = _csv(console, "failed_visits_by_engineer")
    by_region = _csv(console, "failed_visits_by_region")

    assert "Failed visits" in page
    assert by_reason == [["reason", "failed visits", "share %"],
                         ["customer_absent", "2", "66.7"], ["no_access", "1", "33.3"]]
    assert by_engineer[1:] == [["Engineer", "3", "100.0"]]
    assert by_region[1:] == [["(no region)", "3", "100.0"]]


def _csv(console: Console, table: str) -> list[list[str]]:
    response = console.get(f"/supervisor/reports/{table}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
