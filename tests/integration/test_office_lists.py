"""The office's lists: filters, search, and keyset paging that never repeats or skips a row."""

from __future__ import annotations

import pytest

from tests.api import SHENZHEN


def error_of(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    return response.get_json()["error"]


def every_page(api, path: str, as_: str = "dispatcher", limit: int = 2) -> list[dict]:
    """Follow the cursor to the end, checking has_more and cursor agree on every page."""
    items, cursor = [], None
    separator = "&" if "?" in path else "?"
    while True:
        query = f"{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(path + query, as_=as_)
        assert set(page) >= {"items", "cursor", "has_more"}
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        assert (page["cursor"] is not None) == page["has_more"]
        if not page["has_more"]:
            return items
        cursor = page["cursor"]


def add_customers(api, *names_and_phones):
    return [api.post("/api/v1/customers", {"name": name, **({"phone": phone} if phone else {})},
                     as_="dispatcher", expect=201) for name, phone in names_and_phones]


def test_customers_page_through_by_name_without_repeats(api, world):
    add_customers(api, ("Zhao Lei", "13800000001"), ("Li Na", "13800000002"),
                  ("Wang Fang", "13800000003"), ("陈静", "13800000004"))

    names = [c["name"] for c in every_page(api, "/api/v1/customers")]

    assert names == sorted(["Huang Min", "Zhao Lei", "Li Na", "Wang Fang", "陈静"])


@pytest.mark.parametrize(("q", "expected"), [
    ("li", ["Li Na"]), ("LI N", ["Li Na"]), ("0003", ["Wang Fang"]), ("陈", ["陈静"]),
    ("%", []), ("_", []), ("nobody", []),
])
def test_customers_search_name_or_phone_with_wildcards_taken_literally(api, world, q,
                                                                       expected):
    add_customers(api, ("Li Na", "13800000002"), ("Wang Fang", "13800000003"),
                  ("陈静", "13800000004"))

    page = api.get(f"/api/v1/customers?q={q.replace('%', '%25')}", as_="dispatcher")

    assert [c["name"] for c in page["items"]] == expected


def test_sites_filter_by_customer(api, world):
    other = add_customers(api, ("Li Na", None))[0]
    api.post("/api/v1/sites", {"customer_id": other["id"], "address": "Futian",
                               "location": SHENZHEN}, as_="dispatcher", expect=201)

    mine = api.get(f"/api/v1/sites?customer_id={world.customer_id}", as_="dispatcher")
    everything = every_page(api, "/api/v1/sites", limit=1)

    assert [s["id"] for s in mine["items"]] == [world.site_id]
    assert sorted(s["address"] for s in everything) == ["Futian", "Nanshan, Shenzhen"]


def test_catalog_lists_by_code_and_filters_active(api, world):
    every = every_page(api, "/api/v1/catalog", as_="engineer")
    active = api.get("/api/v1/catalog?active=true", as_="dispatcher")["items"]
    inactive = api.get("/api/v1/catalog?active=false", as_="dispatcher")["items"]

    assert [item["code"] for item in every] == ["AC-FILTER", "CALLOUT", "LAB-1H"]
    assert len(active) == 3 and inactive == []


def test_users_filter_by_role_region_and_search(api, world):
    api.cli("user", "create", "engineer3", "--role", "engineer", "--password", "pw-long-enough",
            "--name", "Zhou Qiang", "--region", "Futian")

    engineers = every_page(api, "/api/v1/users?role=engineer")
    in_futian = api.get("/api/v1/users?region=Futian", as_="supervisor")["items"]
    found = api.get("/api/v1/users?q=zhou", as_="dispatcher")["items"]

    assert [u["username"] for u in engineers] == ["engineer", "engineer2", "engineer3"]
    assert [u["username"] for u in in_futian] == ["engineer3"]
    assert [u["name"] for u in found] == ["Zhou Qiang"]
    assert all("password" not in str(u).lower() for u in engineers)


@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v1/sites", "/api/v1/users"])
def test_engineers_may_not_list_office_records(api, world, path):
    assert error_of(api.request("GET", path, as_="engineer"), 403)["code"] == "forbidden"


@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v1/sites", "/api/v1/catalog",
                                  "/api/v1/users", "/api/v1/workorders"])
@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=x", "cursor=garbage",
                                   "cursor=WyJrMSIsWyJcdTAwMDAiXV0", "unknown=1"])
def test_bad_list_queries_answer_400_or_422_never_500(api, world, path, query):
    response = api.request("GET", f"{path}?{query}", as_="supervisor")

    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] in ("invalid_cursor", "validation_error")


def test_a_list_takes_up_to_500_rows_a_page(api, world):
    page = api.get("/api/v1/catalog?limit=500", as_="dispatcher")

    assert len(page["items"]) == 3 and page["has_more"] is False and page["cursor"] is None


def test_work_orders_filter_by_priority_due_and_search(api, world):
    urgent = api.create_order(world, priority="urgent", due_at="2026-11-23T12:00:00+08:00")
    later = api.create_order(world, title="Boiler service", due_at="2026-11-30T12:00:00Z")
    unassigned = api.create_order(world, assign_to=None, title="Router blinking red")

    by_priority = api.get("/api/v1/workorders?priority=urgent", as_="dispatcher")["items"]
    due_soon = api.get("/api/v1/workorders?due_before=2026-11-24T00:00:00%2B08:00",
                       as_="dispatcher")["items"]
    by_title = api.get("/api/v1/workorders?q=boiler", as_="dispatcher")["items"]
    by_number = api.get(f"/api/v1/workorders?q={unassigned['number']}",
                        as_="dispatcher")["items"]
    by_customer = api.get("/api/v1/workorders?q=huang", as_="dispatcher")["items"]

    assert [o["id"] for o in by_priority] == [urgent["id"]]
    assert [o["id"] for o in due_soon] == [urgent["id"]]
    assert [o["id"] for o in by_title] == [later["id"]]
    assert [o["id"] for o in by_number] == [unassigned["id"]]
    assert [o["id"] for o in by_customer] == [unassigned["id"], later["id"], urgent["id"]]


def test_work_orders_page_newest_first_and_engineers_see_their_own(api, world):
    orders = [api.create_order(world) for _ in range(5)]
    api.create_order(world, assign_to="engineer2")

    mine = every_page(api, "/api/v1/workorders", as_="engineer")
    page = api.get("/api/v1/workorders?limit=2", as_="dispatcher")

    assert [o["id"] for o in mine] == [o["id"] for o in reversed(orders)]
    assert page["next_cursor"] == page["cursor"]


def test_a_status_that_does_not_exist_is_422_naming_it(api, world):
    error = error_of(api.request("GET", "/api/v1/workorders?status=lost", as_="dispatcher"),
                     422)

    assert "status" in error["details"]["fields"]


def test_the_lists_are_in_the_openapi_document(api):
    paths = api.get("/api/v1/openapi.json")["paths"]

    for path in ("/api/v1/customers", "/api/v1/sites", "/api/v1/catalog", "/api/v1/users",
                 "/api/v1/workorders"):
        operations = paths.get(path) or paths.get(path.replace("<", "{"))
        assert "get" in operations, path
