"""Ranked candidates for an order: each factor decides a case of its own, on both backends."""

from __future__ import annotations

import pytest
from pyproj import Geod

from sync.candidates import PRIOR_RATINGS
from tests.api import PASSWORD, SHENZHEN
from tests.flows import new_job, token_of

NEAR = {"lat": SHENZHEN["lat"] + 0.01, "lon": SHENZHEN["lon"]}
FAR = {"lat": SHENZHEN["lat"] + 0.20, "lon": SHENZHEN["lon"] + 0.20}


def engineer(api, username: str, home: dict | None = None, **profile) -> str:
    body = {"username": username, "password": PASSWORD, "role": "engineer",
            "name": username.title(), **profile}
    if home is not None:
        body["home"] = home
    created = api.post("/api/v1/users", body, as_="supervisor", expect=201)
    return created["id"]


def candidates(api, order_id: str, limit: int = 10, as_: str = "dispatcher") -> list[dict]:
    return api.get(f"/api/v1/workorders/{order_id}/candidates?limit={limit}", as_=as_)["items"]


def ids(items: list[dict]) -> list[str]:
    return [item["engineer_id"] for item in items]


def open_order(api, world, **extra) -> dict:
    return api.create_order(world, assign_to=None, **extra)


def test_the_nearer_engineer_ranks_first_by_geodesic_distance(api, world):
    near, far = engineer(api, "near", NEAR), engineer(api, "far", FAR)
    ranked = candidates(api, open_order(api, world)["id"])
    assert ids(ranked)[:2] == [near, far]
    _, _, metres = Geod(ellps="WGS84").inv(SHENZHEN["lon"], SHENZHEN["lat"], NEAR["lon"],
                                           NEAR["lat"])
    assert ranked[0]["distance_km"] == pytest.approx(metres / 1000, abs=0.001)
    assert 1.10 < ranked[0]["distance_km"] < 1.12  # 0.01 degree of latitude near 22.5 N
    assert any("km away" in reason for reason in ranked[0]["reasons"])
    assert ranked[0]["score"] > ranked[1]["score"]


def test_an_engineer_with_open_orders_today_ranks_below_a_free_one(api, world):
    busy, free = engineer(api, "busy", NEAR), engineer(api, "free", NEAR)
    for _ in range(2):
        api.post("/api/v1/workorders", {"customer_id": world.customer_id,
                                        "site_id": world.site_id, "title": "Earlier job",
                                        "assigned_engineer_id": busy},
                 as_="dispatcher", expect=201)
    ranked = candidates(api, open_order(api, world)["id"])
    assert ids(ranked)[:2] == [free, busy]
    assert [item["open_orders"] for item in ranked[:2]] == [0, 2]
    assert "2 open orders today" in " ".join(ranked[1]["reasons"])


def test_one_five_star_rating_does_not_beat_fifty_at_four_point_eight(app, api, world):
    from server.extensions import db
    from server.models import Rating

    lucky, steady, average = (engineer(api, name, NEAR) for name in ("lucky", "steady", "avg"))
    stars = {lucky: [5], steady: [5] * 40 + [4] * 10, average: [3] * 30 + [4] * 30}
    orders = {engineer_id: [api.create_order(world, assign_to=None)["id"] for _ in given]
              for engineer_id, given in stars.items()}
    with app.app_context():
        for engineer_id, given in stars.items():
            for order_id, count in zip(orders[engineer_id], given, strict=True):
                db.session.add(Rating(work_order_id=order_id, engineer_id=engineer_id,
                                      stars=count, tags=[], created_at=app.config["CLOCK"]()))
        db.session.commit()
    ranked = candidates(api, open_order(api, world)["id"])
    by_id = {item["engineer_id"]: item for item in ranked}
    assert by_id[lucky]["rating"]["average"] == 5.0
    every = [count for given in stars.values() for count in given]
    prior = sum(every) / len(every)  # 4.10: the mean every shrinkage is toward
    expected = (PRIOR_RATINGS * prior + sum(stars[steady])) / (PRIOR_RATINGS + 50)
    assert by_id[steady]["rating"] == {"average": 4.8, "count": 50, "good_share": 1.0,
                                       "bayesian_average": pytest.approx(expected, abs=0.001)}
    assert ids(ranked).index(steady) < ids(ranked).index(lucky) < ids(ranked).index(average)


def test_an_engineer_without_a_required_skill_never_appears(api, world):
    unskilled = engineer(api, "unskilled", NEAR, skills=["hvac"])
    skilled = engineer(api, "skilled", FAR, skills=["hvac", "gas"])
    order = open_order(api, world, required_skills=["gas", "hvac"])
    ranked = candidates(api, order["id"])
    assert skilled in ids(ranked) and unskilled not in ids(ranked)
    assert "has every required skill: gas, hvac" in ranked[0]["reasons"]
    everyone = candidates(api, open_order(api, world)["id"])
    assert ids(everyone).index(unskilled) < ids(everyone).index(skilled)


def test_speaking_the_customers_language_decides_between_equals(api, world):
    chinese = engineer(api, "chinese", NEAR, languages=["zh", "yue"])
    english = engineer(api, "english", NEAR, languages=["en-GB", "zh"])
    ranked = candidates(api, open_order(api, world)["id"])  # the customer speaks en
    assert ids(ranked)[:2] == [english, chinese]
    assert "speaks the customer's language (en): 15 of 15" in ranked[0]["reasons"]


def test_a_deactivated_engineer_never_appears(api, world):
    leaver = engineer(api, "leaver", NEAR)
    order = open_order(api, world)
    assert leaver in ids(candidates(api, order["id"]))
    api.post(f"/api/v1/users/{leaver}/deactivate", None, as_="supervisor", expect=200)
    assert leaver not in ids(candidates(api, order["id"]))


