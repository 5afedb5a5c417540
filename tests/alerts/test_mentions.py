"""A WeCom member's userid in their messaging makes the robot's message notify them."""

from __future__ import annotations

from tests.alerts.helpers import deliver, scan


def test_a_wecom_mention_reaches_the_robot_as_an_at_tag(api, world, receiver, clock):
    user = api.post("/api/v1/users", {
        "username": "zhang", "password": "correct horse battery", "role": "engineer",
        "name": "张伟", "messaging": {"kind": "wecom", "mention": "zhangwei",
                                      "url": receiver.url("/wecom/zhang")}},
        as_="dispatcher", expect=201)
    assert user["messaging"]["mention"] == "zhangwei"
    order = api.create_order(world, assign_to=None)
    api.post(f"/api/v1/workorders/{order['id']}/assign", {"engineer_id": user["id"]},
             as_="dispatcher", expect=200)
    clock.advance(hours=5)
    scan(api)
    deliver(api)
    [message] = receiver.to("/wecom/zhang")
    assert message.json()["markdown"]["content"].endswith("<@zhangwei>")


def test_a_mention_that_is_not_an_id_is_refused(api, world, receiver):
    answer = api.post("/api/v1/users", {
        "username": "li", "password": "correct horse battery", "role": "engineer",
        "name": "Li", "messaging": {"kind": "wecom", "mention": "<@all>",
                                    "url": receiver.url("/wecom/li")}},
        as_="dispatcher", expect=422)
    assert "mention" in answer["error"]["details"]["fields"]["messaging"]
