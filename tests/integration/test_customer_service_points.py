"""The customer's page lists the service points nearest their site, open or closed now."""

from __future__ import annotations

from datetime import UTC, datetime

from pyproj import Geod

from tests.flows import token_of

GEOD = Geod(ellps="WGS84")
SITE = {"lat": 22.5405, "lon": 113.9530}  # the world's site
TUESDAY_11_IN_SHENZHEN = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)


def near_site(km: float, azimuth: float = 45.0) -> dict:
    lon, lat, _ = GEOD.fwd(SITE["lon"], SITE["lat"], azimuth, km * 1000)
    return {"lat": lat, "lon": lon}


def add_point(api, name: str, km: float, **extra) -> dict:
    return api.post("/api/v1/service-points", {
        "name": name, "address": f"{name} road", "location": near_site(km), **extra},
        as_="dispatcher", expect=201)


def page(api, order: dict) -> str:
    return api.request("GET", f"/c/{token_of(order)}", expect=200).get_data(as_text=True)


def shown_points(html: str) -> list[str]:
    """Each service point's block of the page, in page order."""
    return html.split("data-service-point")[1:]


def test_the_page_shows_the_three_nearest_with_distance_hours_and_a_phone_link(
        api, world, clock):
    clock.now = TUESDAY_11_IN_SHENZHEN
    add_point(api, "Walk-in Nanshan", 2.345, phone="+86 (755) 8888-1234",
              opening_hours="Mo-Fr 09:00-18:00")
    add_point(api, "Evening desk", 0.8, opening_hours="Mo-Su 18:00-22:00")
    add_point(api, "No hours kept", 5.0)
    add_point(api, "Too far", 40.0, opening_hours="24/7")
    order = api.create_order(world)

    blocks = shown_points(page(api, order))

    assert [block.split("<strong>")[1].split("</strong>")[0] for block in blocks] == [
        "Evening desk", "Walk-in Nanshan", "No hours kept"]
    assert "0.8 km" in blocks[0] and "Closed now" in blocks[0]
    assert "2.3 km" in blocks[1] and "Open now" in blocks[1]
    assert '<a href="tel:+867558888-1234"' not in blocks[1]
    assert '<a href="tel:+8675588881234">+86 (755) 8888-1234</a>' in blocks[1]
    assert "Mo-Fr 09:00-18:00" in blocks[1] and "Walk-in Nanshan road" in blocks[1]
    assert "Open now" not in blocks[2] and "Closed now" not in blocks[2]


def test_the_page_speaks_chinese_about_service_points(api, world, clock):
    clock.now = TUESDAY_11_IN_SHENZHEN
    customer = api.post("/api/v1/customers", {"name": "黄敏", "language": "zh-CN"},
                        as_="dispatcher", expect=201)
    site = api.post("/api/v1/sites", {"customer_id": customer["id"], "address": "南山区科技园",
                                      "location": SITE}, as_="dispatcher", expect=201)
    world.customer_id, world.site_id = customer["id"], site["id"]
    add_point(api, "南山服务网点", 1.26, opening_hours="Mo-Fr 09:00-18:00")
    add_point(api, "蛇口服务网点", 3.5, opening_hours="Sa-Su 09:00-18:00")

    html = page(api, api.create_order(world))

    assert "您附近的服务网点" in html and "Service points near you" not in html
    first, second = shown_points(html)
    assert "南山服务网点" in first and "1.3 公里" in first and "正在营业" in first
    assert "蛇口服务网点" in second and "3.5 公里" in second and "现在休息" in second


def test_html_in_a_service_point_is_escaped(api, world):
    add_point(api, "<script>alert(1)</script>", 1.0, phone='"><img src=x onerror=alert(1)>')

    html = page(api, api.create_order(world))

    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="tel:1"' in html


def test_without_service_points_the_page_has_no_such_section(api, world):
    assert "Service points near you" not in page(api, api.create_order(world))
