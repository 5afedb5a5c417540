"""Each order's pull document is stored when the order changes; what a pull answers must
always equal the document rendered afresh, whichever path wrote the order."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, update

from server.extensions import db
from server.models import ChargeLineRow, WorkOrderDocument
from server.services import order_documents
from tests.api import new_id
from tests.documents_check import stale_documents
from tests.integration.test_order_edits import patch


def _pulled(api, username: str = "engineer") -> dict[str, dict]:
    changes, _ = api.pull_all(username)
    return {c["id"]: c["data"] for c in changes if c["type"] == "workorder" and "data" in c}


def _assert_pull_matches_fresh_documents(api, order_ids, username: str = "engineer"):
    pulled = _pulled(api, username)
    for order_id in order_ids:
        fresh = api.order(order_id, as_=username)  # the order's page adds its timeline
        assert pulled[order_id] == {key: fresh[key] for key in pulled[order_id]}


def test_every_write_path_leaves_the_stored_document_equal_to_a_fresh_one(app, api, world):
    kept, moved, cancelled, failed = (api.create_order(world) for _ in range(4))
    assert stale_documents(app) == {}
    device = api.device()
    charges = [new_id(), new_id()]
    answer = device.push(
        device.mutation("workorder.accept", work_order_id=kept["id"]),
        device.mutation("workorder.start", work_order_id=kept["id"]),
        *[device.mutation("charge.add", work_order_id=kept["id"], charge_id=charge,
                          quantity="1.5", catalog_code="LAB-1H") for charge in charges],
        device.mutation("charge.remove", work_order_id=kept["id"], charge_id=charges[0]),
        device.mutation("workorder.note", work_order_id=kept["id"], text="新滤网 filter"),
        device.mutation("workorder.accept", work_order_id=failed["id"]))
    assert {r["status"] for r in answer["results"]} == {"applied"}
    assert device.do("workorder.fail_visit", work_order_id=failed["id"],
                     reason="customer_absent")["status"] == "applied"
    current = api.order(kept["id"])
    response = patch(api, kept["id"], {"title": "Boiler leaking", "priority": "urgent"},
                     f'"{current["version"]}"')
    assert response.status_code == 200, response.get_data(as_text=True)
    api.post(f"/api/v1/workorders/{moved['id']}/assign",
             {"engineer_id": world.ids["engineer2"]}, as_="dispatcher", expect=200)
    api.post(f"/api/v1/workorders/{cancelled['id']}/cancel", {"reason": "duplicate"},
             as_="dispatcher", expect=200)

    assert stale_documents(app) == {}
    _assert_pull_matches_fresh_documents(api, [kept["id"], cancelled["id"], failed["id"]])
    _assert_pull_matches_fresh_documents(api, [moved["id"]], username="engineer2")
    pulled = _pulled(api)
    assert pulled[kept["id"]]["title"] == "Boiler leaking"
    assert [c["id"] for c in pulled[kept["id"]]["charges"]] == charges[1:]
    assert pulled[kept["id"]]["notes"][0]["text"] == "新滤网 filter"
    assert pulled[failed["id"]]["failure_reason"] == "customer_absent"


def test_a_write_that_bypasses_the_session_is_caught_as_stale(app, api, world):
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    device.do("charge.add", work_order_id=order["id"], charge_id=new_id(), quantity="1",
              catalog_code="LAB-1H")
    with app.app_context():  # a hand-written UPDATE no session event sees
        db.session.execute(update(ChargeLineRow).values(quantity=Decimal("2")))
        db.session.commit()
    assert stale_documents(app) == {order["id"]: "stale"}
    with app.app_context():  # render it again, so the fixture's own check passes
        order_documents.store(db.session, [order["id"]])
        db.session.commit()
    assert stale_documents(app) == {}
    assert _pulled(api)[order["id"]]["charges"][0]["quantity"] == "2"


def test_an_order_without_a_stored_document_is_rendered_at_pull_and_by_the_backfill(
        app, api, world):
    orders = [api.create_order(world) for _ in range(3)]
    before = _pulled(api)
    with app.app_context():
        db.session.execute(delete(WorkOrderDocument).where(
            WorkOrderDocument.work_order_id.in_([o["id"] for o in orders[:2]])))
        db.session.commit()
    assert stale_documents(app) == {o["id"]: "missing" for o in orders[:2]}
    assert _pulled(api) == before
    with app.app_context():
        with db.engine.begin() as connection:
            assert order_documents.backfill(connection) == 2
            assert order_documents.backfill(connection) == 0
    assert stale_documents(app) == {}
    assert _pulled(api) == before