def test_distance_is_from_the_latest_start_location_not_home(api, world, tmp_path):
    api.request("PATCH", f"/api/v1/users/{world.ids['engineer']}", {"home": FAR},
                as_="dispatcher", expect=200)
    other = engineer(api, "other", NEAR)
    assert ids(candidates(api, open_order(api, world)["id"]))[0] == other
    new_job(api, world, tmp_path).start()  # at SHENZHEN, the site itself
    profile = api.get(f"/api/v1/users/{world.ids['engineer']}", as_="dispatcher")
    assert profile["position"]["source"] == "reported"
    assert profile["home"] == FAR
    ranked = {item["engineer_id"]: item for item in candidates(api, open_order(api, world)["id"])}
    assert ranked[world.ids["engineer"]]["distance_km"] < 0.01  # was ~30 km from home


def completed_and_rated(api, world, tmp_path) -> str:
    job = new_job(api, world, tmp_path).finish()
    token = token_of(job.order)
    api.post(f"/api/v1/public/orders/{token}/rating", {"stars": 4}, expect=201)
    return token


def test_a_favourite_ranks_first_and_a_blocked_engineer_never_appears(api, world, tmp_path):
    token = completed_and_rated(api, world, tmp_path)  # worked by world's "engineer"
    for _ in range(3):  # a busy favourite scores less than a free engineer
        api.create_order(world, assign_to="engineer")
    near = engineer(api, "near", SHENZHEN)
    api.post(f"/api/v1/public/orders/{token}/preference", {"engineer": "favourite"},
             expect=200)
    ranked = candidates(api, open_order(api, world)["id"])
    assert ranked[0]["engineer_id"] == world.ids["engineer"] and ranked[0]["favourite"]
    assert ranked[0]["score"] < next(i for i in ranked if i["engineer_id"] == near)["score"]
    assert api.get(f"/api/v1/public/orders/{token}")["engineer_preference"] == "favourite"

    api.post(f"/api/v1/public/orders/{token}/preference", {"engineer": "blocked"},
             expect=200)
    assert world.ids["engineer"] not in ids(candidates(api, open_order(api, world)["id"]))
    api.post(f"/api/v1/public/orders/{token}/preference", {"engineer": "none"}, expect=200)
    assert world.ids["engineer"] in ids(candidates(api, open_order(api, world)["id"]))
    assert api.get(f"/api/v1/public/orders/{token}")["engineer_preference"] == "none"


def test_a_preference_before_completion_or_rating_is_a_conflict(api, world, tmp_path):
    order = api.create_order(world)
    answer = api.post(f"/api/v1/public/orders/{token_of(order)}/preference",
                      {"engineer": "blocked"}, expect=409)
    assert answer["error"]["code"] == "not_completed"
    job = new_job(api, world, tmp_path).finish()
    answer = api.post(f"/api/v1/public/orders/{token_of(job.order)}/preference",
                      {"engineer": "favourite"}, expect=409)
    assert answer["error"]["code"] == "not_rated"
    assert api.get(f"/api/v1/public/orders/{token_of(job.order)}")["can_choose_engineer"] \
        is False


@pytest.mark.parametrize("body", [{"engineer": "love"}, {"engineer": None}, {},
                                  {"engineer": "favourite", "extra": 1}, {"engineer": 1}])
def test_a_bad_preference_is_refused_naming_the_field(api, world, tmp_path, body):
    token = completed_and_rated(api, world, tmp_path)
    answer = api.post(f"/api/v1/public/orders/{token}/preference", body, expect=422)
    named = set(answer["error"]["details"]["fields"])
    assert named and named <= {"engineer", "extra"}
    assert api.get(f"/api/v1/public/orders/{token}")["engineer_preference"] == "none"


def test_auto_assign_takes_the_top_candidate_or_answers_no_candidate(api, world):
    best = engineer(api, "best", SHENZHEN, skills=["solar"])
    engineer(api, "second", FAR, skills=["solar"])
    order = api.post("/api/v1/workorders", {
        "customer_id": world.customer_id, "site_id": world.site_id, "title": "Inverter",
        "required_skills": ["solar"], "assign": "auto"}, as_="dispatcher", expect=201)
    assert order["assigned_engineer_id"] == best and order["status"] == "assigned"
    before = api.get("/api/v1/workorders?limit=500", as_="dispatcher")["items"]
    answer = api.post("/api/v1/workorders", {
        "customer_id": world.customer_id, "site_id": world.site_id, "title": "Lift",
        "required_skills": ["elevator"], "assign": "auto"}, as_="dispatcher", expect=409)
    assert answer["error"]["code"] == "no_candidate"
    assert len(api.get("/api/v1/workorders?limit=500", as_="dispatcher")["items"]) == len(before)


def test_assign_best_assigns_an_existing_order(api, world):
    best = engineer(api, "best", SHENZHEN)
    order = open_order(api, world)
    assigned = api.post(f"/api/v1/workorders/{order['id']}/assign-best", None,
                        as_="dispatcher", expect=200)
    assert assigned["assigned_engineer_id"] == best


def test_only_the_office_sees_candidates(api, world):
    order = open_order(api, world)
    api.get(f"/api/v1/workorders/{order['id']}/candidates", as_="engineer", expect=403)
    api.get(f"/api/v1/workorders/{order['id']}/candidates", expect=401)
    assert candidates(api, order["id"], as_="supervisor") is not None
    api.get("/api/v1/workorders/not-a-uuid/candidates", as_="dispatcher", expect=404)
    api.get(f"/api/v1/workorders/{order['id']}/candidates?limit=0", as_="dispatcher",
            expect=422)
