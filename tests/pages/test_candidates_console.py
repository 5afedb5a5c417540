"""The console's side of choosing the engineer: "Assign best" on the board, candidates on the
order page."""

from __future__ import annotations

import pytest

from tests.api import PASSWORD, SHENZHEN
from tests.console import Console

FAR = {"lat": SHENZHEN["lat"] + 0.3, "lon": SHENZHEN["lon"]}


@pytest.fixture
def console(app, world):
    console = Console(app)
    assert console.login("dispatcher").status_code == 303
    return console


def engineer(api, username: str, home: dict, **profile) -> str:
    return api.post("/api/v1/users", {"username": username, "password": PASSWORD,
                                      "role": "engineer", "name": username.title(),
                                      "home": home, **profile},
                    as_="supervisor", expect=201)["id"]


def test_assign_best_on_the_board_assigns_the_top_candidate(api, world, console):
    engineer(api, "faraway", FAR)
    nearest = engineer(api, "nearest", SHENZHEN)
    order = api.create_order(world, assign_to=None)
    board = console.get("/supervisor/dispatch").get_data(as_text=True)
    assert f"/supervisor/dispatch/orders/{order['id']}/assign-best" in board
    console.post(f"/supervisor/dispatch/orders/{order['id']}/assign-best", {})
    assert api.order(order["id"])["assigned_engineer_id"] == nearest


def test_assign_best_with_nobody_eligible_says_not_done(api, world, console):
    order = api.create_order(world, assign_to=None, required_skills=["elevator"])
    answer = console.post(f"/supervisor/dispatch/orders/{order['id']}/assign-best", {})
    assert answer.status_code == 303
    assert "Not done" in console.get("/supervisor/dispatch").get_data(as_text=True)
    assert api.order(order["id"])["assigned_engineer_id"] is None


def test_the_order_page_lists_candidates_with_their_reasons(api, world, console):
    engineer(api, "nearest", SHENZHEN, name="<b>Nearest</b>")  # escaped, never markup
    order = api.create_order(world, assign_to=None)
    html = console.get(f"/supervisor/orders/{order['id']}").get_data(as_text=True)
    assert 'id="candidates"' in html
    assert "&lt;b&gt;Nearest&lt;/b&gt;" in html and "<b>Nearest" not in html
    assert "0.0 km away: 40.0 of 40" in html


def test_the_unhappy_few_show_which_customers_blocked_the_engineer(app, api, world, tmp_path):
    import csv
    import io

    from tests.flows import Job, new_job, token_of

    blocked = token_of(new_job(api, world, tmp_path).finish().order)
    kept = token_of(Job(api, api.create_order(world, assign_to="engineer2"),
                        api.device("engineer2"), tmp_path).finish().order)
    for token in (blocked, kept):
        api.post(f"/api/v1/public/orders/{token}/rating", {"stars": 2}, expect=201)
    api.post(f"/api/v1/public/orders/{blocked}/preference", {"engineer": "blocked"},
             expect=200)
    supervisor = Console(app)
    assert supervisor.login("supervisor").status_code == 303
    assert 'class="flag blocked"' in supervisor.get("/supervisor/reports").get_data(
        as_text=True)
    rows = list(csv.DictReader(io.StringIO(supervisor.get(
        "/supervisor/reports/unhappy_ratings.csv").get_data().decode("utf-8-sig"))))
    assert sorted((row["engineer"], row["blocked by the customer"]) for row in rows) == [
        ("Engineer", "yes"), ("Engineer2", "")]
