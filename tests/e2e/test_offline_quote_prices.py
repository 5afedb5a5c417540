"""The offline quote story through the field client against a real gunicorn server: the device
syncs the catalog, goes offline, quotes, the office raises the price, the customer signs, the
device syncs, and the sign-off stays valid at the old price; a charge quoted after the change,
or on a device whose clock is set back beyond the grace window, gets the new price."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from field_client.client import FieldClient
from tests.api import PASSWORD
from tests.flows import signature_png
from tests.live_server import ROOT, live_server


@pytest.fixture
def media_dir(app):
    return Path(app.config["MEDIA_DIR"])


@pytest.fixture
def signature(tmp_path) -> Path:
    path = tmp_path / "signature.png"
    path.write_bytes(signature_png())
    return path


def raise_price(url: str, code: str, price: str) -> None:
    """The office, at the same server, through the API."""
    with httpx.Client(base_url=url) as office:
        token = office.post("/api/v1/auth/token", json={"username": "dispatcher",
                                                         "password": PASSWORD}).json()["token"]
        answer = office.patch(f"/api/v1/catalog/{code}", json={"unit_price": price},
                              headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text


def cli_sync(home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "field_client", "--home", str(home), "sync"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def phone(home: Path, url: str, clock=None) -> FieldClient:
    client = FieldClient(home, clock=clock)
    client.login(url, "engineer", PASSWORD)
    client.sync()
    return client


def started_offline(client: FieldClient, number: str) -> None:
    client.accept(number)
    client.start(number)


def test_a_quote_signed_offline_survives_a_price_rise_and_later_quotes_get_the_new_price(
        api, world, database_url, media_dir, tmp_path, signature):
    honest_order, set_back_order = api.create_order(world), api.create_order(world)
    with live_server(database_url, media_dir, workers=2) as url:
        honest = phone(tmp_path / "honest", url)
        # A second install whose clock is 100 h behind: beyond the 72 h grace window.
        set_back = phone(tmp_path / "set-back",
                         url, clock=lambda: datetime.now().astimezone() - timedelta(hours=100))
        try:
            # Both devices go offline with the catalog at 45.00 and quote one filter.
            for client, order in ((honest, honest_order), (set_back, set_back_order)):
                started_offline(client, order["number"])
                client.charge(order["number"], "AC-FILTER", "1")
                assert client.show(order["number"])["totals"]["total"] == "50.85"

            raise_price(url, "AC-FILTER", "52.00")

            for client, order in ((honest, honest_order), (set_back, set_back_order)):
                client.sign(order["number"], "Huang Min", signature)
            # Synced from the command line: it exits 3 when the server refused anything.
            assert cli_sync(tmp_path / "honest").returncode == 0
            refused = cli_sync(tmp_path / "set-back")
            assert refused.returncode == 3, refused.stderr
            assert "the server refused 1 action(s)" in refused.stdout

            kept = api.order(honest_order["id"])
            assert kept["signoff"]["valid"] is True
            assert kept["totals"]["total"] == kept["signoff"]["total"] == "50.85"
            assert [line["unit_price"] for line in kept["charges"]] == ["45"]
            assert kept["charges"][0]["priced_at"] is not None

            moved = api.order(set_back_order["id"])
            assert [line["unit_price"] for line in moved["charges"]] == ["52"]
            assert moved["signoff"] is None  # the customer saw 50.85: refused, kept for review
            [refusal] = [e for e in moved["timeline"] if e["action"] == "rejected"]
            assert refusal["details"]["error"]["code"] == "charges_changed"
            assert [r["error"]["code"] for r in set_back.status()["rejected"]] == [
                "charges_changed"]

            # After the sync the device has the new price; a new quote is priced with it.
            assert honest.show(honest_order["number"])["signoff"]["valid"] is True
            honest.charge(honest_order["number"], "AC-FILTER", "1")
            report = honest.sync()
            assert report.rejected == []
            after = api.order(honest_order["id"])
            assert [line["unit_price"] for line in after["charges"]] == ["45", "52"]
            assert after["signoff"]["valid"] is False  # charges changed after signing
        finally:
            honest.close()
            set_back.close()
