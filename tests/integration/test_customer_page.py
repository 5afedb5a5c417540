"""The customer's private page and JSON: the breakdown, the sign-off, photos, one rating."""

from __future__ import annotations

import io

import piexif
import pytest
from PIL import Image

from tests.flows import new_job, token_of


@pytest.fixture
def done(api, world, tmp_path):
    """A completed job: 1.5 h labour at 33.33 (6 %), two filters at 45.00 (13 %)."""
    return new_job(api, world, tmp_path).finish()


def public(api, token, expect=200):
    return api.get(f"/api/v1/public/orders/{token}", expect=expect)


def test_the_json_view_itemizes_every_charge_with_totals_and_digest(api, done):
    view = public(api, token_of(done.order))
    assert [(c["catalog_code"], c["quantity"], c["unit_price"], c["tax"], c["amount"],
             c["ad_hoc"]) for c in view["charges"]] == [
        ("LAB-1H", "1.5", "33.33", "3.00", "50.00", False),
        ("AC-FILTER", "2", "45", "11.70", "90.00", False)]
    assert view["totals"] == {"subtotal": "140.00", "tax": "14.70", "total": "154.70"}
    assert view["charges_digest"] == api.order(done.id)["charges_digest"]
    assert view["signoff"]["valid"] is True and view["signoff"]["total"] == "154.70"
    assert "signature_sha256" not in view["signoff"]
    assert view["engineer"] == {"name": "Engineer", "rating": {
        "average": None, "count": 0, "satisfied_share": None}}
    assert view["can_rate"] is True
    assert len(view["photos"]) == 1


def test_the_page_shows_the_breakdown_in_english(api, done):
    page = api.request("GET", f"/c/{token_of(done.order)}", expect=200)
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    for text in ("Charges", "LAB-1H", "CN¥50.00", "CN¥90.00", "Subtotal", "CN¥140.00",
                 "CN¥154.70", "Signed by Huang Min", "Valid: it matches the charges above.",
                 done.order["number"], "Your engineer", "Submit rating"):
        assert text in html, text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_the_page_speaks_chinese_to_a_chinese_customer(api, world, tmp_path):
    customer = api.post("/api/v1/customers", {"name": "黄敏", "language": "zh-CN"},
                        as_="dispatcher", expect=201)
    site = api.post("/api/v1/sites", {"customer_id": customer["id"], "address": "南山区科技园",
                                      "location": {"lat": 22.5405, "lon": 113.953}},
                    as_="dispatcher", expect=201)
    world.customer_id, world.site_id = customer["id"], site["id"]
    job = new_job(api, world, tmp_path).finish()
    html = api.request("GET", f"/c/{token_of(job.order)}", expect=200).get_data(as_text=True)
    for text in ('lang="zh-CN"', "费用明细", "小计", "合计", "¥154.70", "有效：与以上费用一致。",
                 "提交评价", "黄敏"):
        assert text in html, text
    assert "Subtotal" not in html


