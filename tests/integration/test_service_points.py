"""Service points: the office creates and lists them; anyone finds the nearest open one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pyproj import Geod

SHENZHEN = {"lat": 22.5405, "lon": 113.9530}
GEOD = Geod(ellps="WGS84")
MONDAY_10_IN_SHANGHAI = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def offset(origin: dict, azimuth: float, km: float) -> dict:
    """The point `km` from `origin` along `azimuth` degrees (geodesic)."""
    lon, lat, _ = GEOD.fwd(origin["lon"], origin["lat"], azimuth, km * 1000)
    return {"lat": lat, "lon": lon}


def point(name: str = "Nanshan service point", **extra) -> dict:
    return {"name": name, "address": "深圳市南山区科技园", "location": SHENZHEN, **extra}


def create(api, body: dict, expect: int = 201, as_: str = "dispatcher"):
    return api.post("/api/v1/service-points", body, as_=as_, expect=expect)


def nearest(api, query: str, expect: int = 200):
    return api.get(f"/api/v1/public/service-points/nearest?{query}", expect=expect)


def test_a_dispatcher_creates_a_point_and_the_office_lists_it(api, world):
    created = create(api, point(phone="+86 755 1234 5678",
                                opening_hours="Mo-Fr 09:00-18:00; Sa 10:00-16:00; PH off"))
    create(api, point("Futian point", location={"lat": 22.53, "lon": 114.05}),
           as_="supervisor")

    assert created["opening_hours"] == "Mo-Fr 09:00-18:00; Sa 10:00-16:00; PH off"
    assert (created["location"], created["phone"], created["active"]) == (
        SHENZHEN, "+86 755 1234 5678", True)
    assert created["timezone"] == "Asia/Shanghai"  # the server's, as sites take
    listed = api.get("/api/v1/service-points", as_="supervisor")
    assert [item["name"] for item in listed["items"]] == ["Futian point",
                                                          "Nanshan service point"]
    assert listed["items"][1] == created
    searched = api.get("/api/v1/service-points?q=futian", as_="dispatcher")
    assert [item["name"] for item in searched["items"]] == ["Futian point"]
    paged = api.get("/api/v1/service-points?limit=1", as_="dispatcher")
    after = api.get(f"/api/v1/service-points?limit=1&cursor={paged['cursor']}",
                    as_="dispatcher")
    assert [paged["items"][0]["name"], after["items"][0]["name"]] == [
        "Futian point", "Nanshan service point"]
    assert after["has_more"] is False


def test_a_point_without_phone_or_hours_is_stored_with_nulls(api, world):
    created = create(api, point(phone=None, opening_hours=None, timezone="Europe/London"))

    assert (created["phone"], created["opening_hours"], created["timezone"]) == (
        None, None, "Europe/London")


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""), ("name", None), ("name", "x" * 201), ("name", 5), ("name", "a\u0000b"),
    ("address", ""), ("address", "x" * 501), ("address", ["street"]),
    ("location", {"lat": 91, "lon": 0}), ("location", {"lat": 0, "lon": -180.5}),
    ("location", {"lat": "north", "lon": 0}), ("location", {"lat": True, "lon": 0}),
    ("location", {"lat": 1}), ("location", "22.5,113.9"), ("location", None),
    ("phone", ""), ("phone", "1" * 51), ("phone", 12345),
    ("opening_hours", ""), ("opening_hours", 9), ("opening_hours", "x" * 256),
    ("timezone", "Mars/Olympus"), ("timezone", "+08:00"),
    ("active", False), ("id", "7f1c0000-0000-4000-8000-000000000000"),
])
def test_each_bad_field_is_422_naming_it_and_nothing_is_stored(api, world, field, value):
    response = api.request("POST", "/api/v1/service-points", {**point(), field: value},
                           as_="dispatcher")

    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]["fields"]
    assert api.get("/api/v1/service-points", as_="dispatcher")["items"] == []


@pytest.mark.parametrize("required", ["name", "address", "location"])
def test_a_missing_required_field_is_422_naming_it(api, world, required):
    body = point()
    del body[required]
    response = api.request("POST", "/api/v1/service-points", body, as_="dispatcher")

    assert response.status_code == 422
    assert required in response.get_json()["error"]["details"]["fields"]


@pytest.mark.parametrize("hours", [
    "9 to 5", "Mo-Fr 25:00-26:00", "Mo-Fr 09:00\u201318:00", "Mo-Fr 9-18", "week 99",
    "24/7 ; ; ;", "Montag 09:00-18:00", " ", "<script>alert(1)</script>",
])
def test_hours_that_are_not_osm_syntax_are_422_naming_opening_hours(api, world, hours):
    response = api.request("POST", "/api/v1/service-points", point(opening_hours=hours),
                           as_="dispatcher")

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert list(error["details"]["fields"]) == ["opening_hours"]
    assert api.get("/api/v1/service-points", as_="dispatcher")["items"] == []


def test_an_engineer_may_neither_create_nor_list_and_strangers_need_a_token(api, world):
    forbidden = api.request("POST", "/api/v1/service-points", point(), as_="engineer")
    listing = api.request("GET", "/api/v1/service-points", as_="engineer")
    anonymous = api.request("POST", "/api/v1/service-points", point())
    anonymous_list = api.request("GET", "/api/v1/service-points")

    assert (forbidden.status_code, listing.status_code) == (403, 403)
    assert (anonymous.status_code, anonymous_list.status_code) == (401, 401)
    assert api.get("/api/v1/service-points", as_="supervisor")["items"] == []


def test_nearest_answers_by_geodesic_distance_nearest_first(api, world):
    far, near, middle = offset(SHENZHEN, 10, 30.0), offset(SHENZHEN, 200, 1.5), \
        offset(SHENZHEN, 95, 7.25)
    for name, location in (("far", far), ("near", near), ("middle", middle)):
        create(api, point(name, location=location))
    create(api, point("other city", location={"lat": 31.2304, "lon": 121.4737}))

    answer = nearest(api, f"lat={SHENZHEN['lat']}&lon={SHENZHEN['lon']}")

    assert [(item["name"], round(item["distance_km"], 2)) for item in answer["items"]] == [
        ("near", 1.5), ("middle", 7.25), ("far", 30.0)]
    two = nearest(api, f"lat={SHENZHEN['lat']}&lon={SHENZHEN['lon']}&limit=2")
    assert [item["name"] for item in two["items"]] == ["near", "middle"]
    from_shanghai = nearest(api, "lat=31.2304&lon=121.4737&limit=1")["items"][0]
    assert from_shanghai["name"] == "other city" and from_shanghai["distance_km"] == 0


def test_nearest_finds_points_thousands_of_km_away_and_across_the_antimeridian(api, world):
    create(api, point("Fiji", location={"lat": -17.7134, "lon": 178.0650}))
    create(api, point("Samoa", location={"lat": -13.8333, "lon": -171.7500}))
    create(api, point("Shenzhen", location=SHENZHEN))

    from_tonga = nearest(api, "lat=-21.1789&lon=-175.1982&limit=3")["items"]
    from_the_pole = nearest(api, "lat=90&lon=0&limit=1")["items"]

    names = [item["name"] for item in from_tonga]
    assert names == ["Samoa", "Fiji", "Shenzhen"] or names == ["Fiji", "Samoa", "Shenzhen"]
    _, _, to_fiji = GEOD.inv(-175.1982, -21.1789, 178.0650, -17.7134)
    fiji = next(item for item in from_tonga if item["name"] == "Fiji")
    assert fiji["distance_km"] == pytest.approx(to_fiji / 1000, abs=0.001)
    assert fiji["distance_km"] < 1000  # across 180°, not around the world
    assert from_the_pole[0]["name"] == "Shenzhen"


def test_nearest_answers_only_active_points_and_no_internal_fields(app, api, world):
    create(api, point("closed down", location=offset(SHENZHEN, 0, 0.2)))
    create(api, point("open", location=offset(SHENZHEN, 0, 5)))
    from server.extensions import db
    from server.models import ServicePoint
    with app.app_context():
        db.session.query(ServicePoint).filter_by(name="closed down").update({"active": False})
        db.session.commit()

    items = nearest(api, f"lat={SHENZHEN['lat']}&lon={SHENZHEN['lon']}")["items"]

    assert [item["name"] for item in items] == ["open"]
    assert set(items[0]) == {"name", "address", "location", "phone", "opening_hours",
                             "timezone", "distance_km", "open_now"}


def test_nearest_with_no_points_answers_an_empty_list(api):
    assert nearest(api, "lat=0&lon=0") == {"items": []}


@pytest.mark.parametrize(("query", "field"), [
    ("lon=113.9", "lat"), ("lat=22.5", "lon"), ("lat=91&lon=0", "lat"),
    ("lat=-90.0001&lon=0", "lat"), ("lat=0&lon=180.01", "lon"), ("lat=nan&lon=0", "lat"),
    ("lat=inf&lon=0", "lat"), ("lat=0&lon=-Infinity", "lon"), ("lat=north&lon=0", "lat"),
    ("lat=&lon=0", "lat"), ("lat=0&lon=1e999", "lon"), ("lat=0&lon=0&limit=0", "limit"),
    ("lat=0&lon=0&limit=21", "limit"), ("lat=0&lon=0&limit=-1", "limit"),
    ("lat=0&lon=0&limit=two", "limit"), ("lat=0&lon=0&limit=1.5", "limit"),
    ("lat=0&lon=0&radius=5", "radius"), ("lat=0%00&lon=0", "lat"),
])
def test_bad_coordinates_or_limits_are_422_naming_the_parameter(api, query, field):
    response = api.request("GET", f"/api/v1/public/service-points/nearest?{query}")

    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]["fields"]


def test_open_now_is_read_in_each_points_own_time_zone(api, world, clock):
    hours = "Mo-Fr 09:00-18:00"
    for name, zone, azimuth in (("Shanghai time", "Asia/Shanghai", 0),
                                ("London time", "Europe/London", 90),
                                ("New York time", "America/New_York", 180)):
        create(api, point(name, location=offset(SHENZHEN, azimuth, 1 + azimuth / 90),
                          opening_hours=hours, timezone=zone))
    create(api, point("no hours", location=offset(SHENZHEN, 270, 4)))
    where = f"lat={SHENZHEN['lat']}&lon={SHENZHEN['lon']}&limit=4"

    def states():
        return {item["name"]: item["open_now"] for item in nearest(api, where)["items"]}

    clock.now = MONDAY_10_IN_SHANGHAI  # Mon 02:00 London, Sun 21:00 New York
    assert states() == {"Shanghai time": True, "London time": False, "New York time": False,
                        "no hours": None}
    clock.now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 23:00, 15:00, 10:00
    assert states() == {"Shanghai time": False, "London time": True, "New York time": True,
                        "no hours": None}
    clock.now = datetime(2026, 7, 6, 22, 30, tzinfo=UTC)  # summer: 06:30, 23:30, 18:30 EDT
    assert states() == {"Shanghai time": False, "London time": False, "New York time": False,
                        "no hours": None}
    clock.now = datetime(2026, 7, 6, 21, 30, tzinfo=UTC)  # 17:30 EDT (EST would be 16:30)
    assert states()["New York time"] is True


def test_open_now_knows_public_holidays_off_and_unknown_hours(api, world, clock):
    create(api, point("closed on holidays", opening_hours="Mo-Su 09:00-18:00; PH off"))
    create(api, point("ask first", location=offset(SHENZHEN, 0, 1),
                      opening_hours="Mo-Su 09:00-18:00 unknown"))
    where = f"lat={SHENZHEN['lat']}&lon={SHENZHEN['lon']}"

    def states():
        return {item["name"]: item["open_now"] for item in nearest(api, where)["items"]}

    clock.now = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)  # National Day, 11:00 in Shenzhen
    assert states() == {"closed on holidays": False, "ask first": None}
    clock.now = datetime(2026, 10, 12, 3, 0, tzinfo=UTC)  # an ordinary Monday, 11:00
    assert states() == {"closed on holidays": True, "ask first": None}
