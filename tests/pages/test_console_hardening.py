"""The console and the customer page against framing, stale sessions, password guessing; the
queue reaches every completed order a page at a time; the map takes 3-D fence positions."""

from __future__ import annotations

import re

import pytest

from tests.api import SHENZHEN, new_id
from tests.console import Console
from tests.flows import new_job, token_of


@pytest.fixture
def console(app, world):
    console = Console(app)
    assert console.login("supervisor").status_code == 303
    return console


def assert_not_frameable(response):
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_console_and_customer_pages_refuse_to_be_framed(api, world, tmp_path, console):
    job = new_job(api, world, tmp_path).finish()
    for path in ("/supervisor/", f"/supervisor/orders/{job.id}", "/supervisor/reports"):
        assert_not_frameable(console.get(path))
    assert_not_frameable(Console(api.app).get("/supervisor/login"))
    customer = api.request("GET", f"/c/{token_of(job.order)}", expect=200)
    assert_not_frameable(customer)
    assert "default-src 'none'" in customer.headers["Content-Security-Policy"]


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(console, clock):
    for _ in range(11):
        clock.advance(hours=1)
        assert console.get("/supervisor/").status_code == 200  # in use all day
    clock.advance(minutes=59)
    assert console.get("/supervisor/").status_code == 200
    clock.advance(minutes=2)
    expired = console.get("/supervisor/reports")
    assert expired.status_code == 302
    assert expired.headers["Location"].startswith("/supervisor/login")
    assert console.get("/supervisor/").status_code == 302  # the cookie no longer signs in
    assert console.login("supervisor").status_code == 303
    assert console.get("/supervisor/").status_code == 200


def test_failed_console_sign_ins_are_limited_by_the_login_limit(app, world):
    app.config.update(LOGIN_RATE_LIMIT="2 per minute", RATING_RATE_LIMIT="100 per minute")
    console = Console(app)
    for _ in range(3):  # successes are not guesses
        assert console.login("supervisor").status_code == 303
    assert [console.login("supervisor", "guess").status_code for _ in range(3)] \
        == [401, 401, 429]
    assert console.login("supervisor").status_code == 429


def queue_numbers(html: str) -> list[str]:
    return re.findall(r'<td><a href="/supervisor/orders/[^"]+">([^<]+)</a></td>', html)


def test_the_queue_pages_through_every_completed_order(app, api, world, tmp_path, console,
                                                       clock):
    app.config["AUDIT_PAGE_SIZE"] = 2
    jobs = []
    for _ in range(5):
        jobs.append(new_job(api, world, tmp_path).finish())
        clock.advance(minutes=1)
    newest_first = [job.order["number"] for job in reversed(jobs)]

    first = console.html("/supervisor/")
    assert queue_numbers(first) == newest_first[:2]
    assert "older →" in first and "← newer" not in first
    second = console.html("/supervisor/?page=2")
    assert queue_numbers(second) == newest_first[2:4]
    assert 'href="/supervisor/?page=3"' in second and 'href="/supervisor/?page=1"' in second
    last = console.html("/supervisor/?page=3")
    assert queue_numbers(last) == newest_first[4:]
    assert "older →" not in last and "← newer" in last
    total = api.order(jobs[0].id)["totals"]["total"]
    assert f"{total} CNY" in last


def test_paging_keeps_the_filters_and_counts_only_matching_orders(app, api, world, tmp_path,
                                                                  console, clock):
    app.config["AUDIT_PAGE_SIZE"] = 1
    ad_hoc = []
    for index in range(4):
        job = new_job(api, world, tmp_path).start()
        if index % 2:
            job.do("charge.add", charge_id=new_id(), quantity=1, kind="other",
                   description="Ladder", unit_price="10", tax_rate="0")
            ad_hoc.append(job)
        else:
            job.charge()
        assert job.photo()["status"] == "applied"
        assert job.sign()["status"] == "applied"
        assert job.complete()["status"] == "applied"
        clock.advance(minutes=1)
    engineer = world.ids["engineer"]
    first = console.html(f"/supervisor/?engineer_id={engineer}&flag=ad_hoc_charge")
    assert queue_numbers(first) == [ad_hoc[1].order["number"]]
    older = f"/supervisor/?engineer_id={engineer}&amp;flag=ad_hoc_charge&amp;page=2"
    assert older in first
    second = console.html(f"/supervisor/?engineer_id={engineer}&flag=ad_hoc_charge&page=2")
    assert queue_numbers(second) == [ad_hoc[0].order["number"]]
    assert "older →" not in second
    beyond = console.html("/supervisor/?page=99999999999999999999")
    assert "Nothing waiting for verification." in beyond


def test_a_fence_drawn_with_altitudes_is_mapped_on_the_order_page(api, world, tmp_path,
                                                                  console):
    lat, lon = SHENZHEN["lat"], SHENZHEN["lon"]
    ring = [[lon - 0.001, lat - 0.001, 12.5], [lon + 0.001, lat - 0.001, 12.5],
            [lon + 0.001, lat + 0.001, 13.0], [lon - 0.001, lat + 0.001, 13.0],
            [lon - 0.001, lat - 0.001, 12.5]]
    site = api.post("/api/v1/sites", {"customer_id": world.customer_id, "address": "Tower B",
                                      "location": SHENZHEN,
                                      "geofence": {"type": "Polygon", "coordinates": [ring]}},
                    as_="dispatcher", expect=201)
    world.site_id = site["id"]
    job = new_job(api, world, tmp_path).finish()
    html = console.html(f"/supervisor/orders/{job.id}")
    [points] = re.findall(r'<polygon points="([^"]+)"', html)
    assert len(points.split()) == 5
