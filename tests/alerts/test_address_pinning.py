"""A messaging URL's host is resolved once and the send connects to the addresses that were
checked (DNS rebinding cannot reach loopback), keeping the Host header, the TLS server name and
the certificate check of the host name; IPv6 forms that carry a local IPv4 are refused."""

from __future__ import annotations

import http.server
import socket
import ssl
import threading

import httpx
import pytest
import trustme

from server.alerts.adapters import SendResult, adapter_for
from server.alerts.addresses import REFUSED, refused_reason
from server.alerts.messages import Message
from tests.alerts.conftest import add_user
from tests.alerts.helpers import alerts_of, deliver, scan
from tests.alerts.receiver import Receiver

PUBLIC = "93.184.216.34"


class FakeDNS:
    """socket.getaddrinfo with scripted answers per name (the last one repeats); numeric hosts
    and other names resolve as usual. Records every lookup of a scripted name."""

    def __init__(self, real, answers: dict[str, list[list[str]]]):
        self.real, self.answers, self.lookups = real, answers, []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.answers:
            return self.real(host, port, family, type, proto, flags)
        self.lookups.append(name)
        queue = self.answers[name]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, int(port), 0, 0) if ":" in a else (a, int(port))) for a in addresses]


@pytest.fixture
def dns(monkeypatch):
    fake = FakeDNS(socket.getaddrinfo, {})
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture
def running_receiver():
    with Receiver() as receiver:
        yield receiver


def test_a_name_rebound_to_loopback_after_the_check_is_not_reached(app, api, world, clock, dns,
                                                                   running_receiver):
    app.config.update(ALERT_ALLOW_PRIVATE_URLS=False, ALERT_HTTP_TIMEOUT=1)
    port = running_receiver.server.server_address[1]
    # Public when checked, loopback for any later lookup: the classic rebinding answer.
    dns.answers["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    world.ids["li"] = add_user(api, "li", "engineer", "en", "wecom",
                               f"http://rebind.example:{port}/wecom/li")
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=5)
    scan(api)
    deliver(api)
    assert running_receiver.requests == []
    assert dns.lookups == ["rebind.example"]
    [row] = [d for alert in alerts_of(api, order["id"]) for d in alert["deliveries"]]
    assert row["state"] == "pending"
    assert row["last_error"] in ("ConnectError", "timeout: ConnectTimeout")


def message() -> Message:
    return Message(level="warning", language="en", headline="WO-000001 is late", fields=[],
                   link="https://fieldsync.test/supervisor/orders/1", link_label="Open",
                   recipient_name="Li")


def send(url: str, *, client: httpx.Client | None = None, allow_private: bool = True):
    adapter = adapter_for("webhook", {"ALERT_ALLOW_PRIVATE_URLS": allow_private,
                                      "SECRET_KEY": "test", "WEBHOOK_SECRET": "s"})
    with client or httpx.Client(timeout=3) as http:
        return adapter.send(http, url, message())


def test_the_send_connects_to_the_checked_address_with_the_original_host_header(
        dns, running_receiver):
    port = running_receiver.server.server_address[1]
    dns.answers["hooks.example.test"] = [["127.0.0.1"], ["127.0.0.2"]]  # nothing on .2
    outcome = send(f"http://hooks.example.test:{port}/hook/ops")
    assert outcome.state == "delivered"
    [received] = running_receiver.requests
    assert received.headers["Host"] == f"hooks.example.test:{port}"
    assert dns.lookups == ["hooks.example.test"]


def test_when_the_first_address_refuses_the_next_one_is_tried(dns, running_receiver):
    port = running_receiver.server.server_address[1]
    dns.answers["hooks.example.test"] = [["127.0.0.2", "127.0.0.1"]]
    assert send(f"http://hooks.example.test:{port}/hook/ops").state == "delivered"
    assert len(running_receiver.requests) == 1


def test_a_name_that_does_not_resolve_is_retried_later(dns):
    dns.answers["gone.example"] = [[]]
    assert send("http://gone.example/hook").state == "retry"


class _TLSReceiver:
    """An HTTPS endpoint with the given certificate; records the TLS server name it was asked
    for and the Host header of each request."""

    def __init__(self, cert: trustme.LeafCert):
        self.server_names: list[str | None] = []
        self.hosts: list[str] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.hosts.append(self.headers["Host"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        context.sni_callback = lambda sock, name, ctx: receiver.server_names.append(name)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda *args: None  # a refused handshake is expected
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ca():
    return trustme.CA()


@pytest.fixture
def trusting_client(ca):
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return httpx.Client(timeout=3, verify=context)


def test_https_keeps_the_server_name_and_checks_the_certificate_of_the_host_name(
        dns, ca, trusting_client):
    endpoint = _TLSReceiver(ca.issue_cert("hooks.example.test"))
    try:
        dns.answers["hooks.example.test"] = [["127.0.0.1"]]
        url = f"https://hooks.example.test:{endpoint.port}/hook"
        assert send(url, client=trusting_client).state == "delivered"
    finally:
        endpoint.close()
    assert endpoint.server_names == ["hooks.example.test"]
    assert endpoint.hosts == [f"hooks.example.test:{endpoint.port}"]


def test_a_certificate_for_the_address_alone_does_not_pass_for_the_host_name(
        dns, ca, trusting_client):
    endpoint = _TLSReceiver(ca.issue_cert("127.0.0.1"))
    try:
        dns.answers["hooks.example.test"] = [["127.0.0.1"]]
        outcome = send(f"https://hooks.example.test:{endpoint.port}/hook",
                       client=trusting_client)
    finally:
        endpoint.close()
    assert outcome.state == "retry"
    assert endpoint.hosts == []


@pytest.mark.parametrize("host", [
    "[2002:7f00:1::]",             # 6to4 of 127.0.0.1
    "[2002:a00:5::1]",             # 6to4 of 10.0.0.5
    "[2002:a9fe:a9fe::]",          # 6to4 of 169.254.169.254 (cloud metadata)
    "[64:ff9b::7f00:1]",           # NAT64 of 127.0.0.1
    "[64:ff9b::a00:5]",            # NAT64 of 10.0.0.5
    "[64:ff9b:1::a00:5]",          # local-use NAT64
    "[::7f00:1]",                  # IPv4-compatible 127.0.0.1
    "[::a00:5]",                   # IPv4-compatible 10.0.0.5
    "[::ffff:10.0.0.5]",           # IPv4-mapped
    "[::ffff:169.254.169.254]",
    "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",  # Teredo
])
def test_ipv6_forms_of_local_ipv4_addresses_are_refused(host):
    assert refused_reason(f"http://{host}/hook", allow_private=False) == REFUSED


def test_a_name_resolving_to_a_6to4_form_of_a_local_address_is_refused_before_sending(dns):
    dns.answers["six.example"] = [["2002:a9fe:a9fe::1"]]
    assert send("http://six.example/latest", allow_private=False) == SendResult("failed", REFUSED)
    assert dns.lookups == ["six.example"]


# (NAT64 addresses are refused whatever they carry: they lie in ::/8, which ipaddress counts
# as reserved.)
@pytest.mark.parametrize("host", ["[2002:5db8:d822::1]", "93.184.216.34"])
def test_forms_of_a_public_ipv4_address_are_not_refused(host):
    assert refused_reason(f"http://{host}/hook", allow_private=False) is None
