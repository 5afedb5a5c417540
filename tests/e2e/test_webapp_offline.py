"""The engineer's web app in a real browser: signed in once, then a whole job with no network
at all (the service worker serves the app, IndexedDB keeps the work), a closed and reopened
page, and one sync that leaves the server's order completed, the photo verified and the
sign-off valid."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.api import PASSWORD
from tests.e2e.webapp_server import (
    phone,
    screenshot,
    serve,
    sign_in,
    sync_now,
    wait_for_service_worker,
    wait_until_synced,
)

SAMPLES = Path(__file__).resolve().parents[3] / "shared/samples/photos"  # as tests/media
# DSCN0010.jpg (see that folder's README): N 43°28'2.814", E 11°53'6.456", taken
# 2008:10:22 16:28:39 with no offset, so read in the server's zone (Asia/Shanghai): 08:28:39 UTC.
PHOTO = SAMPLES / "DSCN0010.jpg"
PHOTO_SITE = {"lat": 43 + 28 / 60 + 2.814 / 3600, "lon": 11 + 53 / 60 + 6.456 / 3600}
JOB_DAY = datetime(2008, 10, 22, 8, 0, tzinfo=UTC)


@pytest.fixture
def job(api, clock):
    """An engineer, a catalog and an order at the photo's site, on the photo's day."""
    if not PHOTO.exists():
        pytest.skip(f"sample photo missing: {PHOTO}")
    clock.now = JOB_DAY
    world = api.make_world()
    site = api.post("/api/v1/sites", {"customer_id": world.customer_id, "address":
                                      "Via Roma 1, Arezzo", "location": PHOTO_SITE,
                                      "radius_m": 150}, as_="dispatcher", expect=201)
    world.site_id = site["id"]
    order = api.create_order(world, priority="high", due_at="2008-10-22T18:00:00+08:00",
                             description="Air conditioner blows warm air")
    return order


def draw_signature(page) -> None:
    box = page.locator("#signature-pad").bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 150)
    page.mouse.down()
    for dx, dy in ((80, 40), (140, 140), (200, 60), (260, 150), (320, 50)):
        page.mouse.move(x + dx, y + dy, steps=6)
    page.mouse.up()


def add_charge(page, code: str, quantity: str) -> None:
    page.select_option("#charge-form select", code)
    page.fill("#charge-form input[name=quantity]", quantity)
    page.locator("#charge-form button").click()
    page.wait_for_selector(f"text={code} · {quantity}")


def test_a_whole_job_offline_then_one_sync_completes_it_on_the_server(
        app, api, job, clock, browser):
    with serve(app) as base:
        context = phone(browser, geolocation={"latitude": PHOTO_SITE["lat"],
                                              "longitude": PHOTO_SITE["lon"], "accuracy": 8})
        page = context.new_page()
        page.goto(f"{base}/app/")
        page.wait_for_selector("form.signin")
        assert page.locator("#header").inner_text().split() == ["FieldSync", "中文"]
        screenshot(page, "sign-in")
        sign_in(page, base, "engineer", PASSWORD)
        page.wait_for_selector(f"text={job['number']}")
        wait_for_service_worker(page)
        screenshot(page, "jobs")

        context.set_offline(True)
        page.reload()  # served by the service worker: no network at all from here
        page.locator(f"li.job[data-id='{job['id']}'] a.open").click()
        page.locator("#action-accept").click()
        page.wait_for_selector("#action-start")
        page.locator("#action-start").click()
        page.wait_for_selector("#charge-form")
        for code, quantity in (("LAB-1H", "1.5"), ("AC-FILTER", "2")):
            add_charge(page, code, quantity)
        page.select_option("#charge-form select", "CALLOUT")  # added by mistake ...
        # A redraw the engineer did not ask for (a sync finishing) keeps what was chosen.
        page.evaluate("document.activeElement.blur(); window.fieldsync.rerender()")
        assert page.locator("#charge-form select").input_value() == "CALLOUT"
        page.locator("#charge-form button").click()
        page.wait_for_selector("#total-total:has-text('234.70')")
        page.locator("tr:has-text('CALLOUT · 1') button.remove").click()  # ... and removed
        page.wait_for_selector("#total-total:has-text('154.70')")
        page.set_input_files("#photo-input", str(PHOTO))
        page.wait_for_selector(".photos li.pending")
        assert page.locator("#total-total").inner_text() == "CN¥154.70"
        screenshot(page, "job-offline")

        page.locator("#action-sign").click()
        page.wait_for_selector("#signature-pad")
        assert page.locator("#sign-total").inner_text() == "CN¥154.70"
        draw_signature(page)
        screenshot(page, "sign")
        page.locator("#save-signature").click()
        page.wait_for_selector("#signoff")
        page.locator("#action-complete").click()
        page.wait_for_selector("#job-status:has-text('Completed')")
        assert page.locator("#sync-status").get_attribute("data-pending") == "9"

        page.close()  # the tab is closed with everything unsent
        page = context.new_page()
        page.goto(f"{base}/app/#/job/{job['id']}")
        page.wait_for_selector("#job-status:has-text('Completed')")
        assert page.locator("#sync-status").get_attribute("data-pending") == "9"

        clock.now = datetime(2008, 10, 22, 8, 40, tzinfo=UTC)  # on site, half an hour later
        media = []  # listening before going online: `online` itself starts a sync
        context.on("request", lambda r: media.append((r.method, r.url.rsplit("/", 1)[1]))
                   if "/api/v1/media/" in r.url else None)
        context.set_offline(False)
        sync_now(page)
        wait_until_synced(page)
        page.wait_for_selector(".verdict-verified")
        screenshot(page, "job-synced")
        context.close()

    order = api.order(job["id"])
    assert order["status"] == "completed"
    assert order["totals"]["total"] == "154.70"
    started_at = order["start_location"]  # the browser's position, sent with `start`
    assert (started_at["lat"], started_at["lon"]) == pytest.approx(
        (PHOTO_SITE["lat"], PHOTO_SITE["lon"]))
    [photo] = order["photos"]
    assert photo["verification"]["status"] == "verified", photo["verification"]
    assert photo["sha256"] == hashlib.sha256(PHOTO.read_bytes()).hexdigest()  # the original
    uploads = {sha: [method for method, name in media if name == sha]
               for sha in {name for _, name in media}}
    assert uploads == {photo["sha256"]: ["HEAD", "PUT"],  # asked first, then sent once
                       order["signoff"]["signature_sha256"]: ["HEAD", "PUT"]}
    assert order["signoff"]["valid"] is True
    assert order["signoff"]["charges_digest"] == order["charges_digest"]
    assert order["signoff"]["signer_name"] == "Huang Min"
    actions = [e["action"] for e in order["timeline"] if e["role"] == "engineer"]
    assert actions == ["workorder.accept", "workorder.start", "charge.add", "charge.add",
                       "charge.add", "charge.remove", "photo.attach", "signoff.capture",
                       "workorder.complete"]  # each once
