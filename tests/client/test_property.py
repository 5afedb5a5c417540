"""Property: two field devices and a dispatcher, in any interleaving, converge and lose nothing.

Each example builds its own small world inside the test's database (engineers and new catalog
codes get names unique to the example): two engineers, each with one device -- a real
`FieldClient` speaking HTTP to the in-process Flask app through `httpx.WSGITransport` -- and a
dispatcher acting through the API. Hypothesis draws a list of steps: device commands (many
bound to fail on the device: unknown orders, unknown catalog codes, bad quantities, completing
without a sign-off...), device syncs, and dispatcher create / reassign / cancel / catalog
additions. After a final sync of both devices:

(a) each replica equals the server's state of its scope: the engineer's orders, whole
    documents (GET /api/v1/workorders as that engineer), and the catalog;
(b) every mutation a device queued is settled: applied (and its effect is on the server) or
    rejected with a reason (and kept in the order's timeline as `rejected` with the mutation);
    none is pending, none vanished, none was recorded twice. A command that failed on the
    device queued nothing.
"""

from __future__ import annotations

import itertools
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import event as note_event
from hypothesis import strategies as st

from field_client.client import CommandError, FieldClient
from tests.api import PASSWORD, SHENZHEN, Api
from tests.flows import signature_png
from tests.media.photos import make_photo

SERVER = "http://fieldsync.test"
BASE_CODES = ("LAB-1H", "AC-FILTER", "CALLOUT")
# What a device may type: the rate card, a code that never exists, and two codes the
# dispatcher may add during the example (mapped to names unique to the example).
CODE_CHOICES = (*BASE_CODES, "NOPE-404", "NEW0", "NEW1")
QUANTITIES = ("1", "0.5", "2", "1.125", "1000000", "0", "-1", "0.0001", "abc", "1e3")

DEVICE = st.integers(0, 1)
PICK = st.integers(0, 7)
ACCEPT = st.tuples(st.just("accept"), DEVICE, PICK)
START = st.tuples(st.just("start"), DEVICE, PICK)
CHARGE = st.tuples(st.just("charge"), DEVICE, PICK, st.sampled_from(CODE_CHOICES),
                   st.sampled_from(QUANTITIES))
SYNC = st.tuples(st.just("sync"), DEVICE)
# Repetition weighs the draw towards the steps that let later ones succeed.
STEP = st.one_of(
    ACCEPT, ACCEPT, START, START, CHARGE, CHARGE, CHARGE, SYNC, SYNC, SYNC,
    st.tuples(st.just("note"), DEVICE, PICK, st.text(max_size=12)),
    st.tuples(st.just("remove_charge"), DEVICE, PICK, PICK),
    st.tuples(st.just("photo"), DEVICE, PICK, st.integers(0, 1),
              st.sampled_from(("after", "before"))),
    st.tuples(st.just("sign"), DEVICE, PICK),
    st.tuples(st.just("complete"), DEVICE, PICK),
    st.tuples(st.just("assign"), PICK, DEVICE),
    st.tuples(st.just("cancel"), PICK),
    st.tuples(st.just("create"), st.sampled_from((0, 1, None))),
    st.tuples(st.just("catalog"), st.integers(0, 1)),
)
# Scenarios always run first. Each example starts with orders 0 and 2 assigned to engineer 0
# (device 0 sees them as picks 0 and 1), order 1 to engineer 1, order 3 unassigned; the
# dispatcher's picks index those in creation order.
FULL_JOB = [("accept", 0, 0), ("start", 0, 0), ("charge", 0, 0, "LAB-1H", "1.5"),
            ("charge", 0, 0, "AC-FILTER", "2"), ("photo", 0, 0, 0, "after"), ("sign", 0, 0),
            ("complete", 0, 0), ("sync", 0), ("charge", 0, 0, "CALLOUT", "1"),
            ("assign", 0, 1), ("cancel", 0)]
TAKEN_AWAY = [("accept", 0, 0), ("start", 0, 0), ("charge", 0, 0, "LAB-1H", "1"),
              ("note", 0, 0, "offline work"), ("photo", 0, 0, 1, "before"),
              ("assign", 0, 1), ("sync", 0), ("sync", 1), ("accept", 1, 0),
              ("catalog", 0), ("charge", 1, 0, "NEW0", "1"), ("start", 1, 0), ("sync", 1),
              ("charge", 1, 0, "NEW0", "3"), ("remove_charge", 1, 0, 0),
              ("charge", 1, 0, "NOPE-404", "1"), ("assign", 0, 0), ("photo", 1, 0, 1, "after"),
              ("create", 1), ("cancel", 1), ("accept", 1, 1), ("sync", 0), ("accept", 0, 0)]


