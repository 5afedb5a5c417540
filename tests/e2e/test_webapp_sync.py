"""The web app's sync in a real browser: what the server refuses is shown on the job page; two
tabs never send a mutation twice; an answer lost mid-sync is neither lost nor doubled."""

from __future__ import annotations

import json
import time

import pytest

from tests.api import PASSWORD
from tests.e2e.webapp_server import phone, screenshot, serve, sign_in, sync_now, wait_until_synced

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def order(api, world):
    return api.create_order(world, priority="urgent")


def wait_for_status(api, order_id: str, status: str, seconds: float = 20) -> dict:
    """The order once the server has it in `status` (the app syncs in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        server = api.order(order_id)
        if server["status"] == status or time.monotonic() > deadline:
            assert server["status"] == status, server["status"]
            return server
        time.sleep(0.2)


def pushed_mutations(requests: list) -> list[dict]:
    """Every mutation the browser sent in POST /sync/push bodies, in the order sent."""
    sent = []
    for request in requests:
        if request.method == "POST" and request.url.endswith("/api/v1/sync/push"):
            sent.extend(json.loads(request.post_data)["mutations"])
    return sent


def test_refusals_from_this_device_and_from_the_timeline_are_shown_on_the_job_page(
        app, api, order, browser):
    other_device = api.device()  # e.g. the engineer's old phone, refused before
    assert other_device.do("workorder.start", work_order_id=order["id"])["status"] == (
        "rejected")
    with serve(app) as base:
        context = phone(browser)
        page = context.new_page()
        sign_in(page, base, "engineer", PASSWORD)
        page.locator(f"li.job[data-id='{order['id']}'] a.open").click()
        page.wait_for_selector("#refusals .code:has-text('invalid_transition')")
        page.locator("#action-accept").click()
        page.locator("#action-start").click()
        wait_until_synced(page)
        page.locator("#action-complete").click()  # no photo, no sign-off: the server refuses
        wait_until_synced(page)
        page.wait_for_selector("#refusals .code:has-text('completion_incomplete')")
        assert page.locator("#job-status").inner_text() == "In progress"
        page.locator(".fail summary").click()
        page.select_option("#fail-form select", "customer_absent")
        page.fill("#fail-form textarea", "Nobody home, called twice")
        page.locator("#fail-form button").click()
        # The failed visit is queued, then sent: wait for the server, not for an idle status
        # line that may still describe the previous sync.
        page.wait_for_selector("#job-status:has-text('Visit failed')")
        wait_until_synced(page)
        server = wait_for_status(api, order["id"], "visit_failed")
        assert page.locator("#sync-status").get_attribute("data-refused") in ("1", "2")
        screenshot(page, "job-refused")
        page.goto(f"{base}/app/#/outbox")
        page.wait_for_selector("#rejected")
        assert "completion_incomplete" in page.locator("#rejected").inner_text()
        screenshot(page, "outbox")
        context.close()
    rejected = [e for e in server["timeline"] if e["action"] == "rejected"]
    assert {e["details"]["error"]["code"] for e in rejected} >= {"invalid_transition",
                                                                 "completion_incomplete"}


QUEUE_AT = """([orderId, at, tab]) => {
  setTimeout(async () => {
    const store = window.fieldsync.store;
    await Promise.all([...Array(15).keys()].map((i) =>
      store.enqueue("workorder.note", {work_order_id: orderId, text: `${tab} ${i}`}, orderId)));
    window.queued = true;
  }, at - Date.now());
}"""


def test_two_tabs_queue_at_once_and_sync_at_once_yet_send_each_mutation_once(
        app, api, order, browser):
    with serve(app) as base:
        context = phone(browser)
        sent = []
        context.on("request", lambda request: sent.append(request))
        first = context.new_page()
        sign_in(first, base, "engineer", PASSWORD)
        first.wait_for_selector(f"text={order['number']}")
        second = context.new_page()
        second.goto(f"{base}/app/")
        second.wait_for_selector(f"text={order['number']}")
        context.set_offline(True)
        at = int(time.time() * 1000) + 500
        for tab, page in (("first", first), ("second", second)):
            page.evaluate(QUEUE_AT, [order["id"], at, tab])
        for page in (first, second):
            page.wait_for_function("() => window.queued === true", polling=100)
        seqs = first.evaluate("fieldsync.store.outbox().then(rows => rows.map(r => r.seq))")
        assert seqs == list(range(1, 31))  # one transaction per seq: no seq taken twice
        context.set_offline(False)  # both tabs hear `online` and sync at the same moment
        for page in (first, second):
            sync_now(page)
            wait_until_synced(page)
        context.close()
    mutations = pushed_mutations(sent)
    assert len(mutations) == 30
    assert len({m["id"] for m in mutations}) == 30
    notes = api.order(order["id"])["notes"]
    assert sorted(n["text"] for n in notes) == sorted(
        f"{tab} {i}" for tab in ("first", "second") for i in range(15))


def test_a_push_answer_lost_mid_sync_is_resent_and_answered_once(app, api, order, browser):
    with serve(app) as base:
        context = phone(browser)
        sign_in(context.new_page(), base, "engineer", PASSWORD)
        page = context.pages[0]
        page.wait_for_selector(f"text={order['number']}")
        sent = []
        context.on("request", lambda request: sent.append(request))
        lost = []

        def lose_the_first_answer(route):
            if lost:
                route.continue_()
                return
            route.fetch()  # the server applies the batch ...
            lost.append(True)
            route.abort("connectionreset")  # ... and the answer never reaches the phone

        context.route("**/api/v1/sync/push", lose_the_first_answer)
        page.locator(f"li.job[data-id='{order['id']}'] a.open").click()
        page.locator("#action-accept").click()
        page.wait_for_function("() => document.getElementById('sync-status')"
                               ".dataset.syncing === 'false' && !!window.fieldsync.problem",
                               polling=100)
        assert page.locator("#sync-status").get_attribute("data-pending") == "1"
        page.reload()
        page.wait_for_selector("#action-start")
        sync_now(page)
        wait_until_synced(page)
        context.close()
    mutations = pushed_mutations(sent)
    assert len(mutations) == 2 and mutations[0] == mutations[1]  # the same seq and id again
    server = api.order(order["id"])
    assert server["status"] == "accepted"
    assert [e["action"] for e in server["timeline"]].count("workorder.accept") == 1


def test_a_revoked_token_asks_for_sign_in_and_keeps_the_unsent_work(app, api, order, browser):
    with serve(app) as base:
        context = phone(browser)
        page = context.new_page()
        sign_in(page, base, "engineer", PASSWORD)
        page.wait_for_selector(f"text={order['number']}")
        context.set_offline(True)
        page.locator(f"li.job[data-id='{order['id']}'] a.open").click()
        page.locator("#action-accept").click()
        page.wait_for_selector("#action-start")
        api.cli("user", "revoke-tokens", "engineer")
        context.set_offline(False)
        sync_now(page)
        page.wait_for_selector("form.signin .error:has-text('Sign in again')")
        sign_in(page, base, "engineer", PASSWORD)
        wait_until_synced(page)
        context.close()
    assert api.order(order["id"])["status"] == "accepted"
