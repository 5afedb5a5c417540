"""GET /metrics: the counters move by what the server did, and only a permitted scraper reads them.

Counters live in the test process and keep counting across tests, so each test compares a
scrape after its actions with one before.
"""

from __future__ import annotations

import pytest

from tests.api import SHENZHEN, new_id
from tests.flows import new_job, upload
from tests.media.photos import make_photo
from tests.metrics_scrape import scrape, total, value

PUSHES = "fieldsync_push_mutations_total"


def test_a_scrape_counts_a_push_by_outcome_an_upload_and_a_photo_verdict(api, world, tmp_path):
    before = scrape(api.client)
    job = new_job(api, world, tmp_path).start()  # two pushes, each applied
    again = job.device.mutation("charge.add", work_order_id=job.id, charge_id=new_id(),
                                quantity="1", catalog_code="NO-SUCH-CODE")
    rejected = job.device.push(again)["results"][0]
    assert rejected["status"] == "rejected"
    duplicate = job.device.push(again)["results"][0]
    assert duplicate["status"] == "duplicate"
    photo = make_photo(tmp_path / "after.jpg", SHENZHEN["lat"], SHENZHEN["lon"]).read_bytes()
    sha = upload(api, photo, "image/jpeg")
    upload(api, photo, "image/jpeg")  # the same bytes again: already stored
    assert job.do("photo.attach", photo_id=new_id(), sha256=sha, kind="after")[
        "status"] == "applied"
    verdict = api.order(job.id)["photos"][0]["verification"]["status"]
    api.get("/api/v1/sync/pull", as_="engineer")
    after = scrape(api.client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved(PUSHES, status="applied", code="") == 3
    assert moved(PUSHES, status="rejected", code=rejected["error"]["code"]) == 1
    assert moved(PUSHES, status="duplicate", code="") == 1
    assert total(after, PUSHES) - total(before, PUSHES) == 5
    assert moved("fieldsync_push_duration_seconds_count") == 5
    assert moved("fieldsync_pull_duration_seconds_count") == 1
    assert moved("fieldsync_media_uploads_total", stored="new") == 1
    assert moved("fieldsync_media_uploads_total", stored="existing") == 1
    assert moved("fieldsync_media_upload_bytes_total", stored="new") == len(photo)
    assert moved("fieldsync_media_upload_bytes_total", stored="existing") == len(photo)
    assert moved("fieldsync_photo_verdicts_total", status=verdict) == 1
    assert total(after, "fieldsync_photo_verdicts_total") - total(
        before, "fieldsync_photo_verdicts_total") == 1
    assert value(after, "fieldsync_feed_position") > value(before, "fieldsync_feed_position")
    assert value(after, "fieldsync_feed_last_stamp_timestamp_seconds") >= value(
        before, "fieldsync_feed_last_stamp_timestamp_seconds") > 0
    assert value(after, "fieldsync_database_up") == 1


def test_a_push_the_server_refuses_whole_counts_no_mutation(api, world, tmp_path):
    job = new_job(api, world, tmp_path)
    before = scrape(api.client)
    mutation = job.device.mutation("workorder.accept", work_order_id=job.id)
    api.post("/api/v1/sync/push", {"client_id": job.device.client_id, "mutations": [mutation],
                                   "surprise": 1}, as_="engineer", expect=422)
    assert total(scrape(api.client), PUSHES) == total(before, PUSHES)


def test_labels_hold_bounded_values_only(api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    samples = scrape(api.client)
    text = repr(samples)
    for secret in (job.id, api.user_ids["engineer"], job.device.client_id):
        assert secret not in text


@pytest.fixture
def metrics_token(app):
    app.config["METRICS_TOKEN"] = "scrape-token-7f3a"
    return "scrape-token-7f3a"


@pytest.mark.parametrize("authorization,code", [
    (None, "missing_token"),
    ("Bearer ", "missing_token"),
    ("Bearer scrape-token-7f3b", "invalid_token"),
    ("Bearer scrape-token-7f3a-and-more", "invalid_token"),
    ("Basic scrape-token-7f3a", "invalid_token"),
    ("Bearer sçrape-tökén", "invalid_token"),
])
def test_with_a_token_set_a_scrape_without_it_is_refused_401(api, metrics_token, authorization,
                                                              code):
    headers = {"Authorization": authorization} if authorization else {}
    response = api.client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == code
    assert set(response.json["error"]) == {"code", "message", "details"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "fieldsync_" not in response.get_data(as_text=True)


def test_with_a_token_set_the_right_token_reads_from_anywhere(api, metrics_token):
    samples = scrape(api.client, headers={"Authorization": f"Bearer {metrics_token}"},
                     environ_overrides={"REMOTE_ADDR": "203.0.113.9"})
    assert ("fieldsync_database_up", ()) in samples


@pytest.mark.parametrize("remote,headers", [
    ("203.0.113.9", {}),
    ("10.0.0.5", {}),
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}),
    ("127.0.0.1", {"Forwarded": "for=203.0.113.9"}),
    ("::1", {"X-Real-IP": "203.0.113.9"}),
])
def test_without_a_token_only_a_local_unproxied_scraper_is_served(api, remote, headers):
    response = api.client.get("/metrics", headers=headers,
                              environ_overrides={"REMOTE_ADDR": remote})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


@pytest.mark.parametrize("remote", ["127.0.0.1", "::1"])
def test_without_a_token_a_local_scraper_is_served(api, remote):
    assert ("fieldsync_database_up", ()) in scrape(
        api.client, environ_overrides={"REMOTE_ADDR": remote})


def test_the_openapi_document_describes_metrics(api):
    operation = api.get("/api/v1/openapi.json")["paths"]["/metrics"]["get"]
    assert "text/plain" in operation["responses"]["200"]["content"]
    assert {"401", "403"} <= set(operation["responses"])