@dataclass
class Base:
    """What every example shares: the dispatcher, a customer and site, files to attach."""

    app: object
    api: Api
    clock: object
    root: Path
    dispatcher: str
    customer_id: str
    site_id: str
    photos: list[Path]
    signature: Path
    numbers: itertools.count = field(default_factory=itertools.count)


@pytest.fixture
def base(app, api, clock, tmp_path) -> Base:
    api.create_user("dispatcher", "dispatcher")
    customer = api.post("/api/v1/customers", {"name": "Huang Min", "language": "en"},
                        as_="dispatcher", expect=201)
    site = api.post("/api/v1/sites", {"customer_id": customer["id"],
                                      "address": "Nanshan, Shenzhen", "location": SHENZHEN,
                                      "radius_m": 150}, as_="dispatcher", expect=201)
    for code, kind, price, tax in (("LAB-1H", "labour", "33.33", "0.06"),
                                   ("AC-FILTER", "part", "45.00", "0.13"),
                                   ("CALLOUT", "callout", "80", "0")):
        api.post("/api/v1/catalog", {"code": code, "kind": kind, "description": code,
                                     "unit": "each", "unit_price": price, "tax_rate": tax},
                 as_="dispatcher", expect=201)
    photos = [make_photo(tmp_path / f"photo-{seed}.jpg", SHENZHEN["lat"], SHENZHEN["lon"],
                         size=(320, 240), seed=seed) for seed in (1, 2)]
    signature = tmp_path / "signature.png"
    signature.write_bytes(signature_png())
    return Base(app=app, api=api, clock=clock, root=tmp_path, dispatcher="dispatcher",
                customer_id=customer["id"], site_id=site["id"], photos=photos,
                signature=signature)


class Device:
    """One engineer's phone: a FieldClient over a real HTTP interface to the app."""

    def __init__(self, app, home: Path, username: str):
        self.username = username
        self.http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=SERVER)
        self.client = FieldClient(home, http=self.http)
        self.client.login(SERVER, username, PASSWORD)
        self.client_id = self.client.store.client_id()
        self.queued: list[dict] = []  # what each successful command answered, in order

    def close(self) -> None:
        self.client.close()
        self.http.close()

    def counts(self) -> tuple[int, int]:
        db = self.client.store.db
        return (db.execute("SELECT count(*) FROM outbox").fetchone()[0],
                db.execute("SELECT count(*) FROM uploads").fetchone()[0])

    def catalog(self) -> list[dict]:
        import json

        rows = self.client.store.db.execute("SELECT doc FROM catalog ORDER BY code")
        return [json.loads(row[0]) for row in rows]


