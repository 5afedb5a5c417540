"""The nearest service points on the customer's page, in a real browser at a phone's width."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyproj import Geod

from tests.api import SHENZHEN
from tests.e2e.conftest import ARTIFACTS
from tests.live_server import live_server

GEOD = Geod(ellps="WGS84")


def near_site(km: float, azimuth: float) -> dict:
    lon, lat, _ = GEOD.fwd(SHENZHEN["lon"], SHENZHEN["lat"], azimuth, km * 1000)
    return {"lat": lat, "lon": lon}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_customer_sees_the_nearest_service_points_on_a_phone(
        app, api, world, browser, database_url):
    # Hours that hold whatever the real clock of the live server says.
    for name, km, hours, phone in (
            ("Always open desk", 1.2, "24/7", "+86 755 2601 0001"),
            ("Closed for works", 0.6, "off", None),
            ("Long-named walk-in service point of the Nanshan district office", 3.4,
             "Mo-Fr 09:00-18:00; Sa 10:00-16:00; PH off", "+86 755 2601 0003"),
            ("Too far to list", 25.0, "24/7", None)):
        api.post("/api/v1/service-points", {
            "name": name, "address": "深圳市南山区科技园南区 8 栋", "location": near_site(km, 60),
            "opening_hours": hours, "phone": phone}, as_="dispatcher", expect=201)
    order = api.create_order(world)
    token = order["customer_url"].rsplit("/", 1)[1]
    with live_server(database_url, Path(app.config["MEDIA_DIR"]), workers=1) as url:
        page = browser.new_page(viewport={"width": 390, "height": 844},
                                device_scale_factor=2, is_mobile=True)
        page.goto(f"{url}/c/{token}")
        heading = page.get_by_role("heading", name="Service points near you")
        heading.scroll_into_view_if_needed()
        assert heading.is_visible()
        points = page.locator("[data-service-point]")
        assert points.count() == 3
        first, second, third = (points.nth(i) for i in range(3))
        assert first.locator("strong").inner_text() == "Closed for works"
        assert "0.6 km" in first.inner_text() and "Closed now" in first.inner_text()
        assert second.locator("strong").inner_text() == "Always open desk"
        assert "1.2 km" in second.inner_text() and "Open now" in second.inner_text()
        call = second.get_by_role("link", name="+86 755 2601 0001")
        assert call.get_attribute("href") == "tel:+8675526010001" and call.is_visible()
        assert "3.4 km" in third.inner_text()
        assert page.get_by_text("Too far to list").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = third.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "customer-service-points.png"), full_page=True)
