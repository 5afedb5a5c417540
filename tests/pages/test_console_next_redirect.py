"""After sign-in the console goes back to `next` only when it is a console path on this site;
anything else (other sites, header-breaking characters) goes to the queue, never a 500."""

from __future__ import annotations

import pytest

from tests.api import PASSWORD
from tests.console import csrf_token

QUEUE = "/supervisor/"


def sign_in_with_next(app, target: str):
    client = app.test_client()
    page = client.get("/supervisor/login", query_string={"next": target}).get_data(as_text=True)
    response = client.post("/supervisor/login", query_string={"next": target}, data={
        "username": "supervisor", "password": PASSWORD, "csrf_token": csrf_token(page)})
    return client, response


@pytest.mark.parametrize("target", [
    "/supervisor/orders/1\r\nSet-Cookie: stolen=1",
    "/supervisor/\r\n",
    "/supervisor/\n\nbody",
    "/supervisor/\tx",
    "/supervisor/\x00",
    "/supervisor/\x7f",
    "https://evil.example/supervisor/",
    "//evil.example/supervisor/",
    "/\\evil.example/supervisor/",
    "/supervisor/..\\..\\\\evil.example",
    "javascript:alert(1)//supervisor/",
    "/api/v1/me",
    "",
])
def test_a_next_that_is_not_a_console_path_signs_in_to_the_queue(app, world, target):
    client, response = sign_in_with_next(app, target)
    assert response.status_code == 303
    assert response.headers["Location"] == QUEUE
    assert "Set-Cookie: stolen" not in str(response.headers)
    assert client.get(QUEUE).status_code == 200  # signed in all the same


@pytest.mark.parametrize(("target", "location"), [
    ("/supervisor/orders/abc", "/supervisor/orders/abc"),
    ("/supervisor/reports?from=2026-11-01&to=2026-11-30",
     "/supervisor/reports?from=2026-11-01&to=2026-11-30"),
    ("/supervisor/orders/%0d%0a", "/supervisor/orders/%0d%0a"),
    ("/supervisor/报表", "/supervisor/%E6%8A%A5%E8%A1%A8"),
])
def test_a_console_path_is_where_sign_in_goes_back_to(app, world, target, location):
    _, response = sign_in_with_next(app, target)
    assert response.status_code == 303
    assert response.headers["Location"] == location