class Example:
    """One drawn scenario in a world of its own."""

    def __init__(self, base: Base):
        self.base, self.api = base, base.api
        n = next(base.numbers)
        self.codes = {f"NEW{k}": f"X{n}-NEW{k}" for k in range(2)}
        self.usernames = [f"x{n}eng{i}" for i in range(2)]
        self.user_ids = [self.api.create_user(name, "engineer") for name in self.usernames]
        home = Path(tempfile.mkdtemp(prefix=f"example-{n}-", dir=base.root))
        self.devices: list[Device] = []
        for i, name in enumerate(self.usernames):
            self.devices.append(Device(base.app, home / f"device{i}", name))
        self.orders: list[str] = []
        for engineer in (0, 1, 0, None):
            self.create(engineer)
        for device in self.devices:  # a device's first sync after login
            device.client.sync()
        self.log: list[str] = []

    def close(self) -> None:
        for device in self.devices:
            device.close()

    # --- the dispatcher ------------------------------------------------------------------
    def create(self, engineer: int | None) -> None:
        body = {"customer_id": self.base.customer_id, "site_id": self.base.site_id,
                "title": "Air conditioner not cooling"}
        if engineer is not None:
            body["assigned_engineer_id"] = self.user_ids[engineer]
        self.orders.append(self.api.post("/api/v1/workorders", body, as_="dispatcher",
                                         expect=201)["id"])

    def dispatch(self, action: str, pick: int, body: dict) -> None:
        order_id = self.orders[pick % len(self.orders)]
        response = self.api.request("POST", f"/api/v1/workorders/{order_id}/{action}", body,
                                    as_="dispatcher")
        # 409: a completed or cancelled order cannot be reassigned or cancelled.
        assert response.status_code in (200, 409), response.get_data(as_text=True)

    def add_catalog_item(self, k: int) -> None:
        code = self.codes[f"NEW{k}"]
        response = self.api.request("POST", "/api/v1/catalog", {
            "code": code, "kind": "part", "description": f"New part {code}", "unit": "each",
            "unit_price": "7.77", "tax_rate": "0.13"}, as_="dispatcher")
        assert response.status_code in (201, 409), response.get_data(as_text=True)

    # --- the devices ---------------------------------------------------------------------
    def command(self, device: Device, method: str, pick: int, *args, **kwargs) -> None:
        docs = device.client.store.order_docs()
        ref = docs[pick % len(docs)]["number"] if docs else "WO-999999"
        before = device.counts()
        try:
            answer = getattr(device.client, method)(ref, *args, **kwargs)
        except CommandError as exc:
            self.log.append(f"  {device.username} {method} {ref}: CommandError {exc}")
            assert device.counts() == before, f"a failed {method} queued something"
            return
        self.log.append(f"  {device.username} {method} {ref}: queued seq {answer['seq']}")
        assert device.counts()[0] == before[0] + 1
        device.queued.append(answer)

    def step(self, step: tuple) -> None:
        self.base.clock.advance(minutes=1)
        kind, *rest = step
        self.log.append(repr(step))
        if kind in ("accept", "complete", "sign", "start"):
            device, pick = self.devices[rest[0]], rest[1]
            if kind == "sign":
                self.command(device, "sign", pick, "Huang Min", self.base.signature)
            elif kind == "start":
                self.command(device, "start", pick, {**SHENZHEN, "accuracy_m": 5})
            else:
                self.command(device, kind, pick)
        elif kind == "note":
            self.command(self.devices[rest[0]], "note", rest[1], rest[2])
        elif kind == "charge":
            device, pick, code, quantity = self.devices[rest[0]], rest[1], rest[2], rest[3]
            self.command(device, "charge", pick, self.codes.get(code, code), quantity)
        elif kind == "remove_charge":
            device, pick, which = self.devices[rest[0]], rest[1], rest[2]
            docs = device.client.store.order_docs()
            charges = device.client.show(docs[pick % len(docs)]["id"])["charges"] if docs else []
            charge_id = charges[which % len(charges)]["id"] if charges else str(uuid.uuid4())
            self.command(device, "remove_charge", pick, charge_id)
        elif kind == "photo":
            device, pick, which, photo_kind = self.devices[rest[0]], rest[1], rest[2], rest[3]
            self.command(device, "photo", pick, self.base.photos[which], kind=photo_kind)
        elif kind == "sync":
            report = self.devices[rest[0]].client.sync()
            self.log.append(f"  sync: {report.as_dict()}")
            assert report.complete, report.as_dict()
        elif kind == "assign":
            self.dispatch("assign", rest[0], {"engineer_id": self.user_ids[rest[1]]})
        elif kind == "cancel":
            self.dispatch("cancel", rest[0], {"reason": "customer called off"})
        elif kind == "create":
            self.create(rest[0])
        elif kind == "catalog":
            self.add_catalog_item(rest[0])
        else:  # pragma: no cover - a step the strategy cannot draw
            raise AssertionError(kind)

    # --- the final state -----------------------------------------------------------------
    def final_sync(self) -> None:
        self.base.clock.advance(minutes=1)
        for device in self.devices:
            report = device.client.sync()
            self.log.append(f"final sync {device.username}: {report.as_dict()}")
            assert report.complete, report.as_dict()

    def check_replicas(self) -> None:
        """(a) each replica is the server's state of its engineer's scope."""
        for device in self.devices:
            page = self.api.get("/api/v1/workorders?limit=200", as_=device.username)
            assert page["next_cursor"] is None
            server = sorted(page["items"], key=lambda doc: doc["number"])
            replica = device.client.store.order_docs()
            assert [d["number"] for d in replica] == [d["number"] for d in server], (
                f"{device.username}: the replica holds other orders than the server says")
            for mine, theirs in zip(replica, server, strict=True):
                assert mine == theirs, f"{device.username}: {mine['number']} differs"
            changes, _ = self.api.pull_all(device.username)
            catalog = sorted((c["data"] for c in changes if c["type"] == "catalog_item"),
                             key=lambda doc: doc["code"])
            assert device.catalog() == catalog, f"{device.username}: catalog differs"
            codes = {doc["code"] for doc in catalog}
            assert set(BASE_CODES) <= codes

    def check_outboxes(self) -> None:
        """(b) every queued mutation is settled, applied or rejected with a reason, on both
        sides; none pending, none vanished, none doubled."""
        server = {order_id: self.api.order(order_id) for order_id in self.orders}
        added, removed = {}, set()
        for device in self.devices:
            rows = device.client.store.outbox()
            assert [(r.seq, r.id, r.name) for r in rows] == [
                (q["seq"], q["id"], q["name"]) for q in device.queued], (
                f"{device.username}: the outbox is not what the commands queued")
            assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
            for row in rows:
                assert row.state in ("applied", "rejected"), (device.username, row)
                note_event(f"{row.name} {row.state} "
                      f"{row.error['code'] if row.error else ''}".rstrip())
                if row.state == "rejected":
                    assert row.error and row.error.get("code") and row.error.get("message"), row
                else:
                    assert row.error is None, row
            for order_id in {row.order_id for row in rows}:
                assert order_id in server, f"{order_id} is not an order of this example"
                mine = [r for r in rows if r.order_id == order_id]
                events = [e for e in server[order_id]["timeline"]
                          if e["device_id"] == device.client_id]
                assert [e["action"] == "rejected" for e in events] == [
                    r.state == "rejected" for r in mine], (
                    f"{device.username}: the timeline of {order_id} does not hold exactly "
                    f"its mutations: {[e['action'] for e in events]} vs "
                    f"{[(r.name, r.state) for r in mine]}")
                for event, row in zip(events, mine, strict=True):
                    if row.state == "rejected":
                        assert event["details"]["mutation"]["id"] == row.id
                        assert event["details"]["mutation"]["name"] == row.name
                        assert event["details"]["mutation"]["args"] == row.args
                        assert event["details"]["error"]["code"] == row.error["code"]
            for row in rows:
                doc = server[row.order_id]
                applied = row.state == "applied"
                if row.name == "charge.add":
                    if applied:
                        added[row.args["charge_id"]] = row.order_id
                    else:
                        assert row.args["charge_id"] not in _charge_ids(server)
                elif row.name == "charge.remove" and applied:
                    removed.add(row.args["charge_id"])
                elif row.name == "workorder.note":
                    assert (row.id in {n["id"] for n in doc["notes"]}) == applied, row
                elif row.name == "photo.attach":
                    assert (row.args["photo_id"] in {p["id"] for p in doc["photos"]}) == applied
                elif row.name == "signoff.capture":
                    ids = {s["id"] for s in doc["signoffs"]}
                    assert (row.args["signoff_id"] in ids) == applied, row
        expected = {charge_id: order_id for charge_id, order_id in added.items()
                    if charge_id not in removed}
        assert _charge_ids(server) == expected, "server charges != applied adds - removes"


