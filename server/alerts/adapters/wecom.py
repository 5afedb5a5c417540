"""WeCom (企业微信) group robot: markdown messages, errcode in a 200 answer, 20 a minute."""

from __future__ import annotations

import json

import httpx

from server.alerts.adapters import DELIVERED, Adapter, SendResult
from server.alerts.messages import Message

MAX_CONTENT_BYTES = 4096
RATE_LIMITED = 45009
BAD_WEBHOOK_URL = 93000
MAX_ERRMSG = 100  # WeCom's own messages are short; anything longer is not one


def escape(value: str) -> str:
    """Keep user text from opening markdown or font tags."""
    for char in "\\`*_[]<>#":
        value = value.replace(char, "\\" + char)
    return value.replace("\n", " ")


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-8 bytes on a character boundary, marked with an ellipsis."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[:limit - len("…".encode())].decode(errors="ignore") + "…"


def content(message: Message, mentions: list[str] = ()) -> str:
    """The markdown, at most 4096 bytes; the link and mentions are kept whatever is cut."""
    head = (f'**<font color="warning">{escape(message.headline)}</font>**\n'
            f"@{escape(message.recipient_name)}\n")
    colon = ": " if message.language == "en" else "："  # English text takes an ASCII colon
    body = "".join(f"> {label}{colon}{escape(value)}\n" for label, value in message.fields)
    tail = f"[{message.link_label}]({message.link})" + "".join(f"<@{m}>" for m in mentions)
    room = MAX_CONTENT_BYTES - len(head.encode()) - len(tail.encode())
    return head + fit(body, max(0, room)) + tail


class WeComAdapter(Adapter):
    kind = "wecom"
    per_minute = 20

    def request(self, message: Message):
        body = {"msgtype": "markdown",
                "markdown": {"content": content(message, list(message.mentions))}}
        return json.dumps(body, ensure_ascii=False).encode(), {}

    def judge(self, response: httpx.Response) -> SendResult:
        """HTTP 200 with errcode 0 is delivered; 45009 waits a minute, 93000 is final."""
        if not response.is_success:
            return super().judge(response)
        try:
            answer = response.json()
            errcode = int(answer.get("errcode", -1))
        except (ValueError, AttributeError, TypeError, OverflowError):
            return SendResult("retry", f"not a WeCom answer (HTTP {response.status_code})")
        if errcode == 0:
            return DELIVERED
        error = f"wecom errcode {errcode}: {str(answer.get('errmsg', ''))[:MAX_ERRMSG]}"
        if errcode == RATE_LIMITED:
            return SendResult("retry", error, retry_after=60)
        if errcode == BAD_WEBHOOK_URL:
            return SendResult("failed", error)
        return SendResult("retry", error)
