"""Fixtures for the alert tests: a real receiver and a team whose messaging points at it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.alerts.receiver import Receiver
from tests.api import PASSWORD


@pytest.fixture(autouse=True)
def local_receivers_allowed(request):
    """The receivers here listen on 127.0.0.1, which production refuses to send to."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["ALERT_ALLOW_PRIVATE_URLS"] = True


@pytest.fixture(autouse=True)
def overdue_rules_alone(request):
    """The overdue-rule tests count every message the receiver gets; assignment messages
    (tests/alerts/test_assignment_messages.py, marked) are switched off for them."""
    if "app" in request.fixturenames and not request.node.get_closest_marker(
            "assignment_messages"):
        request.getfixturevalue("app").config["ASSIGNMENT_MESSAGES"] = False


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@dataclass
class Team:
    engineer: str = "li"          # zh-CN, WeCom robot at /wecom/li
    supervisor: str = "wang"      # en, Slack at /slack/wang
    hook: str = "ops"             # en supervisor, generic webhook at /hook/ops
    ids: dict | None = None


def add_user(api, username: str, role: str, language: str, kind: str, url: str) -> str:
    body = {"username": username, "password": PASSWORD, "role": role,
            "name": username.title(), "language": language,
            "messaging": {"kind": kind, "url": url}}
    creator = "dispatcher" if role == "engineer" else "supervisor"  # office roles need one
    user = api.post("/api/v1/users", body, as_=creator, expect=201)
    api.login(username)
    return user["id"]


@pytest.fixture
def team(api, world, receiver) -> Team:
    ids = {"li": add_user(api, "li", "engineer", "zh-CN", "wecom", receiver.url("/wecom/li")),
           "wang": add_user(api, "wang", "supervisor", "en", "slack",
                            receiver.url("/slack/wang")),
           "ops": add_user(api, "ops", "supervisor", "en", "webhook", receiver.url("/hook/ops"))}
    world.ids.update(ids)
    return Team(ids=ids)
