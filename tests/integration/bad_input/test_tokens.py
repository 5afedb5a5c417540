"""Bearer tokens: missing, forged, expired, revoked; wrong credentials."""

from __future__ import annotations

import pytest

from tests.api import new_id
from tests.integration.bad_input.helpers import assert_error, notes, push


@pytest.mark.parametrize(("authorization", "code"), [
    (None, "missing_token"),
    ("", "missing_token"),
    ("Bearer", "missing_token"),
    ("Bearer    ", "missing_token"),
    ("Basic ZGlzcGF0Y2hlcjpwYXNzd29yZA==", "missing_token"),
    ("Token abc", "missing_token"),
    ("Bearer forged-token", "invalid_token"),
    ("Bearer " + "A" * 43, "invalid_token"),
    ("Bearer " + "x" * 10_000, "invalid_token"),
    ("Bearer é", "invalid_token"),
])
def test_a_missing_or_forged_token_is_401(api, world, authorization, code):
    headers = {} if authorization is None else {"Authorization": authorization}

    response = api.client.get("/api/v1/workorders", headers=headers)

    assert_error(response, 401, code)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("age", "status"), [
    ({"days": 29, "hours": 23}, 200),
    ({"days": 30}, 401),
    ({"days": 31}, 401),
])
def test_a_token_lasts_thirty_days(api, world, clock, age, status):
    clock.advance(**age)

    response = api.request("GET", "/api/v1/me", as_="engineer")

    if status == 200:
        assert response.status_code == 200
        assert response.get_json()["username"] == "engineer"
    else:
        assert_error(response, 401, "invalid_token")


def test_an_expired_token_cannot_push(api, world, clock, order):
    clock.advance(days=31)

    response = push(api, new_id(), notes(order))

    assert_error(response, 401, "invalid_token")
    api.login("dispatcher")
    assert api.order(order["id"])["notes"] == []


def test_a_revoked_token_is_401_and_a_new_login_works(api, world):
    assert api.post("/api/v1/auth/revoke", None, as_="engineer", expect=200) == {"revoked": True}

    assert_error(api.request("GET", "/api/v1/me", as_="engineer"), 401, "invalid_token")
    assert_error(api.request("POST", "/api/v1/auth/revoke", as_="engineer"), 401,
                 "invalid_token")
    api.login("engineer")
    assert api.get("/api/v1/me", as_="engineer")["username"] == "engineer"


def test_wrong_credentials_are_401_without_saying_which_part_was_wrong(api, world):
    wrong_password = api.request("POST", "/api/v1/auth/token",
                                 {"username": "engineer", "password": "wrong password"})
    unknown_user = api.request("POST", "/api/v1/auth/token",
                               {"username": "nobody", "password": "correct horse battery"})

    assert assert_error(wrong_password, 401, "invalid_credentials") \
        == assert_error(unknown_user, 401, "invalid_credentials")
