"""GET /metrics under gunicorn with two workers: every worker's counts, live or exited, in
whichever worker answers the scrape; and the log is one JSON object a line."""

from __future__ import annotations

import json
import os
import re
import signal
import time

import httpx

from tests.live_server import live_server
from tests.metrics_scrape import parse, value

PULLS = "fieldsync_pull_duration_seconds_count"


def booted_workers(log_text: str) -> list[int]:
    return [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log_text)]


def pull(url: str, headers: dict) -> httpx.Response:
    # A new connection each time, so that either worker may take it.
    response = httpx.get(url + "/api/v1/sync/pull", headers=headers, timeout=10)
    assert response.status_code == 200
    return response


def healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/api/v1/health", timeout=5).status_code == 200
    except httpx.HTTPError:  # the new workers are still starting
        return False


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_two_workers_are_counted_together_even_after_they_exit(api, world, database_url,
                                                                tmp_path):
    headers = api.headers("engineer")
    media_dir = tmp_path / "live-media"
    with live_server(database_url, media_dir, workers=2) as url:
        [log] = media_dir.parent.glob("gunicorn-*.log")
        wait_for(lambda: len(booted_workers(log.read_text())) == 2)
        first = booted_workers(log.read_text())
        for _ in range(6):
            pull(url, headers)
        for pid in first:  # both workers exit; the master starts two new ones
            os.kill(pid, signal.SIGTERM)
        wait_for(lambda: len(booted_workers(log.read_text())) == 4)
        wait_for(lambda: healthy(url), seconds=60)
        answered = pull(url, {**headers, "X-Request-Id": "live-pull-1"})
        for _ in range(5):
            pull(url, headers)
        scrapes = [parse(httpx.get(url + "/metrics", timeout=10).text) for _ in range(4)]
        refused = httpx.get(url + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    # Any worker answering, counted once each: six by exited workers, six by the new ones.
    assert [value(s, PULLS) for s in scrapes] == [12] * 4
    assert refused.status_code == 403
    assert answered.headers["X-Request-Id"] == "live-pull-1"
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    [mine] = [e for e in entries if e.get("request_id") == "live-pull-1"]
    assert mine["path"] == "/api/v1/sync/pull" and mine["status"] == 200
    assert mine["user_id"] == api.user_ids["engineer"]
