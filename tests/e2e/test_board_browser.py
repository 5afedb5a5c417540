"""The dispatcher board in a real browser, at a laptop's width and a phone's (390 px)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.api import PASSWORD
from tests.e2e.conftest import ARTIFACTS
from tests.live_server import live_server
from tests.pages.test_console import flagged_job

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the live server's FIELDSYNC_TIMEZONE default
WIDER_THAN_THE_SCREEN = """[
    ...(document.documentElement.scrollWidth > window.innerWidth ? ['the page'] : []),
    ...[...document.querySelectorAll('section')]
        .filter(s => s.scrollWidth > s.clientWidth + 1)
        .map(s => (s.querySelector('h1, h2') || s).textContent.trim().slice(0, 40))]"""


def sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/supervisor/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/supervisor/")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_a_dispatcher_creates_assigns_and_reschedules_from_the_board(
        app, api, world, tmp_path, browser, database_url, width, height):
    job = flagged_job(api, world, tmp_path)
    soon = (datetime.now(UTC) + timedelta(minutes=3)).astimezone(SHANGHAI).replace(
        second=0, microsecond=0)
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(database_url, Path(app.config["MEDIA_DIR"]), workers=1) as url:
        page = browser.new_page(viewport={"width": width, "height": height})
        sign_in(page, url, "dispatcher")
        page.get_by_role("link", name="Dispatch").click()
        page.fill("input[name=customer_q]", "Huang")
        page.get_by_role("button", name="Find").click()
        page.get_by_label("Nanshan, Shenzhen").check()
        page.fill("#create-order input[name=title]", "Water heater pilot out")
        page.select_option("#create-order select[name=engineer_id]", label="Engineer")
        page.get_by_role("button", name="Create order").click()
        page.wait_for_load_state()
        assert page.get_by_text("Customer link:").is_visible()
        card = page.locator("article.card", has_text="Water heater pilot out")
        number = card.get_attribute("data-number")
        card.locator("select[name=engineer_id]").select_option(label="Engineer2")
        card.get_by_role("button", name="Reassign").click()
        page.wait_for_load_state()
        assert page.get_by_text(f"{number} assigned.").is_visible()
        card = page.locator("article.card", has_text="Water heater pilot out")
        card.locator("input[name=due_at]").fill(soon.strftime("%Y-%m-%dT%H:%M"))
        card.get_by_role("button", name="Reschedule").click()
        page.wait_for_load_state()
        assert page.get_by_text(f"{number} rescheduled.").is_visible()
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
        page.screenshot(path=str(ARTIFACTS / f"console-board-{width}.png"), full_page=True)
        page.goto(f"{url}/supervisor/orders/{job.id}")
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
        page.screenshot(path=str(ARTIFACTS / f"console-order-{width}.png"), full_page=True)
    created = api.get("/api/v1/workorders?q=pilot", as_="dispatcher")["items"][0]
    assert created["assigned_engineer_id"] == world.ids["engineer2"]
    assert created["due_at"] == soon.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
