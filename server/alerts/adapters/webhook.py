"""A generic webhook: the alert as JSON, signed with HMAC-SHA256 over timestamp and body."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from server.alerts.adapters import Adapter
from server.alerts.messages import Message

SIGNATURE_HEADER = "X-FieldSync-Signature"
TIMESTAMP_HEADER = "X-FieldSync-Timestamp"


def secret(config: dict) -> bytes:
    """FIELDSYNC_WEBHOOK_SECRET, or HMAC-SHA256(SECRET_KEY, 'fieldsync-webhook-signing')."""
    if config.get("WEBHOOK_SECRET"):
        return config["WEBHOOK_SECRET"].encode()
    return hmac.new(config["SECRET_KEY"].encode(), b"fieldsync-webhook-signing",
                    hashlib.sha256).hexdigest().encode()


def signature(key: bytes, timestamp: str, body: bytes) -> str:
    """'sha256=' + hex HMAC-SHA256 of '<timestamp>.<body bytes>'."""
    return "sha256=" + hmac.new(key, timestamp.encode() + b"." + body,
                                hashlib.sha256).hexdigest()


class WebhookAdapter(Adapter):
    kind = "webhook"

    def request(self, message: Message):
        body = json.dumps({"event": "workorder.alert", **message.data,
                           "text": message.plain_text()},
                          ensure_ascii=False, sort_keys=True).encode()
        # Wall time, not the injectable clock: receivers compare it with their own.
        timestamp = str(int(time.time()))
        return body, {TIMESTAMP_HEADER: timestamp,
                      SIGNATURE_HEADER: signature(secret(self.config), timestamp, body)}
