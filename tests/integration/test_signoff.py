"""Sign-off bound to the exact charges, completion rules, and the supervisor's verification."""

from __future__ import annotations

import itertools

import pytest

from tests.flows import new_job


def test_sign_then_change_then_resign_then_complete(api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    job.charge("LAB-1H", "1.5")
    job.photo()
    first = job.sign("Huang Min")
    assert first["status"] == "applied"
    signed = api.order(job.id)
    assert signed["signoff"]["valid"] is True
    assert signed["signoff"]["charges_digest"] == signed["charges_digest"]
    assert signed["signoff"]["total"] == signed["totals"]["total"] == "53.00"

    job.charge("AC-FILTER", "1")
    changed = api.order(job.id)
    assert changed["signoff"]["valid"] is False
    refused = job.complete()
    assert refused["status"] == "rejected"
    assert refused["error"]["code"] == "completion_incomplete"
    assert refused["error"]["details"]["missing"] == ["valid_signoff"]

    assert job.sign("Huang Min")["status"] == "applied"
    assert job.complete()["status"] == "applied"
    done = api.order(job.id, as_="supervisor")
    assert done["status"] == "completed"
    assert [s["valid"] for s in done["signoffs"]] == [False, True]
    assert [e["action"] for e in done["timeline"]].count("signoff.capture") == 2


def test_a_signature_for_other_charges_is_rejected_charges_changed(api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    job.charge()
    stale = api.order(job.id)["charges_digest"]
    job.charge("CALLOUT", "1")
    result = job.sign(digest=stale)
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "charges_changed"
    assert result["error"]["details"]["charges_digest"] == api.order(job.id)["charges_digest"]
    rejected = [e for e in api.order(job.id)["timeline"] if e["action"] == "rejected"]
    assert rejected[0]["details"]["mutation"]["args"]["charges_digest"] == stale


def test_a_signature_for_another_total_is_rejected(api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    job.charge()
    result = job.sign(total="1.00")
    assert result["error"]["code"] == "charges_changed"


@pytest.mark.parametrize("started, photo, signed", [
    combo for combo in itertools.product([False, True], repeat=3) if combo != (True,) * 3])
def test_completion_lists_exactly_what_is_missing(api, world, tmp_path, started, photo,
                                                  signed):
    job = new_job(api, world, tmp_path)
    job.do("workorder.accept")
    job.charge()
    if photo:
        job.photo()
    if signed:
        job.sign()
    if started:
        job.do("workorder.start")
    result = job.complete()
    expected = [name for name, present in (("in_progress", started), ("after_photo", photo),
                                           ("signoff", signed)) if not present]
    assert result["status"] == "rejected"
    assert result["error"]["details"]["missing"] == expected
    assert api.order(job.id)["status"] == ("in_progress" if started else "accepted")


def test_a_before_photo_alone_does_not_allow_completion(api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    job.photo("before")
    job.sign()
    assert job.complete()["error"]["details"]["missing"] == ["after_photo"]


def test_a_supervisor_sends_back_then_approves(api, world, tmp_path):
    job = new_job(api, world, tmp_path).finish()
    back = api.post(f"/api/v1/workorders/{job.id}/verify",
                    {"decision": "rework", "comment": "photo is blurry"}, as_="supervisor",
                    expect=200)
    assert back["status"] == "in_progress"
    assert back["completed_at"] is None
    assert job.photo()["status"] == "applied"
    assert job.complete()["status"] == "applied"
    approved = api.post(f"/api/v1/workorders/{job.id}/verify", {"decision": "approve"},
                        as_="supervisor", expect=200)
    assert approved["status"] == "verified"
    timeline = api.order(job.id)["timeline"]
    assert [(e["action"], e["details"].get("comment")) for e in timeline
            if e["action"] in ("rework", "approve")] == [("rework", "photo is blurry"),
                                                         ("approve", None)]


def test_only_supervisors_verify_and_only_completed_orders(api, world, tmp_path):
    job = new_job(api, world, tmp_path).start()
    api.post(f"/api/v1/workorders/{job.id}/verify", {"decision": "approve"},
             as_="dispatcher", expect=403)
    refused = api.post(f"/api/v1/workorders/{job.id}/verify", {"decision": "approve"},
                       as_="supervisor", expect=409)
    assert refused["error"]["code"] == "invalid_transition"


def test_charges_cannot_change_after_completion(api, world, tmp_path):
    job = new_job(api, world, tmp_path).finish()
    result = job.do("charge.add", charge_id="7d7a3a55-0000-4000-8000-000000000001",
                    quantity=1, catalog_code="CALLOUT")
    assert result["error"]["code"] == "order_not_editable"
    assert api.order(job.id)["signoff"]["valid"] is True


def test_a_signature_that_is_not_a_png_is_rejected(api, world, tmp_path):
    from tests.flows import upload
    from tests.media.photos import make_photo

    job = new_job(api, world, tmp_path).start()
    job.charge()
    current = api.order(job.id)
    jpeg = upload(api, make_photo(tmp_path / "sig.jpg").read_bytes(), "image/jpeg")
    result = job.do("signoff.capture", signoff_id="5b0d4a8e-0000-4000-8000-0000000000aa",
                    signer_name="Huang Min", signature_sha256=jpeg,
                    charges_digest=current["charges_digest"], total=current["totals"]["total"])
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "signature_not_png"
    assert api.order(job.id)["signoff"] is None
