"""Who should take an order: a transparent score, every point of it explained.

Pure rules over plain facts (no database, no Flask): the server gathers the facts, this module
decides. The README's "How candidates are ranked" section describes the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sync.languages import primary_language, speaks

# The points each factor can give; they add up to 100.
WEIGHTS = {"distance": 40.0, "load": 25.0, "rating": 20.0, "language": 15.0}
DISTANCE_HALF_KM = 10.0  # the distance points halve at 10 km, a third at 20 km ...
PRIOR_RATINGS = 10  # a rating average is shrunk toward the global mean as if by 10 ratings
NEUTRAL_MEAN = 4.0  # the mean to shrink toward before anyone has been rated
FAVOURITE, BLOCKED = "favourite", "blocked"


@dataclass(frozen=True)
class Job:
    """What the order asks for."""

    required_skills: tuple[str, ...] = ()
    customer_language: str = "zh-CN"


@dataclass(frozen=True)
class EngineerFacts:
    """What is known about one engineer for one order."""

    id: str
    name: str
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    active: bool = True
    distance_km: float | None = None
    open_orders: int = 0
    rating_count: int = 0
    rating_total: int = 0  # the sum of the stars
    rating_good: int = 0  # ratings the customer was satisfied with (4 or 5 stars)
    preference: str | None = None  # this customer's: favourite, blocked or None


@dataclass
class Candidate:
    engineer_id: str
    name: str
    score: float
    distance_km: float | None
    open_orders: int
    rating: dict
    favourite: bool
    reasons: list[str] = field(default_factory=list)


def bayesian_average(total: int, count: int, prior_mean: float,
                     prior_ratings: int = PRIOR_RATINGS) -> float:
    """The average of `count` ratings summing to `total`, plus `prior_ratings` imagined
    ratings at `prior_mean`: few ratings stay near the mean, many speak for themselves."""
    return (prior_mean * prior_ratings + total) / (prior_ratings + count)


def global_mean(total: int, count: int) -> float:
    """The mean of every rating, or a neutral 4 stars when there are none yet."""
    return total / count if count else NEUTRAL_MEAN


def missing_skills(engineer: EngineerFacts, job: Job) -> list[str]:
    return [skill for skill in job.required_skills if skill not in engineer.skills]


def is_eligible(engineer: EngineerFacts, job: Job) -> bool:
    """Active, not blocked by this customer, and holding every skill the order requires."""
    return (engineer.active and engineer.preference != BLOCKED
            and not missing_skills(engineer, job))


def score(engineer: EngineerFacts, job: Job, prior_mean: float) -> Candidate:
    """The engineer's points for this order, with one reason per factor."""
    reasons = []
    if engineer.preference == FAVOURITE:
        reasons.append("the customer's favourite: ranked first")
    points = 0.0

    weight = WEIGHTS["distance"]
    if engineer.distance_km is None:
        reasons.append(f"distance unknown (no home or reported position): 0 of {weight:g}")
    else:
        got = weight / (1 + engineer.distance_km / DISTANCE_HALF_KM)
        points += got
        reasons.append(f"{engineer.distance_km:.1f} km away: {got:.1f} of {weight:g}")

    weight = WEIGHTS["load"]
    got = weight / (1 + engineer.open_orders)
    points += got
    reasons.append(f"{engineer.open_orders} open order{'' if engineer.open_orders == 1 else 's'}"
                   f" today: {got:.1f} of {weight:g}")

    weight = WEIGHTS["rating"]
    shrunk = bayesian_average(engineer.rating_total, engineer.rating_count, prior_mean)
    got = weight * (shrunk - 1) / 4
    points += got
    reasons.append(f"rating {shrunk:.2f} ({engineer.rating_count} rating"
                   f"{'' if engineer.rating_count == 1 else 's'} shrunk toward the mean "
                   f"{prior_mean:.2f}): {got:.1f} of {weight:g}")

    weight = WEIGHTS["language"]
    wanted = primary_language(job.customer_language)
    if speaks(list(engineer.languages), job.customer_language):
        points += weight
        reasons.append(f"speaks the customer's language ({wanted}): {weight:g} of {weight:g}")
    else:
        reasons.append(f"does not speak the customer's language ({wanted}): 0 of {weight:g}")

    if job.required_skills:
        reasons.append(f"has every required skill: {', '.join(job.required_skills)}")

    average = (round(engineer.rating_total / engineer.rating_count, 2)
               if engineer.rating_count else None)
    good_share = (round(engineer.rating_good / engineer.rating_count, 4)
                  if engineer.rating_count else None)
    return Candidate(
        engineer_id=engineer.id, name=engineer.name, score=round(points, 2),
        distance_km=None if engineer.distance_km is None else round(engineer.distance_km, 3),
        open_orders=engineer.open_orders,
        rating={"average": average, "count": engineer.rating_count, "good_share": good_share,
                "bayesian_average": round(shrunk, 3)},
        favourite=engineer.preference == FAVOURITE, reasons=reasons)


def _order(candidate: Candidate) -> tuple:
    distance = candidate.distance_km if candidate.distance_km is not None else float("inf")
    return (not candidate.favourite, -candidate.score, distance, candidate.name,
            candidate.engineer_id)


def rank(engineers: list[EngineerFacts], job: Job, prior_mean: float,
         limit: int) -> list[Candidate]:
    """The eligible engineers, favourites first, then by score (ties: nearer, then name)."""
    scored = [score(engineer, job, prior_mean) for engineer in engineers
              if is_eligible(engineer, job)]
    return sorted(scored, key=_order)[:limit]
