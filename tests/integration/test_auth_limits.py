"""Password guessing is bounded per client address, and office accounts need a supervisor."""

from __future__ import annotations

import pytest

from tests.api import PASSWORD
from tests.integration.bad_input.helpers import assert_error


def token_request(api, password: str, *, address: str = "127.0.0.1"):
    return api.client.post("/api/v1/auth/token",
                           json={"username": "dispatcher", "password": password},
                           environ_base={"REMOTE_ADDR": address})


def test_failed_token_requests_are_limited_per_client_address(app, api, world):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(4):  # signing in is not guessing: successes do not count
        assert token_request(api, PASSWORD).status_code == 200
    assert [token_request(api, "guess").status_code for _ in range(3)] == [401, 401, 401]
    error = assert_error(token_request(api, "guess"), 429, "rate_limited")
    assert "guess" not in str(error)
    assert_error(token_request(api, PASSWORD), 429, "rate_limited")  # even the right one now
    assert token_request(api, PASSWORD, address="192.0.2.7").status_code == 200


def new_user(role: str, username: str) -> dict:
    return {"username": username, "password": "long enough pw", "role": role,
            "name": username.title()}


@pytest.mark.parametrize("role", ["supervisor", "dispatcher"])
def test_a_dispatcher_cannot_create_office_accounts(api, world, role):
    response = api.request("POST", "/api/v1/users", new_user(role, "climber"), as_="dispatcher")
    assert_error(response, 403, "forbidden")
    api.request("POST", "/api/v1/auth/token",
                {"username": "climber", "password": "long enough pw"}, expect=401)


def test_a_dispatcher_still_creates_engineers(api, world):
    created = api.post("/api/v1/users", new_user("engineer", "newbie"), as_="dispatcher",
                       expect=201)
    assert created["role"] == "engineer"


@pytest.mark.parametrize("role", ["supervisor", "dispatcher", "engineer"])
def test_a_supervisor_creates_any_account(api, world, role):
    created = api.post("/api/v1/users", new_user(role, f"new{role}"), as_="supervisor",
                       expect=201)
    assert created["role"] == role