def test_an_ad_hoc_line_is_marked_and_a_stale_signature_shown_invalid(api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    job.charge()
    job.sign()
    job.do("charge.add", charge_id="5b0d4a8e-0000-4000-8000-000000000009", quantity=1,
           kind="other", description="Ladder hire", unit_price="20", tax_rate="0")
    view = public(api, token_of(job.order))
    assert [c["ad_hoc"] for c in view["charges"]] == [False, True]
    assert view["signoff"]["valid"] is False
    html = api.request("GET", f"/c/{token_of(job.order)}").get_data(as_text=True)
    assert "Not on the rate card" in html
    assert "No longer valid: the charges changed after signing." in html
    assert "You can rate the job once it is completed." in html


def test_html_in_any_field_is_escaped(api, world, tmp_path):
    evil = '<script>alert("x")</script>'
    customer = api.post("/api/v1/customers", {"name": evil, "language": "en"},
                        as_="dispatcher", expect=201)
    site = api.post("/api/v1/sites", {"customer_id": customer["id"], "address": evil,
                                      "location": {"lat": 22.5405, "lon": 113.953}},
                    as_="dispatcher", expect=201)
    world.customer_id, world.site_id = customer["id"], site["id"]
    job = new_job(api, world, tmp_path, title=evil).start()
    job.do("charge.add", charge_id="5b0d4a8e-0000-4000-8000-00000000000a", quantity=1,
           kind="other", description=evil, unit_price="1", tax_rate="0")
    job.sign(signer=evil)
    html = api.request("GET", f"/c/{token_of(job.order)}").get_data(as_text=True)
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 4


@pytest.mark.parametrize("token", ["nope", "A" * 32, "x" * 500, "%00"])
def test_unknown_tokens_answer_404_alike(api, done, token):
    answer = public(api, token, expect=404)
    assert answer["error"]["code"] == "not_found"
    page = api.request("GET", f"/c/{token}", expect=404)
    assert page.get_json()["error"]["code"] == "not_found"


def test_a_dispatcher_revokes_a_link_and_gets_a_new_one(api, done):
    old = token_of(done.order)
    fresh = api.post(f"/api/v1/workorders/{done.id}/customer-link", None, as_="dispatcher",
                     expect=200)["customer_url"]
    public(api, old, expect=404)
    assert public(api, fresh.rsplit("/", 1)[1])["number"] == done.order["number"]
    assert fresh.startswith("http://fieldsync.test/c/")
    api.post(f"/api/v1/workorders/{done.id}/customer-link", None, as_="engineer", expect=403)


def test_a_rating_is_taken_once_after_completion(api, done):
    token = token_of(done.order)
    rating = api.post(f"/api/v1/public/orders/{token}/rating",
                      {"stars": 5, "tags": ["on_time", "tidy"], "comment": "很好"}, expect=201)
    assert rating["stars"] == 5 and rating["tags"] == ["on_time", "tidy"]
    again = api.post(f"/api/v1/public/orders/{token}/rating", {"stars": 1}, expect=409)
    assert again["error"]["code"] == "already_rated"
    view = public(api, token)
    assert view["rating"]["stars"] == 5 and view["can_rate"] is False
    profile = api.get(f"/api/v1/users/{done.order['assigned_engineer_id']}", as_="supervisor")
    assert profile["rating"] == {"average": 5.0, "count": 1, "satisfied_share": 1.0}


def test_a_rating_before_completion_is_409(api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    answer = api.post(f"/api/v1/public/orders/{token_of(job.order)}/rating", {"stars": 4},
                      expect=409)
    assert answer["error"]["code"] == "not_completed"


@pytest.mark.parametrize("body", [{"stars": 0}, {"stars": 6}, {"stars": "5"}, {"stars": 4.5},
                                  {"stars": 4, "tags": ["a"] * 6},
                                  {"stars": 4, "tags": ["not_a_tag"]},
                                  {"stars": 4, "comment": "x" * 1001}, {}])
def test_a_rating_out_of_range_is_422(api, done, body):
    answer = api.post(f"/api/v1/public/orders/{token_of(done.order)}/rating", body,
                      expect=422)
    assert answer["error"]["code"] == "validation_error"
    assert public(api, token_of(done.order))["rating"] is None


def test_the_engineer_profile_shows_average_count_and_satisfaction(api, world, tmp_path):
    for stars in (5, 4, 2):
        job = new_job(api, world, tmp_path).finish()
        api.post(f"/api/v1/public/orders/{token_of(job.order)}/rating", {"stars": stars},
                 expect=201)
    profile = api.get(f"/api/v1/users/{world.ids['engineer']}", as_="engineer")
    assert profile["rating"] == {"average": 3.67, "count": 3, "satisfied_share": 0.6667}
    api.get(f"/api/v1/users/{world.ids['engineer']}", as_="engineer2", expect=404)


def test_the_page_form_takes_a_rating_and_thanks_the_customer(api, done):
    token = token_of(done.order)
    answer = api.client.post(f"/c/{token}/rating", data={"stars": "4", "tags": ["friendly"],
                                                         "comment": "ok"})
    assert answer.status_code == 303
    page = api.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your rating!" in page
    assert public(api, token)["rating"]["tags"] == ["friendly"]


def test_customer_photo_copies_carry_no_exif_at_all(api, done):
    view = public(api, token_of(done.order))
    response = api.request("GET", view["photos"][0]["url"], expect=200)
    assert response.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(response.data))
    assert "exif" not in image.info
    assert piexif.load(response.data)["GPS"] == {}
    assert b"Exif" not in response.data[:4096]


def test_public_endpoints_are_rate_limited(app, api, done):
    app.config["PUBLIC_RATE_LIMIT"] = "3 per minute"
    token = token_of(done.order)
    statuses = [api.request("GET", f"/api/v1/public/orders/{token}").status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = api.request("GET", f"/api/v1/public/orders/{token}", expect=429).get_json()
    assert limited["error"]["code"] == "rate_limited"
