"""A thin client over the Flask test client that speaks the contract, for readable tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tests.openapi_check import check_response

PASSWORD = "correct horse battery"
SHENZHEN = {"lat": 22.5405, "lon": 113.9530}


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class World:
    dispatcher: str
    supervisor: str
    engineer: str
    other_engineer: str
    ids: dict = field(default_factory=dict)
    customer_id: str = ""
    site_id: str = ""


class Device:
    """One install of the field app: a client_id and its next seq."""

    def __init__(self, api: Api, username: str):
        self.api, self.username = api, username
        self.client_id = new_id()
        self.seq = 0

    def mutation(self, name: str, **args) -> dict:
        self.seq += 1
        return {"seq": self.seq, "id": new_id(), "name": name, "args": args,
                "client_time": "2026-11-23T10:00:00+08:00"}

    def push(self, *mutations, expect=200) -> dict:
        return self.api.post("/api/v1/sync/push", {"client_id": self.client_id,
                                                   "mutations": list(mutations)},
                             as_=self.username, expect=expect)

    def do(self, name: str, **args) -> dict:
        """Queue one mutation and push it; its result."""
        return self.push(self.mutation(name, **args))["results"][0]


class Api:
    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.tokens: dict[str, str] = {}
        self.user_ids: dict[str, str] = {}

    def cli(self, *args) -> str:
        result = self.app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result.output

    def create_user(self, username: str, role: str, name: str | None = None,
                    password: str = PASSWORD) -> str:
        self.cli("user", "create", username, "--role", role, "--password", password,
                 "--name", name or username.title())
        self.login(username, password)
        return self.user_ids[username]

    def login(self, username: str, password: str = PASSWORD, device_id: str | None = None):
        body = {"username": username, "password": password}
        if device_id:
            body["device_id"] = device_id
        answer = self.post("/api/v1/auth/token", body, expect=200)
        self.tokens[username] = answer["token"]
        self.user_ids[username] = answer["user_id"]
        return answer

    def headers(self, as_: str | None) -> dict:
        return {"Authorization": f"Bearer {self.tokens[as_]}"} if as_ else {}

    def request(self, method: str, path: str, body=None, *, as_: str | None = None,
                expect: int | None = None, **kwargs):
        response = self.client.open(path, method=method, json=body, headers=self.headers(as_),
                                    buffered=True, **kwargs)
        check_response(response)
        if expect is not None:
            assert response.status_code == expect, (response.status_code,
                                                    response.get_data(as_text=True)[:2000])
        return response

    def get(self, path: str, *, as_: str | None = None, expect: int | None = 200):
        return self.request("GET", path, as_=as_, expect=expect).get_json()

    def post(self, path: str, body, *, as_: str | None = None, expect: int | None = None):
        return self.request("POST", path, body, as_=as_, expect=expect).get_json()

    def make_world(self) -> World:
        world = World(dispatcher="dispatcher", supervisor="supervisor", engineer="engineer",
                      other_engineer="engineer2")
        for username, role in (("dispatcher", "dispatcher"), ("supervisor", "supervisor"),
                               ("engineer", "engineer"), ("engineer2", "engineer")):
            world.ids[username] = self.create_user(username, role)
        customer = self.post("/api/v1/customers", {"name": "Huang Min", "language": "en"},
                             as_="dispatcher", expect=201)
        site = self.post("/api/v1/sites", {"customer_id": customer["id"],
                                           "address": "Nanshan, Shenzhen",
                                           "location": SHENZHEN, "radius_m": 150},
                         as_="dispatcher", expect=201)
        world.customer_id, world.site_id = customer["id"], site["id"]
        for code, kind, price, tax in (("LAB-1H", "labour", "33.33", "0.06"),
                                       ("AC-FILTER", "part", "45.00", "0.13"),
                                       ("CALLOUT", "callout", "80", "0")):
            self.post("/api/v1/catalog", {"code": code, "kind": kind, "description": code,
                                          "unit": "each", "unit_price": price,
                                          "tax_rate": tax}, as_="dispatcher", expect=201)
        return world

    def create_order(self, world: World, assign_to: str | None = "engineer", **extra) -> dict:
        body = {"customer_id": world.customer_id, "site_id": world.site_id,
                "title": "Air conditioner not cooling", **extra}
        if assign_to:
            body["assigned_engineer_id"] = world.ids[assign_to]
        return self.post("/api/v1/workorders", body, as_="dispatcher", expect=201)

    def order(self, order_id: str, as_: str = "dispatcher") -> dict:
        return self.get(f"/api/v1/workorders/{order_id}", as_=as_)

    def device(self, username: str = "engineer") -> Device:
        return Device(self, username)

    def pull_all(self, username: str, cursor: str | None = None, limit: int = 1000):
        """Pull until has_more is false; (changes, cursor)."""
        changes = []
        while True:
            query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            page = self.get("/api/v1/sync/pull" + query, as_=username)
            changes.extend(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                return changes, cursor
