"""Alert messages in the recipient's language (Chinese unless the user chose English)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from schemas.formats import iso

TEXT = {
    "zh-CN": {
        "warning": "工单派单 {limit}后仍未接单或开工",
        "escalation": "工单派单 {limit}后仍未完成（已升级）",
        "overdue": "工单已超过截止时间",
        "order": "工单", "title": "标题", "address": "地址", "late": "已超时",
        "engineer": "工程师", "open": "查看工单", "unassigned": "未派单",
        "hours": "{h} 小时 {m} 分钟", "whole_hours": "{h} 小时", "minutes": "{m} 分钟",
        "assignment": "新派给你的工单，或其时间有变", "due": "截止时间", "window": "上门时间",
        "none": "未定",
    },
    "en": {
        "warning": "Not accepted or started {limit} after assignment",
        "escalation": "Not completed {limit} after assignment (escalated)",
        "overdue": "Past its due time",
        "order": "Order", "title": "Title", "address": "Address", "late": "Late by",
        "engineer": "Engineer", "open": "Open the order", "unassigned": "unassigned",
        "hours": "{h} h {m} min", "whole_hours": "{h} h", "minutes": "{m} min",
        "assignment": "Assigned to you, or its schedule changed", "due": "Due",
        "window": "Visit window", "none": "not set",
    },
}
DEFAULT_LANGUAGE = "zh-CN"


@dataclass
class Message:
    """What every adapter renders: a headline, labelled fields, a link, and the raw facts."""

    level: str
    language: str
    headline: str
    fields: list[tuple[str, str]]
    link: str
    link_label: str
    recipient_name: str
    data: dict = field(default_factory=dict)
    mentions: tuple[str, ...] = ()  # the recipient's id in the chat tool, to notify them

    def plain_text(self) -> str:
        lines = [f"[{self.level}] {self.headline}"]
        lines += [f"{label}: {value}" for label, value in self.fields]
        return "\n".join([*lines, f"{self.link_label}: {self.link}"])


def duration(delta: timedelta, language: str) -> str:
    """A whole-minute duration, e.g. '1 小时 5 分钟' or '1 h 5 min'."""
    text = TEXT.get(language, TEXT[DEFAULT_LANGUAGE])
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return text["minutes"].format(m=minutes)
    hours, minutes = divmod(minutes, 60)
    return text["hours" if minutes else "whole_hours"].format(h=hours, m=minutes)


def _when(value: datetime | None, text: dict) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else text["none"]


def _window(order, text: dict) -> str:
    if order.window_start is None:
        return text["none"]
    return f"{_when(order.window_start, text)} - {_when(order.window_end, text)}"


def build(*, alert, order, address: str, engineer_name: str | None, recipient, now: datetime,
          public_url: str) -> Message:
    """The message about `alert` on `order` for `recipient`, as of `now`."""
    language = recipient.language if recipient.language in TEXT else DEFAULT_LANGUAGE
    text = TEXT[language]
    late = now - alert.deadline
    headline = text[alert.level].format(limit=duration(alert.deadline - alert.epoch, language))
    link = f"{public_url.rstrip('/')}/supervisor/orders/{order.id}"
    fields = [(text["order"], order.number), (text["title"], order.title),
              (text["address"], address), (text["late"], duration(late, language)),
              (text["engineer"], engineer_name or text["unassigned"])]
    if alert.level == "assignment":  # news for the engineer: when, not how late
        fields[3:] = [(text["due"], _when(order.due_at, text)),
                      (text["window"], _window(order, text))]
    data = {"alert": {"id": alert.id, "level": alert.level,
                      "raised_at": iso(alert.raised_at),
                      "deadline": iso(alert.deadline)},
            "work_order": {"id": order.id, "number": order.number, "title": order.title,
                           "address": address, "status": order.status,
                           "priority": order.priority,
                           "assigned_at": iso(order.assigned_at), "due_at": iso(order.due_at)},
            "late_seconds": max(0, int(late.total_seconds())), "link": link,
            "recipient": {"id": recipient.id, "language": language}}
    mentions = (recipient.messaging_mention,) if recipient.messaging_mention else ()
    return Message(alert.level, language, headline, fields, link, text["open"],
                   recipient.name, data, mentions)
