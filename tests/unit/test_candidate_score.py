"""The pure candidate rules: eligibility, shrinkage, order, and one reason per factor."""

from __future__ import annotations

from sync.candidates import (
    PRIOR_RATINGS,
    WEIGHTS,
    EngineerFacts,
    Job,
    bayesian_average,
    global_mean,
    rank,
)
from sync.languages import is_known_language, speaks

JOB = Job(required_skills=("hvac",), customer_language="zh-CN")


def facts(name: str, **given) -> EngineerFacts:
    known = {"skills": ("hvac",), "languages": ("zh",), "distance_km": 5.0, **given}
    return EngineerFacts(id=name, name=name, **known)


def test_the_weights_add_up_to_a_hundred_points():
    assert sum(WEIGHTS.values()) == 100


def test_one_perfect_rating_is_shrunk_below_fifty_good_ones_when_the_mean_is_ordinary():
    mean = 4.2
    assert bayesian_average(5, 1, mean) < bayesian_average(240, 50, mean)
    assert bayesian_average(0, 0, mean) == mean
    assert bayesian_average(480, 100, mean) > 4.7  # many ratings speak for themselves
    assert global_mean(0, 0) == 4.0


def test_a_favourite_ranks_first_even_with_fewer_points():
    ranked = rank([facts("near", distance_km=0.1),
                   facts("liked", distance_km=40, open_orders=3, preference="favourite")],
                  JOB, 4.0, 5)
    assert [c.engineer_id for c in ranked] == ["liked", "near"]
    assert ranked[0].score < ranked[1].score
    assert ranked[0].reasons[0] == "the customer's favourite: ranked first"


def test_blocked_inactive_and_unskilled_engineers_are_never_ranked():
    ranked = rank([facts("blocked", preference="blocked"), facts("gone", active=False),
                   EngineerFacts(id="plumber", name="plumber", skills=("plumbing",)),
                   facts("ok")], JOB, 4.0, 5)
    assert [c.engineer_id for c in ranked] == ["ok"]


def test_every_factor_gives_a_reason_with_its_points():
    (candidate,) = rank([facts("a", rating_count=3, rating_total=12, rating_good=3)],
                        JOB, 4.0, 1)
    text = " | ".join(candidate.reasons)
    for expected in ("5.0 km away: 26.7 of 40", "0 open orders today: 25.0 of 25",
                     "rating 4.00 (3 ratings shrunk toward the mean 4.00): 15.0 of 20",
                     "speaks the customer's language (zh): 15 of 15",
                     "has every required skill: hvac"):
        assert expected in text
    assert candidate.score == round(40 / 1.5 + 25 + 15 + 15, 2)
    assert PRIOR_RATINGS == 10


def test_cantonese_is_its_own_language_and_regions_do_not_matter():
    assert speaks(["zh-TW"], "zh-CN") and speaks(["en-GB"], "en")
    assert not speaks(["yue"], "zh-CN")
    assert is_known_language("yue") and not is_known_language("klingon")
