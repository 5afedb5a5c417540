"""The customer's page in a real browser: headless Chromium at a phone's viewport."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.flows import new_job, token_of
from tests.live_server import live_server


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_customer_reads_the_breakdown_on_a_phone_and_rates_the_job(
        app, api, world, tmp_path, browser, database_url):
    job = new_job(api, world, tmp_path).finish()
    with live_server(database_url, Path(app.config["MEDIA_DIR"]), workers=1) as url:
        page = browser.new_page(viewport={"width": 390, "height": 844},
                                device_scale_factor=2, is_mobile=True)
        page.goto(f"{url}/c/{token_of(job.order)}")
        assert page.locator("#total").inner_text() == "CN¥154.70"
        assert page.locator("#total").is_visible()
        for text in ("LAB-1H", "AC-FILTER", "CN¥140.00", "Signed by Huang Min"):
            assert page.get_by_text(text, exact=False).first.is_visible(), text
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
        photo = page.locator(".photos img").first
        photo.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=photo.element_handle(), timeout=10_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "customer-page.png"), full_page=True)
        page.locator("label[for=star4]").click()
        page.get_by_text("Friendly").click()
        page.fill("textarea[name=comment]", "Quick and clean")
        page.get_by_role("button", name="Submit rating").click()
        page.wait_for_url("**?rated=1")
        assert page.get_by_text("Thank you for your rating!").is_visible()
        page.screenshot(path=str(ARTIFACTS / "customer-page-rated.png"), full_page=True)
    rating = api.get(f"/api/v1/public/orders/{token_of(job.order)}")["rating"]
    assert (rating["stars"], rating["tags"], rating["comment"]) == (4, ["friendly"],
                                                                     "Quick and clean")
