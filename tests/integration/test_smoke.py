def test_health_and_openapi(api):
    assert api.get("/api/v1/health") == {"status": "ok"}
    spec = api.get("/api/v1/openapi.json")
    assert "/api/v1/sync/push" in spec["paths"]


def test_world_builds(world, api):
    order = api.create_order(world)
    assert order["status"] == "assigned"
    assert order["number"].startswith("WO-")
