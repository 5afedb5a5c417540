"""Messaging adapters: each turns a message into its endpoint's request and reads the answer.

What an endpoint answers is never stored: `last_error` is shown to dispatchers, and a messaging
URL pointing inside our network must not become a way to read internal services. Only coarse
facts are kept (status code, WeCom's errcode, an exception's class name)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import httpx

from server.alerts.addresses import pinned, resolve_checked
from server.alerts.messages import Message

MAX_REPLY_BYTES = 64 * 1024  # enough for any real answer; a bigger one is cut, not buffered


@dataclass(frozen=True)
class SendResult:
    """What a send came to: `delivered`, `retry` (later, maybe not before `retry_after` s) or
    `failed` (permanently)."""

    state: str
    error: str | None = None
    retry_after: float | None = None


DELIVERED = SendResult("delivered")


class Adapter:
    """One endpoint kind; subclasses build the request and judge the response."""

    kind = ""
    per_minute: int | None = None  # the endpoint's rate limit per URL, if it has one

    def __init__(self, config: dict):
        self.config = config

    def request(self, message: Message) -> tuple[bytes, dict[str, str]]:
        raise NotImplementedError

    def judge(self, response: httpx.Response) -> SendResult:
        """Any 2xx is delivered, 429 and 5xx are worth retrying, other answers are final."""
        if response.is_success:
            return DELIVERED
        error = f"HTTP {response.status_code}"
        if response.status_code == 429 or response.status_code >= 500:
            return SendResult("retry", error, retry_after(response, self.config))
        return SendResult("failed", error)

    def send(self, client: httpx.Client, url: str, message: Message) -> SendResult:
        """POST the message to the addresses checked for `url`; network trouble and timeouts
        are retried."""
        resolution = resolve_checked(url, allow_private=self.config.get(
            "ALERT_ALLOW_PRIVATE_URLS", False))
        if resolution.refused:
            return SendResult("failed", resolution.refused)
        body, headers = self.request(message)
        # identity: the cap below counts the bytes we hold, not what they would inflate to
        headers = {"Content-Type": "application/json", "Accept-Encoding": "identity", **headers}
        outcome = SendResult("retry", "ConnectError")  # the host did not resolve
        for address in resolution.addresses:  # like a plain connect: the next one if refused
            target, pinning, extensions = pinned(url, address)
            try:
                with client.stream("POST", target, content=body, headers={**headers, **pinning},
                                   extensions=extensions) as response:
                    data = _read_capped(response)
            except httpx.ConnectError as exc:
                outcome = SendResult("retry", type(exc).__name__)
                continue
            except httpx.TimeoutException as exc:
                return SendResult("retry", f"timeout: {type(exc).__name__}")
            except httpx.HTTPError as exc:
                return SendResult("retry", type(exc).__name__)
            kept = {"Retry-After": response.headers["Retry-After"]} \
                if "Retry-After" in response.headers else {}
            return self.judge(httpx.Response(response.status_code, headers=kept, content=data))
        return outcome


def _read_capped(response: httpx.Response) -> bytes:
    data = bytearray()
    for chunk in response.iter_raw():
        data += chunk
        if len(data) >= MAX_REPLY_BYTES:
            break  # leaving the stream closes the connection; the rest is never read
    return bytes(data[:MAX_REPLY_BYTES])


def retry_after(response: httpx.Response, config: dict) -> float | None:
    """Retry-After in seconds when it is a finite number >= 0, capped at the maximum backoff."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, float(config.get("ALERT_BACKOFF_MAX_SECONDS", 3600)))


def adapter_for(kind: str, config: dict) -> Adapter:
    """The adapter of a messaging kind."""
    # Imported here, not at the top: each adapter module subclasses Adapter from this package.
    from server.alerts.adapters import slack, webhook, wecom

    kinds = {a.kind: a for a in (wecom.WeComAdapter, slack.SlackAdapter,
                                 webhook.WebhookAdapter)}
    return kinds[kind](config)


def per_minute(kind: str) -> int | None:
    """The per-URL rate limit of a messaging kind."""
    return adapter_for(kind, {}).per_minute