def _charge_ids(server: dict[str, dict]) -> dict[str, str]:
    return {charge["id"]: order_id for order_id, doc in server.items()
            for charge in doc["charges"]}


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(steps=st.lists(STEP, min_size=5, max_size=50))
@example(steps=FULL_JOB)
@example(steps=TAKEN_AWAY)
def test_devices_and_dispatcher_converge_and_lose_no_mutation(base, steps):
    world = Example(base)
    try:
        for step in steps:
            world.step(step)
        world.final_sync()
        world.check_replicas()
        world.check_outboxes()
    except BaseException:
        print("\n".join(world.log))
        raise
    finally:
        world.close()


def test_a_rejected_mutation_is_kept_in_the_timeline_as_the_device_sent_it(base):
    world = Example(base)
    try:
        device = world.devices[0]
        order = device.client.store.order_docs()[0]
        world.api.post(f"/api/v1/workorders/{order['id']}/cancel", {"reason": "called off"},
                         as_="dispatcher", expect=200)
        location = {**SHENZHEN, "accuracy_m": 5}
        device.client.accept(order["number"])
        device.client.start(order["number"], location)
        device.client.sync()
        rejected = [e["details"]["mutation"] for e in world.api.order(order["id"])["timeline"]
                    if e["action"] == "rejected"]
        assert [m["name"] for m in rejected] == ["workorder.accept", "workorder.start"]
        assert rejected[1]["args"] == {"work_order_id": order["id"], "location": location}
    finally:
        world.close()
