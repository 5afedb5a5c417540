"""Failed sign-ins count per account and address, per account and per address, on the API and
the console together; behind FIELDSYNC_TRUSTED_PROXIES proxies the client's own address counts."""

from __future__ import annotations

import pytest

from server import create_app
from server.extensions import db
from tests.api import PASSWORD
from tests.console import csrf_token

OFFICE = "203.0.113.10"  # one NAT address for a whole office


def token(app, username: str, password: str, *, address: str = OFFICE, headers=None) -> int:
    response = app.test_client().post("/api/v1/auth/token",
                                      json={"username": username, "password": password},
                                      environ_base={"REMOTE_ADDR": address},
                                      headers=headers or {})
    return response.status_code


def console_sign_in(app, username: str, password: str, *, address: str = OFFICE) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    page = client.get("/supervisor/login").get_data(as_text=True)
    return client.post("/supervisor/login", data={
        "username": username, "password": password, "csrf_token": csrf_token(page)}).status_code


@pytest.fixture
def limits(app):
    app.config.update(LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per hour",
                      LOGIN_ADDRESS_RATE_LIMIT="100 per minute")
    return app.config


def test_one_user_mistyping_behind_an_office_address_does_not_lock_out_the_others(app, world,
                                                                                   limits):
    assert [token(app, "engineer", "typo") for _ in range(4)] == [401, 401, 401, 429]
    assert token(app, "engineer", PASSWORD) == 429
    assert token(app, "engineer2", PASSWORD) == 200
    assert token(app, "dispatcher", "one typo") == 401
    assert console_sign_in(app, "supervisor", PASSWORD) == 303


def test_the_console_and_the_api_count_failures_of_one_account_together(app, world, limits):
    assert token(app, "supervisor", "guess") == 401
    assert console_sign_in(app, "supervisor", "guess") == 401
    assert token(app, "supervisor", "guess") == 401
    assert console_sign_in(app, "supervisor", PASSWORD) == 429
    assert token(app, "supervisor", PASSWORD) == 429
    assert console_sign_in(app, "dispatcher", PASSWORD) == 303


def test_guessing_one_account_from_many_addresses_meets_the_account_limit(app, world, limits):
    limits["LOGIN_ACCOUNT_RATE_LIMIT"] = "4 per hour"
    addresses = [f"198.51.100.{n}" for n in range(1, 5)]
    assert [token(app, "dispatcher", "guess", address=a) for a in addresses] == [401] * 4
    assert token(app, "dispatcher", PASSWORD, address="198.51.100.99") == 429
    assert console_sign_in(app, "dispatcher", PASSWORD, address="198.51.100.98") == 429
    assert token(app, "supervisor", PASSWORD, address="198.51.100.99") == 200


def test_guessing_many_accounts_from_one_address_meets_the_address_limit(app, world, limits):
    limits["LOGIN_ADDRESS_RATE_LIMIT"] = "5 per minute"
    names = ["alice", "bob", "carol", "engineer", "supervisor"]
    assert [token(app, name, "guess") for name in names] == [401] * 5
    assert token(app, "engineer2", PASSWORD) == 429
    assert console_sign_in(app, "dispatcher", PASSWORD) == 429
    assert token(app, "engineer2", PASSWORD, address="192.0.2.50") == 200


@pytest.fixture
def proxied_app(database_url, tmp_path, clock, world, monkeypatch):
    """The app as configured from the environment behind one trusted proxy."""
    monkeypatch.setenv("FIELDSYNC_TRUSTED_PROXIES", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "MEDIA_DIR": str(tmp_path / "media"), "SECRET_KEY": "test-secret",
                      "CLOCK": clock, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "LOGIN_ADDRESS_RATE_LIMIT": "2 per minute"})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


PROXY = "10.0.0.2"


def via_proxy(app, client_address: str, username: str, password: str) -> int:
    return token(app, username, password, address=PROXY,
                 headers={"X-Forwarded-For": f"{client_address}"})


def test_behind_a_trusted_proxy_each_phone_is_counted_by_its_own_address(proxied_app):
    assert [via_proxy(proxied_app, "198.51.100.1", name, "guess")
            for name in ("alice", "bob", "carol")] == [401, 401, 429]
    assert via_proxy(proxied_app, "198.51.100.2", "engineer", PASSWORD) == 200


def test_a_forwarded_for_sent_by_the_client_chooses_nothing_without_a_trusted_proxy(app, world,
                                                                                   limits):
    limits["LOGIN_ADDRESS_RATE_LIMIT"] = "2 per minute"
    spoofed = [token(app, name, "guess", address="198.51.100.7",
                     headers={"X-Forwarded-For": f"192.0.2.{n}"})
               for n, name in enumerate(("alice", "bob", "carol"))]
    assert spoofed == [401, 401, 429]


def test_the_console_counts_a_proxied_phone_by_its_own_address(proxied_app):
    client = proxied_app.test_client()
    client.environ_base["REMOTE_ADDR"] = PROXY
    forwarded = {"X-Forwarded-For": "198.51.100.3"}
    page = client.get("/supervisor/login", headers=forwarded).get_data(as_text=True)
    statuses = [client.post("/supervisor/login", headers=forwarded, data={
        "username": name, "password": "guess", "csrf_token": csrf_token(page)}).status_code
        for name in ("alice", "bob", "carol")]
    assert statuses == [401, 401, 429]
    assert console_sign_in(proxied_app, "supervisor", PASSWORD, address=PROXY) == 303
