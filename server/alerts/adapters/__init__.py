"""Messaging adapters: each turns a message into its endpoint's request and reads the answer."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from server.alerts.messages import Message


@dataclass(frozen=True)
class Outcome:
    """What a send came to: `delivered`, `retry` (later, maybe not before `retry_after` s) or
    `failed` (permanently)."""

    state: str
    error: str | None = None
    retry_after: float | None = None


DELIVERED = Outcome("delivered")


class Adapter:
    """One endpoint kind; subclasses build the request and judge the response."""

    kind = ""
    per_minute: int | None = None  # the endpoint's rate limit per URL, if it has one

    def __init__(self, config: dict):
        self.config = config

    def request(self, message: Message) -> tuple[bytes, dict[str, str]]:
        raise NotImplementedError

    def judge(self, response: httpx.Response) -> Outcome:
        """Any 2xx is delivered, 429 and 5xx are worth retrying, other answers are final."""
        if response.is_success:
            return DELIVERED
        error = f"HTTP {response.status_code}: {response.text[:200]}"
        if response.status_code == 429 or response.status_code >= 500:
            return Outcome("retry", error, _retry_after(response))
        return Outcome("failed", error)

    def send(self, client: httpx.Client, url: str, message: Message) -> Outcome:
        """POST the message; network trouble and timeouts are retried."""
        body, headers = self.request(message)
        try:
            response = client.post(url, content=body,
                                   headers={"Content-Type": "application/json", **headers})
        except httpx.TimeoutException as exc:
            return Outcome("retry", f"timeout: {type(exc).__name__}")
        except httpx.HTTPError as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}"[:300])
        return self.judge(response)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def adapter_for(kind: str, config: dict) -> Adapter:
    """The adapter of a messaging kind."""
    from server.alerts.adapters import slack, webhook, wecom

    kinds = {a.kind: a for a in (wecom.WeComAdapter, slack.SlackAdapter,
                                 webhook.WebhookAdapter)}
    return kinds[kind](config)


def per_minute(kind: str) -> int | None:
    """The per-URL rate limit of a messaging kind."""
    return adapter_for(kind, {}).per_minute
