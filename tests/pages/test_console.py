"""The supervisor console: who may see it, CSRF, the flagged queue, one order's evidence."""

from __future__ import annotations

import pytest

from tests.api import SHENZHEN, new_id
from tests.console import Console
from tests.flows import new_job, upload
from tests.media.photos import make_photo

FAR = (SHENZHEN["lat"] + 0.045, SHENZHEN["lon"])


@pytest.fixture
def console(app, world):
    console = Console(app)
    assert console.login("supervisor").status_code == 303
    return console


def flagged_job(api, world, tmp_path):
    """A completed job with a photo 5 km away, an ad-hoc line, two signatures, a rejection."""
    job = new_job(api, world, tmp_path).start()
    job.charge()
    far = make_photo(tmp_path / "far.jpg", *FAR)
    job.do("photo.attach", photo_id=new_id(), sha256=upload(api, far.read_bytes(), "image/jpeg"),
           kind="after")
    job.sign()
    job.do("charge.add", charge_id=new_id(), quantity=1, kind="other", description="Ladder",
           unit_price="10", tax_rate="0")
    job.do("charge.add", charge_id=new_id(), quantity=1, catalog_code="NO-SUCH")  # rejected
    job.sign()
    assert job.complete()["status"] == "applied"
    return job


UNKNOWN = "6b1f0c44-0000-4000-8000-000000000000"  # fixed: xdist workers must collect alike


@pytest.mark.parametrize("path", ["/supervisor/", "/supervisor/reports",
                                  f"/supervisor/orders/{UNKNOWN}",
                                  f"/supervisor/photos/{UNKNOWN}/thumbnail"])
def test_a_stranger_is_sent_to_sign_in(app, world, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/supervisor/login")


def test_an_engineer_cannot_sign_in(app, world):
    console = Console(app)
    response = console.login("engineer")
    assert response.status_code == 401
    assert console.get("/supervisor/").status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app, world):
    response = Console(app).login("supervisor", "not it")
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)


def test_forms_without_the_csrf_token_are_refused(app, api, world, tmp_path, console):
    plain = app.test_client()
    answer = plain.post("/supervisor/login", data={"username": "supervisor",
                                                   "password": "x"})
    assert answer.status_code == 400
    job = new_job(api, world, tmp_path).finish()
    refused = console.post(f"/supervisor/orders/{job.id}/verify", {"decision": "approve"},
                           with_token=False)
    assert refused.status_code == 400
    assert api.order(job.id)["status"] == "completed"


def test_the_session_cookie_is_http_only_and_same_site(app, world):
    page = app.test_client().get("/supervisor/login").get_data(as_text=True)
    from tests.console import csrf_token

    client = app.test_client()
    client.get("/supervisor/login")
    response = client.post("/supervisor/login", data={
        "username": "supervisor", "password": "correct horse battery",
        "csrf_token": csrf_token(client.get("/supervisor/login").get_data(as_text=True))})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert page


def test_the_queue_lists_completed_orders_newest_first_with_their_flags(
        api, world, tmp_path, console, clock):
    clean = new_job(api, world, tmp_path).finish()
    clock.advance(minutes=5)
    flagged = flagged_job(api, world, tmp_path)
    new_job(api, world, tmp_path).start()  # in progress: not in the queue
    html = console.html("/supervisor/")
    assert html.index(flagged.order["number"]) < html.index(clean.order["number"])
    row = html[html.index(flagged.order["number"]):].split("</tr>")[0]
    for label in ("photo outside geofence", "ad-hoc charge", "signed more than once",
                  "rejected sync actions"):
        assert label in row, label
    only = console.html("/supervisor/?flag=outside_geofence")
    assert flagged.order["number"] in only and clean.order["number"] not in only
    none = console.html(f"/supervisor/?engineer_id={world.ids['engineer2']}")
    assert "Nothing waiting for verification." in none


def test_the_order_page_explains_why_a_photo_was_flagged(api, world, tmp_path, console):
    job = flagged_job(api, world, tmp_path)
    html = console.html(f"/supervisor/orders/{job.id}")
    assert "outside_geofence" in html and "km outside the site geofence" in html
    assert "taken 5.0 km from where the job was started" in html
    assert '<svg id="site-map"' in html and "<circle" in html and "start" in html
    assert " km</text>" in html or " m</text>" in html  # the scale bar
    assert "ad hoc" in html and "Ladder" in html
    assert html.count("not valid: superseded or the charges changed") == 1
    assert "NO-SUCH" in html and ">rejected<" in html
    photo = api.order(job.id)["photos"][0]
    thumbnail = console.get(f"/supervisor/photos/{photo['id']}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    signoff = api.order(job.id)["signoffs"][0]
    signature = console.get(f"/supervisor/signoffs/{signoff['id']}/signature")
    assert signature.status_code == 200 and signature.data[:4] == b"\x89PNG"


def test_a_supervisor_approves_or_sends_back_through_the_same_rule(api, world, tmp_path,
                                                                    console, app):
    job = new_job(api, world, tmp_path).finish()
    back = console.post(f"/supervisor/orders/{job.id}/verify",
                        {"decision": "rework", "comment": "photo too dark"})
    assert back.status_code == 303
    assert api.order(job.id)["status"] == "in_progress"
    assert job.photo()["status"] == "applied" and job.complete()["status"] == "applied"
    console.post(f"/supervisor/orders/{job.id}/verify", {"decision": "approve"})
    stored = api.order(job.id)
    assert stored["status"] == "verified"
    assert [e["details"].get("comment") for e in stored["timeline"]
            if e["action"] == "rework"] == ["photo too dark"]
    dispatcher = Console(app)
    dispatcher.login("dispatcher")
    other = new_job(api, world, tmp_path).finish()
    assert "Approve" not in dispatcher.html(f"/supervisor/orders/{other.id}")
    refused = dispatcher.post(f"/supervisor/orders/{other.id}/verify", {"decision": "approve"})
    assert refused.status_code == 403
    assert api.order(other.id)["status"] == "completed"


def test_every_user_supplied_string_is_escaped(api, world, tmp_path, console):
    evil = '<script>alert(1)</script>'
    customer = api.post("/api/v1/customers", {"name": evil, "language": "en"},
                        as_="dispatcher", expect=201)
    site = api.post("/api/v1/sites", {"customer_id": customer["id"], "address": evil,
                                      "region": evil, "location": SHENZHEN},
                    as_="dispatcher", expect=201)
    world.customer_id, world.site_id = customer["id"], site["id"]
    job = new_job(api, world, tmp_path, title=evil).start()
    job.do("charge.add", charge_id=new_id(), quantity=1, kind="other", description=evil,
           unit_price="1", tax_rate="0")
    job.do("workorder.note", text=evil)
    job.do("charge.add", charge_id=new_id(), quantity=1, catalog_code=evil)  # rejected payload
    job.photo()
    job.sign(signer=evil)
    job.complete()
    for path in ("/supervisor/", f"/supervisor/orders/{job.id}",
                 f"/supervisor/?region={evil}"):
        html = console.html(path)
        assert "<script>" not in html, path
        assert "&lt;script&gt;" in html or "\\u003cscript\\u003e" in html, path


def test_an_unknown_order_is_404(console):
    assert console.get(f"/supervisor/orders/{new_id()}").status_code == 404
    assert console.get("/supervisor/orders/not-a-uuid").status_code == 404
