"""The web app's browser tests: the test app served on a real port, and a phone-sized browser.

The server runs in a thread on the test's own `app`, so its injected clock applies: the sample
photo's EXIF time (2008) can lie inside the job window, as it would for a photo taken today.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from tests.e2e.conftest import ARTIFACTS

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


@contextmanager
def serve(app):
    """Serve `app` on a free local port (threaded); yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def phone(browser, *, locale="en-US", geolocation=None, **extra):
    """A browser context the size of a phone, allowed to know where it is."""
    options = {**PHONE, "locale": locale, "service_workers": "allow", **extra}
    if geolocation:
        options.update(geolocation=geolocation, permissions=["geolocation"])
    return browser.new_context(**options)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # The passing "saved" message and a scrolled sticky header would hide the screen itself.
    page.evaluate("document.getElementById('toast').hidden = true; window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"webapp-{name}.png"), full_page=True)


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/app/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form.signin button[type=submit]").click()
    page.wait_for_selector("#sync-status")


def wait_until_synced(page, timeout: float = 20_000) -> None:
    """Until the status line says nothing waits and no sync runs."""
    page.wait_for_function(
        "() => { const s = document.getElementById('sync-status');"
        " return s && s.dataset.pending === '0' && s.dataset.syncing === 'false'; }",
        timeout=timeout, polling=100)


def wait_for_service_worker(page) -> None:
    """Until the shell is cached and the worker controls the page (offline from here on)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Polled on a timer: requestAnimationFrame (the default) may not fire on an idle page.
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=15_000,
                           polling=100)


def sync_now(page) -> None:
    page.evaluate("window.fieldsync.sync()")
