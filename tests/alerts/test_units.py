"""Pure pieces of the alerts: rules, backoff, message text, adapters' formats, the scheduler."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import click
import httpx
import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from server.alerts import messages, outbox, rules, scheduler
from server.alerts.adapters import SendResult, retry_after, slack, wecom
from server.alerts.addresses import refused_reason
from server.alerts.commands import Rfc3339

CONFIG = {"ALERT_BACKOFF_SECONDS": 30, "ALERT_BACKOFF_MAX_SECONDS": 3600}


def test_default_thresholds_are_four_and_six_hours_for_every_priority():
    assert rules.thresholds({}, "warning") == [rules.Threshold(timedelta(hours=4), None, ())]
    assert rules.thresholds({}, "escalation") == [rules.Threshold(timedelta(hours=6), None, ())]


def test_priorities_with_their_own_limit_leave_the_default_group():
    config = {"urgent": {"warning": 1}, "high": {"warning": 1}, "low": {"warning": None},
              "*": {"warning": 3}}
    assert rules.thresholds(config, "warning") == [
        rules.Threshold(timedelta(hours=1), ("high", "urgent"), ()),
        rules.Threshold(timedelta(hours=3), None, ("high", "low", "urgent"))]


@pytest.mark.parametrize("config", [[], {"urgent": 1}, {"urgent": {"late": 1}},
                                    {"urgent": {"warning": 0}}, {"urgent": {"warning": "1"}},
                                    {"urgent": {"warning": True}}])
def test_bad_rule_configuration_is_refused(config):
    with pytest.raises(ValueError):
        rules.validate(config)


@pytest.mark.parametrize("attempts, low, high", [(1, 15, 30), (2, 30, 60), (3, 60, 120),
                                                 (20, 1800, 3600)])
def test_backoff_doubles_with_jitter_and_a_cap(attempts, low, high):
    waits = {outbox.backoff(attempts, CONFIG, random.Random(seed)).total_seconds()
             for seed in range(50)}
    assert low <= min(waits) and max(waits) <= high and len(waits) > 1


@pytest.mark.parametrize("minutes, zh, en", [(0, "0 分钟", "0 min"), (59, "59 分钟", "59 min"),
                                             (60, "1 小时", "1 h"),
                                             (125, "2 小时 5 分钟", "2 h 5 min")])
def test_durations_read_naturally_in_both_languages(minutes, zh, en):
    assert messages.duration(timedelta(minutes=minutes, seconds=30), "zh-CN") == zh
    assert messages.duration(timedelta(minutes=minutes, seconds=30), "en") == en


def message(title="Air conditioner", address="Nanshan") -> messages.Message:
    return messages.Message("warning", "zh-CN", "工单派单 4 小时后仍未接单或开工",
                            [("工单", "WO-000001"), ("标题", title), ("地址", address)],
                            "http://x.test/supervisor/orders/1", "查看工单", "李")


def test_wecom_content_stays_within_4096_bytes_and_keeps_the_link():
    content = wecom.content(message(title="空调" * 2000, address="南山" * 2000),
                            mentions=["lisi"])
    assert len(content.encode()) <= 4096
    assert content.endswith("[查看工单](http://x.test/supervisor/orders/1)<@lisi>")


def test_wecom_content_escapes_markdown_in_user_text():
    content = wecom.content(message(title="<font color='info'>[x](http://evil)</font>"))
    assert "<font color='info'>" not in content and "[x](http://evil)" not in content


@pytest.mark.parametrize("status, answer, state", [
    (200, {"errcode": 0, "errmsg": "ok"}, "delivered"),
    (200, {"errcode": 45009, "errmsg": "api freq out of limit"}, "retry"),
    (200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "failed"),
    (200, {"errcode": -1, "errmsg": "system busy"}, "retry"),
    (500, {"errcode": 0}, "retry"),
    (404, {}, "failed"),
])
def test_wecom_answers_are_judged_by_errcode(status, answer, state):
    outcome = wecom.WeComAdapter({}).judge(httpx.Response(status, json=answer))
    assert outcome.state == state
    if answer.get("errcode") == 45009:
        assert outcome.retry_after == 60


@pytest.mark.parametrize("status, state", [(200, "delivered"), (429, "retry"), (503, "retry"),
                                           (404, "failed"), (410, "failed")])
def test_slack_answers_are_judged_by_status(status, state):
    assert slack.SlackAdapter({}).judge(httpx.Response(status, text="x")).state == state


def test_rfc3339_times_need_an_offset():
    parse = Rfc3339()
    assert parse.convert("2026-11-23T15:00:00+08:00", None, None).utcoffset() \
        == timedelta(hours=8)
    with pytest.raises(click.BadParameter):
        parse.convert("2026-11-23T15:00:00", None, None)


def fake_app(testing=False):
    return SimpleNamespace(testing=testing, config={"ALERT_DELIVER_INTERVAL_SECONDS": 15})


@pytest.mark.parametrize("command, params, run_main, expected", [
    (None, {}, None, True),                          # gunicorn worker
    ("run", {"reload": False}, None, True),          # flask run without the reloader
    ("run", {"reload": True}, None, False),          # the reloader's watching parent
    ("run", {"reload": True}, "true", True),         # the reloader's serving child
    ("alerts", {}, None, False),                     # any other command
])
def test_the_web_scheduler_starts_only_where_requests_are_served(monkeypatch, command, params,
                                                                 run_main, expected):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    if run_main:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", run_main)
    if command is None:
        assert scheduler.serves_requests_here(fake_app()) is expected
        return
    with click.Context(click.Command(command), info_name=command) as context:
        context.params.update(params)
        assert scheduler.serves_requests_here(fake_app()) is expected


def test_never_under_testing():
    assert scheduler.serves_requests_here(fake_app(testing=True)) is False


def test_jobs_coalesce_run_alone_and_tolerate_late_starts():
    configured = scheduler.configure(BackgroundScheduler(), fake_app())
    configured.start(paused=True)
    try:
        jobs = {job.id: job for job in configured.get_jobs()}
    finally:
        configured.shutdown(wait=False)
    assert set(jobs) == {"alerts-scan", "alerts-deliver"}
    for job in jobs.values():
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 300)
    assert jobs["alerts-scan"].trigger.interval == timedelta(minutes=1)


@pytest.mark.parametrize("header, seconds", [
    ("120", 120.0), ("0", 0.0), ("1e12", 3600.0), ("inf", None), ("-inf", None), ("nan", None),
    ("-5", None), ("Wed, 21 Oct 2026 07:28:00 GMT", None), ("", None),
])
def test_retry_after_is_a_finite_non_negative_number_capped_at_the_maximum_backoff(header,
                                                                                   seconds):
    response = httpx.Response(429, headers={"Retry-After": header})
    assert retry_after(response, CONFIG) == seconds


def test_an_outcome_asking_for_an_endless_wait_is_capped_when_recorded():
    row = SimpleNamespace(state="pending", attempts=1, claimed_until=None, last_error=None,
                          next_attempt_at=None)
    session = SimpleNamespace(get=lambda *args, **kwargs: row)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    state = outbox.record(session, 1, SendResult("retry", "HTTP 429", retry_after=1e300), now,
                          {**CONFIG, "ALERT_MAX_ATTEMPTS": 8})
    assert state == "retrying"
    assert row.next_attempt_at == now + timedelta(hours=1)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8085/", "http://localhost/hook", "http://10.1.2.3/", "http://192.168.0.9/",
    "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://224.0.0.1/",
    "http://240.0.0.1/", "http://100.64.0.1/",
])
def test_urls_resolving_to_local_addresses_are_refused(url):
    assert refused_reason(url, allow_private=False) == "refused: private or local address"
    assert refused_reason(url, allow_private=True) is None


def test_a_public_address_is_not_refused():
    assert refused_reason("https://93.184.216.34/hook", allow_private=False) is None
