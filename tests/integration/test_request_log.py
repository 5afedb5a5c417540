"""Every answer carries a request id, and every request leaves one access log line without the
secrets a path can hold."""

from __future__ import annotations

import json
import logging
import re

import pytest

from server.request_log import JsonFormatter
from tests.flows import new_job, token_of

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("path,status", [
    ("/api/v1/health", 200),
    ("/api/v1/workorders", 401),
    ("/api/v1/no-such-thing", 404),
    ("/metrics", 200),
    ("/c/not-a-real-token", 404),
])
def test_every_answer_has_a_request_id_even_errors(api, path, status):
    response = api.client.get(path)
    assert response.status_code == status
    assert GENERATED.fullmatch(response.headers["X-Request-Id"])


def test_two_requests_get_different_ids(api):
    first = api.client.get("/api/v1/health").headers["X-Request-Id"]
    assert api.client.get("/api/v1/health").headers["X-Request-Id"] != first


@pytest.mark.parametrize("given", ["req-42", "3f2a9c1e-77b0-4d3e-9a51-0c6f7f1e2b3d",
                                   "trace.id:abc_DEF-9", "x" * 64])
def test_a_short_safe_request_id_is_echoed(api, given):
    response = api.client.get("/api/v1/health", headers={"X-Request-Id": given})
    assert response.headers["X-Request-Id"] == given


@pytest.mark.parametrize("hostile", [
    "abc\r\nSet-Cookie: session=stolen", "abc\nX-Injected: 1", "abc\r", "x" * 10240, "x" * 65,
    "工单-42", "caf\u00e9", "has space", "<script>alert(1)</script>", "a;b", "a/../b", "",
])
def test_a_hostile_request_id_is_replaced_by_a_new_one(api, hostile):
    # Through the WSGI environ: a lax proxy could pass what the test client refuses to send.
    response = api.client.get("/api/v1/health",
                              environ_overrides={"HTTP_X_REQUEST_ID": hostile})
    answered = response.headers["X-Request-Id"]
    assert GENERATED.fullmatch(answered)
    assert "Set-Cookie" not in response.headers and "X-Injected" not in response.headers


def access_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "fieldsync.access"]


def test_an_access_line_is_one_json_object_with_the_request_and_its_user(api, world, caplog):
    caplog.set_level(logging.INFO, logger="fieldsync.access")
    response = api.client.get("/api/v1/sync/pull?limit=5", headers={
        **api.headers("engineer"), "X-Request-Id": "pull-77"})
    assert response.status_code == 200
    [record] = access_records(caplog)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "pull-77"
    assert entry["method"] == "GET"
    assert entry["path"] == "/api/v1/sync/pull"  # no query string
    assert entry["status"] == 200
    assert entry["user_id"] == api.user_ids["engineer"]
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["level"] == "INFO" and entry["logger"] == "fieldsync.access"
    assert entry["time"].endswith("Z")


def test_customer_link_tokens_never_reach_the_log(api, world, caplog, tmp_path):
    job = new_job(api, world, tmp_path)
    token = token_of(job.order)
    caplog.set_level(logging.INFO, logger="fieldsync.access")
    paths = [f"/c/{token}", f"/api/v1/public/orders/{token}", f"/c/{token}/no-such-page",
             f"/api/v1/public/orders/{token}/rating"]
    for path in paths:
        api.client.get(path)
    records = access_records(caplog)
    assert len(records) == len(paths)
    lines = [JsonFormatter().format(r) for r in records]
    assert [json.loads(line)["path"] for line in lines] == [
        "/c/{token}", "/api/v1/public/orders/{token}", "/c/{token}/no-such-page",
        "/api/v1/public/orders/{token}/rating"]
    assert not [line for line in lines if token in line]
    assert json.loads(lines[0])["status"] == 200


def test_a_log_line_written_inside_a_request_carries_its_id(app, api):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("kaboom")

    formatter, lines = JsonFormatter(), []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(formatter.format(record))

    keep = Keep()
    logging.getLogger("server.errors").addHandler(keep)
    try:
        response = api.client.get("/boom-for-test", headers={"X-Request-Id": "boom-1"})
    finally:
        logging.getLogger("server.errors").removeHandler(keep)
    assert response.status_code == 500
    assert response.headers["X-Request-Id"] == "boom-1"
    [entry] = [json.loads(line) for line in lines]
    assert entry["request_id"] == "boom-1" and entry["level"] == "ERROR"
    assert "RuntimeError: kaboom" in entry["exception"]
