"""The customer's "next time" buttons in a real browser at a phone's width, in en and zh-CN."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.flows import new_job, token_of
from tests.live_server import live_server


def rated_job(api, world, tmp_path) -> str:
    job = new_job(api, world, tmp_path).finish()
    token = token_of(job.order)
    api.post(f"/api/v1/public/orders/{token}/rating", {"stars": 5}, expect=201)
    return token


def phone(browser):
    return browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                            is_mobile=True)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_customer_asks_for_the_engineer_then_changes_their_mind(
        app, api, world, tmp_path, browser, database_url):
    unrated = new_job(api, world, tmp_path).finish()
    token = rated_job(api, world, tmp_path)
    with live_server(database_url, Path(app.config["MEDIA_DIR"]), workers=1) as url:
        page = phone(browser)
        page.goto(f"{url}/c/{token_of(unrated.order)}")  # not rated: no choice offered yet
        assert page.get_by_role("button", name="Ask for this engineer next time").count() == 0

        page.goto(f"{url}/c/{token}")
        ask = page.get_by_role("button", name="Ask for this engineer next time")
        ask.scroll_into_view_if_needed()
        assert ask.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        ask.click()
        page.wait_for_selector("#preference-state")
        assert "We will ask for" in page.locator("#preference-state").inner_text()
        assert page.get_by_role("button", name="Ask for this engineer next time").count() == 0
        assert api.get(f"/api/v1/public/orders/{token}")["engineer_preference"] == "favourite"

        page.get_by_role("button", name="Don't send this engineer again").click()
        page.wait_for_function(
            "() => document.querySelector('#preference-state')"
            ".innerText.includes('We will not send')")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "customer-preference.png"), full_page=True)
        assert api.get(f"/api/v1/public/orders/{token}")["engineer_preference"] == "blocked"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_buttons_speak_chinese_to_a_chinese_customer(
        app, api, world, tmp_path, browser, database_url):
    customer = api.post("/api/v1/customers", {"name": "黄敏", "language": "zh-CN"},
                        as_="dispatcher", expect=201)
    site = api.post("/api/v1/sites", {"customer_id": customer["id"], "address": "南山",
                                      "location": {"lat": 22.5405, "lon": 113.953},
                                      "radius_m": 150}, as_="dispatcher", expect=201)
    world.customer_id, world.site_id = customer["id"], site["id"]
    token = rated_job(api, world, tmp_path)
    with live_server(database_url, Path(app.config["MEDIA_DIR"]), workers=1) as url:
        page = phone(browser)
        page.goto(f"{url}/c/{token}")
        page.get_by_role("button", name="不要再派这位工程师").click()
        page.wait_for_selector("#preference-state")
        assert "我们不会再安排" in page.locator("#preference-state").inner_text()
        assert page.get_by_role("button", name="下次请安排这位工程师").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert api.get(f"/api/v1/public/orders/{token}")["engineer_preference"] == "blocked"
