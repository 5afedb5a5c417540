"""`flask --app wsgi demo`: the data a newcomer explores first, loaded once."""

from __future__ import annotations

import re

from server.extensions import db
from server.models import User, WorkOrderRow


def test_the_demo_loads_a_team_orders_and_audit_ready_completions_once(app, api):
    first = api.cli("demo", "--url", "http://demo.test")
    second = api.cli("demo", "--url", "http://demo.test")
    for output in (first, second):
        assert "supervisor" in output and "fieldsync-demo" in output
    with app.app_context():
        assert db.session.query(User).count() == 4
        statuses = sorted(row.status for row in db.session.query(WorkOrderRow))
    assert len(statuses) == 12
    assert statuses.count("completed") == 3 and statuses.count("open") == 2
    links = re.findall(r"http://demo\.test/c/([\w-]+)", first + second)
    assert len(links) == 2
    # Issue 13: the demo no longer rotates the link it printed last time (it was a 404).
    assert links[0] == links[1]
    view = api.get(f"/api/v1/public/orders/{links[1]}")
    assert view["status"] == "completed" and view["rating"]["stars"] == 5
    api.login("supervisor", "fieldsync-demo")
    orders = api.get("/api/v1/workorders?status=completed", as_="supervisor")["items"]
    verdicts = sorted(p["verification"]["status"] for o in orders for p in o["photos"])
    assert verdicts == ["outside_geofence", "verified", "verified"]


def test_the_demo_adds_service_points_near_its_sites_once(app, api):
    api.cli("demo", "--url", "http://demo.test")
    api.cli("demo", "--url", "http://demo.test")
    api.login("dispatcher", "fieldsync-demo")

    points = api.get("/api/v1/service-points", as_="dispatcher")["items"]
    nearest = api.get("/api/v1/public/service-points/nearest?lat=22.5405&lon=113.9530")

    assert len(points) == 3
    assert nearest["items"][0]["distance_km"] < 2
