"""Slack incoming webhooks: `text` for notifications plus Block Kit `blocks`."""

from __future__ import annotations

import json

from server.alerts.adapters import Adapter
from server.alerts.messages import Message


def escape(value: str) -> str:
    """Slack's three control characters in mrkdwn."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackAdapter(Adapter):
    kind = "slack"
    per_minute = 60  # Slack allows about one message a second per webhook

    def request(self, message: Message):
        fields = [{"type": "mrkdwn", "text": f"*{escape(label)}*\n{escape(value)}"}
                  for label, value in message.fields]
        blocks = [
            {"type": "header", "text": {"type": "plain_text", "text": message.headline[:150]}},
            {"type": "section", "fields": fields[:10]},
            {"type": "section", "text": {"type": "mrkdwn", "text":
                                         f"<{message.link}|{escape(message.link_label)}>"}},
        ]
        body = {"text": escape(message.plain_text())[:3000], "blocks": blocks}
        return json.dumps(body, ensure_ascii=False).encode(), {}
