"""Customer ratings of engineers: what counts as satisfied, and an engineer's summary."""

from __future__ import annotations

from sqlalchemy import case, func, select

from server.extensions import db
from server.models import Rating

# One home for the satisfaction rule: the customer page, the profile and the reports agree.
SATISFIED_STARS = 4  # 4 or 5 stars is a satisfied customer
UNHAPPY_STARS = 3  # 3 stars or less is listed among the unhappy few in the reports


def is_satisfied(stars: int) -> bool:
    """True for a rating that counts towards the satisfaction rate."""
    return stars >= SATISFIED_STARS


def rating_summary(engineer_id: str) -> dict:
    """Average stars, count, and the share of satisfied ratings (the satisfaction rate)."""
    count, average, satisfied = db.session.execute(
        select(func.count(Rating.id), func.avg(Rating.stars),
               func.sum(case((Rating.stars >= SATISFIED_STARS, 1), else_=0)))
        .where(Rating.engineer_id == engineer_id)).one()
    if not count:
        return {"average": None, "count": 0, "satisfied_share": None}
    return {"average": round(float(average), 2), "count": count,
            "satisfied_share": round(float(satisfied) / count, 4)}
