"""The supervisor console in a real browser: sign in, find the flagged order, approve it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api import PASSWORD
from tests.e2e.conftest import ARTIFACTS
from tests.live_server import live_server
from tests.pages.test_console import flagged_job


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_supervisor_signs_in_finds_a_flagged_order_and_approves_it(
        app, api, world, tmp_path, browser, database_url):
    job = flagged_job(api, world, tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(database_url, Path(app.config["MEDIA_DIR"]), workers=1) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/supervisor/")
        page.fill("input[name=username]", "supervisor")
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/supervisor/")
        row = page.locator("#queue tr", has_text=job.order["number"])
        assert row.get_by_text("photo outside geofence").is_visible()
        page.screenshot(path=str(ARTIFACTS / "console-queue.png"), full_page=True)
        row.get_by_role("link", name=job.order["number"]).click()
        page.wait_for_url(f"**/supervisor/orders/{job.id}")
        assert page.locator("#site-map").is_visible()
        assert page.get_by_text("km outside the site geofence").first.is_visible()
        thumbnail = page.locator("img[alt='photo 1']")
        thumbnail.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=thumbnail.element_handle(), timeout=10_000)
        page.screenshot(path=str(ARTIFACTS / "console-order.png"), full_page=True)
        page.get_by_role("button", name="Approve").click()
        page.wait_for_load_state()
        assert page.get_by_text("Approved.").is_visible()
        page.goto(f"{url}/supervisor/reports")
        page.screenshot(path=str(ARTIFACTS / "console-reports.png"), full_page=True)
    assert api.order(job.id)["status"] == "verified"
