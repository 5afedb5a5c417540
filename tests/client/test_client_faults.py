"""The client library keeps the engineer's view and work through partial syncs and refusals."""

from __future__ import annotations

import httpx
import pytest

from field_client.client import FieldClient
from tests.api import PASSWORD, SHENZHEN
from tests.media.photos import make_photo

SERVER = "http://fieldsync.test"


class FlakyPull(httpx.WSGITransport):
    """The real app, except that pulls fail while `broken` is set (the network edge)."""

    broken = False

    def handle_request(self, request):
        if self.broken and request.url.path == "/api/v1/sync/pull":
            raise httpx.ConnectError("signal lost", request=request)
        return super().handle_request(request)


@pytest.fixture
def phone(app, world, tmp_path):
    transport = FlakyPull(app=app)
    http = httpx.Client(transport=transport, base_url=SERVER)
    client = FieldClient(tmp_path / "phone", http=http)
    client.login(SERVER, "engineer", PASSWORD)
    client.transport_under_test = transport
    yield client
    client.close()
    http.close()


def test_work_pushed_but_not_yet_pulled_stays_in_the_engineers_view(api, world, phone):
    order = api.create_order(world)
    phone.sync()
    phone.accept(order["number"])
    phone.transport_under_test.broken = True
    with pytest.raises(Exception, match="signal lost"):
        phone.sync()
    assert api.order(order["id"])["status"] == "accepted"  # the push went through
    assert phone.show(order["number"])["status"] == "accepted"
    phone.start(order["number"])  # offline, the next step is still allowed
    phone.transport_under_test.broken = False
    assert phone.sync().complete
    assert phone.show(order["number"])["status"] == "in_progress"
    assert api.order(order["id"])["status"] == "in_progress"


def test_a_file_the_server_refuses_does_not_block_the_work_before_it(app, api, world, phone,
                                                                      tmp_path):
    order = api.create_order(world)
    phone.sync()
    phone.accept(order["number"])
    phone.start(order["number"])
    phone.photo(order["number"], make_photo(tmp_path / "big.jpg", *SHENZHEN.values()))
    phone.note(order["number"], "after the photo")
    app.config["MAX_MEDIA_PIXELS"] = 100
    report = phone.sync()
    assert [r["reason"] for r in report.refused_uploads] == [
        "The image is 1200x900 pixels; at most 100 pixels are accepted."]
    assert api.order(order["id"])["status"] == "in_progress"
    assert not report.complete  # the photo waits: the engineer is told, nothing vanishes
    status = phone.status()
    assert [p["name"] for p in status["pending"]] == ["photo.attach", "workorder.note"]
    assert len(status["refused_uploads"]) == 1
    assert phone.sync().refused_uploads == []  # a refused file is not sent again


def test_a_new_engineer_on_the_device_gets_a_token_naming_the_new_install(api, world, phone):
    first_install = phone.store.client_id()
    phone.login(SERVER, "engineer2", PASSWORD)
    assert phone.store.client_id() != first_install
    order = api.create_order(world, assign_to="engineer2")
    phone.sync()
    phone.accept(order["number"])
    phone.sync()
    [event] = [e for e in api.order(order["id"])["timeline"]
               if e["action"] == "workorder.accept"]
    assert event["device_id"] == phone.store.client_id()
