"""The field client sends its outbox in pushes sized by bytes, and pulls with gzip."""

from __future__ import annotations

import json

import httpx
import pytest

from field_client import engine
from field_client.client import FieldClient
from tests.api import PASSWORD

SERVER = "http://fieldsync.test"


class Recording(httpx.WSGITransport):
    """The real app, remembering each request and the answer's headers (the network edge)."""

    def __init__(self, app):
        super().__init__(app=app)
        self.seen: list[tuple[httpx.Request, httpx.Headers]] = []

    def handle_request(self, request):
        response = super().handle_request(request)
        self.seen.append((request, response.headers))
        return response


@pytest.fixture
def phone(app, world, tmp_path):
    transport = Recording(app)
    http = httpx.Client(transport=transport, base_url=SERVER)
    client = FieldClient(tmp_path / "phone", http=http)
    client.login(SERVER, "engineer", PASSWORD)
    client.recorded = transport.seen
    yield client
    client.close()
    http.close()


def test_a_long_outbox_goes_in_pushes_no_bigger_than_the_byte_budget(api, world, phone):
    order = api.create_order(world)
    phone.sync()
    for n in range(150):  # 150 notes of 4,000 characters: about 600 KB of work
        phone.note(order["number"], f"{n:03d} " + "x" * 3996)
    report = phone.sync()
    pushes = [request for request, _ in phone.recorded
              if request.url.path == "/api/v1/sync/push"]
    sizes = [len(json.loads(request.content)["mutations"]) for request in pushes]
    assert report.applied == 150 and report.complete
    assert len(pushes) == 3 and sum(sizes) == 150
    assert all(len(request.content) <= engine.BATCH_BYTES + 1024 for request in pushes)
    notes = api.order(order["id"])["notes"]
    assert [note["text"][:3] for note in notes] == [f"{n:03d}" for n in range(150)]


def test_many_small_mutations_go_in_one_push(api, world, phone):
    orders = [api.create_order(world) for _ in range(3)]
    phone.sync()
    for order in orders:
        phone.accept(order["number"])
        for _ in range(40):
            phone.note(order["number"], "checked")
    phone.sync()
    pushes = [request for request, _ in phone.recorded
              if request.url.path == "/api/v1/sync/push"]
    assert [len(json.loads(request.content)["mutations"]) for request in pushes] == [123]


def test_one_mutation_bigger_than_the_budget_still_goes():
    class Big:
        def envelope(self):
            return {"args": {"text": "y" * (engine.BATCH_BYTES * 2)}}

    assert len(engine.sized_batch([Big(), Big()])) == 1


def test_the_client_pulls_with_gzip(api, world, phone):
    for _ in range(5):
        api.create_order(world)
    phone.sync()
    pulls = [(request, headers) for request, headers in phone.recorded
             if request.url.path == "/api/v1/sync/pull"]
    assert pulls and all("gzip" in request.headers["Accept-Encoding"] for request, _ in pulls)
    assert all(headers.get("Content-Encoding") == "gzip" for _, headers in pulls)
    assert len(phone.jobs()) == 5
