"""Sites have a time zone; every time a person reads names its zone."""

from __future__ import annotations

import pytest

from tests.api import SHENZHEN
from tests.console import Console
from tests.flows import new_job, token_of


def site(api, world, **extra) -> dict:
    return api.post("/api/v1/sites", {"customer_id": world.customer_id, "address": "Urumqi",
                                      "location": SHENZHEN, **extra}, as_="dispatcher",
                    expect=201)


def test_a_site_takes_the_servers_zone_unless_given_one(api, world):
    assert site(api, world)["timezone"] == "Asia/Shanghai"
    assert site(api, world, timezone="Asia/Urumqi")["timezone"] == "Asia/Urumqi"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "+08:00", "../../etc/passwd", "", "CST",
                                  "Asia/Shanghai\u0000"])
def test_a_zone_that_is_not_iana_is_422_naming_it(api, world, zone):
    response = api.request("POST", "/api/v1/sites", {"customer_id": world.customer_id,
                                                     "address": "x", "location": SHENZHEN,
                                                     "timezone": zone}, as_="dispatcher")

    assert response.status_code == 422
    assert "timezone" in response.get_json()["error"]["details"]["fields"]


def test_the_order_document_carries_its_sites_zone(api, world):
    order = api.create_order(world)

    assert order["site"]["timezone"] == "Asia/Shanghai"


def test_the_customer_page_shows_times_in_the_sites_zone_and_names_it(api, world, tmp_path):
    job = new_job(api, world, tmp_path).finish()  # signed at 2026-11-23 02:00 UTC
    page = api.client.get(f"/c/{token_of(job.order)}").get_data(as_text=True)
    signed = page.split("Signed by Huang Min on ", 1)[1].split(" for a total", 1)[0]

    assert signed.replace("\u202f", " ") == "Nov 23, 2026, 10:00:00 AM China Time"


def test_the_console_shows_times_in_its_zone_with_the_offset(app, api, world, tmp_path):
    job = new_job(api, world, tmp_path).finish()
    console = Console(app)
    console.login("supervisor")

    order_page = console.html(f"/supervisor/orders/{job.id}")
    queue = console.html("/supervisor/")

    assert "completed 2026-11-23 10:00 +08:00" in order_page
    assert "2026-11-23 10:00 +08:00" in queue and " UTC<" not in queue
    assert "times in Asia/Shanghai" in queue
