"""Engineers' skills, languages, home and service point through the users API."""

from __future__ import annotations

import pytest

from tests.api import PASSWORD, new_id

SERVICE_POINT = "8a2f7c1e-5b4d-4e3f-9a1b-2c3d4e5f6a7b"


def create(api, **profile) -> dict:
    body = {"username": f"eng{new_id()[:8]}", "password": PASSWORD, "role": "engineer",
            "name": "Chan Tai Man", **profile}
    return api.request("POST", "/api/v1/users", body, as_="dispatcher")


def test_an_engineers_profile_is_set_on_create_shown_and_changed(api, world):
    created = create(api, skills=["hvac", "gas", "hvac"], languages=["zh", "yue", "en"],
                     home={"lat": 22.3, "lon": 114.17}, service_point_id=SERVICE_POINT.upper())
    assert created.status_code == 201
    engineer_id = created.get_json()["id"]
    shown = api.get(f"/api/v1/users/{engineer_id}", as_="supervisor")
    assert shown["skills"] == ["hvac", "gas"]
    assert shown["languages"] == ["zh", "yue", "en"]
    assert shown["home"] == {"lat": 22.3, "lon": 114.17}
    assert shown["service_point_id"] == SERVICE_POINT
    assert shown["position"] == {"lat": 22.3, "lon": 114.17, "source": "home", "at": None}

    api.request("PATCH", f"/api/v1/users/{engineer_id}",
                {"skills": ["plumbing"], "home": None, "service_point_id": None},
                as_="dispatcher", expect=200)
    shown = api.get(f"/api/v1/users/{engineer_id}", as_="dispatcher")
    assert shown["skills"] == ["plumbing"] and shown["languages"] == ["zh", "yue", "en"]
    assert shown["home"] is None and shown["position"] is None
    assert shown["service_point_id"] is None


@pytest.mark.parametrize(("field", "value"), [
    ("skills", ["hvac", "telepathy"]), ("skills", "hvac"), ("skills", [1]),
    ("languages", ["zh", "klingon"]), ("languages", ["xx"]), ("languages", ["en_US"]),
    ("languages", [""]), ("languages", ["zh\u0000"]),
    ("home", {"lat": 91, "lon": 0}), ("home", {"lat": 0, "lon": -181}),
    ("home", {"lat": "NaN", "lon": 0}), ("home", {"lat": 1}), ("home", [22, 114]),
    ("service_point_id", "not-a-uuid"), ("service_point_id", 7),
])
def test_a_bad_profile_field_is_refused_naming_it(api, world, field, value):
    answer = create(api, **{field: value})
    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["details"]["fields"]
    patched = api.request("PATCH", f"/api/v1/users/{world.ids['engineer']}", {field: value},
                          as_="dispatcher", expect=422)
    assert field in patched.get_json()["error"]["details"]["fields"]


def test_only_engineers_have_a_profile(api, world):
    answer = api.request("PATCH", f"/api/v1/users/{world.ids['supervisor']}",
                         {"skills": ["hvac"]}, as_="supervisor", expect=422)
    assert answer.get_json()["error"]["details"]["fields"] == {
        "skills": ["Only engineers have this field."]}


def test_who_may_change_a_user(api, world):
    api.request("PATCH", f"/api/v1/users/{world.ids['supervisor']}", {"name": "X"},
                as_="dispatcher", expect=403)
    api.request("PATCH", f"/api/v1/users/{world.ids['engineer']}", {"skills": ["gas"]},
                as_="engineer", expect=403)
    api.request("PATCH", f"/api/v1/users/{new_id()}", {"name": "X"}, as_="supervisor",
                expect=404)
    api.request("PATCH", f"/api/v1/users/{world.ids['engineer']}", {"role": "supervisor"},
                as_="supervisor", expect=422)
    assert api.get(f"/api/v1/users/{world.ids['engineer']}", as_="supervisor")["role"] == \
        "engineer"
